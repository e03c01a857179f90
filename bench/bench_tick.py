# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The control tick in process: nanoseconds per ``PolicyController.tick`` and its pieces.

Why in process: the node bench (``bench_controller.py``) sees the tick through rclpy, the
executor and the machine's other load; this one times only the Python the control thread
runs per tick, so a change to the tick shows up undiluted. It imports ``lwd_ros`` from
``sys.path``, so ``PYTHONPATH=<another checkout> python bench/bench_tick.py`` times that
checkout's tick (``--sources A B`` runs each in a subprocess, alternating, and prints
ratios). The pusht contract, a 5-128-128-2 ReLU MLP (the node bench's policy size), both
inputs fresh: the RUN path every tick.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HIDDEN = 128
LAYERS = (5, HIDDEN, HIDDEN, 2)


def _policy_msg(generation, bounds):
    from lwd_ros.msg import PolicyWeights
    from lwd_ros.runtime.mlp import num_params
    from lwd_ros.runtime.policy_msg import fill_policy_msg
    rng = np.random.default_rng(generation)
    weights = (rng.standard_normal(num_params(LAYERS)) * 0.05).astype(np.float32)
    extra = {}
    if bounds:  # a generator that sends its training range (checked every tick since 12-05)
        extra = {'obs_low': [0.0, 0.0, 0.0, 0.0, 0.0], 'obs_high': [0.6, 0.6, 0.6, 0.6, 7.0]}
    try:
        return fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=weights,
                               activation='relu', task='classic', generation=generation,
                               generator_id='bench', **extra)
    except TypeError:  # a checkout from before training ranges
        return fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=weights,
                               activation='relu', task='classic', generation=generation,
                               generator_id='bench')


def _per_call_ns(fn, n):
    # the thread's CPU time, not the wall clock: time spent preempted by the machine's
    # other load is not the tick's
    t0 = time.thread_time_ns()
    for _ in range(n):
        fn()
    return (time.thread_time_ns() - t0) / n


def measure(n, repeats, bounds):
    """Least CPU ns per call of ``repeats`` batches of ``n`` calls, for each piece.

    The least, as timeit advises: on a shared machine every slower batch was slowed by
    something else (cache and core sharing), not by the code.
    """
    import lwd_ros
    from lwd_ros.observations.pose2d import quaternion_from_yaw
    from lwd_ros.runtime.controller import ControllerConfig, PolicyController
    from lwd_ros.runtime.rate_monitor import RateMonitor
    c = PolicyController(ControllerConfig(robot='pusht', obs_timeout=1e9))
    c.obs.update_joints(['gantry_x', 'gantry_y'], [0.1, 0.2], 0.0)
    c.obs.update_pose((0.25, 0.3, 0.0), quaternion_from_yaw(0.4), 0.0)
    c.offer_policy(_policy_msg(1, bounds), 0.0)
    obs = c.obs.observation()
    policy = c.active.policy
    monitor = RateMonitor(1e-3)
    clock = time.monotonic
    mode = c.tick(1.0)[1]
    assert mode.value == 'run', mode
    q = quaternion_from_yaw(0.4)
    pieces = {
        'tick': lambda: c.tick(1.0),
        'node_tick': lambda: (monitor.tick(clock()), c.tick(1.0)),
        'observation': c.obs.observation,
        'ages': lambda: c.obs.ages(1.0),
        'policy_act': lambda: policy.act(obs),
        'update_joints': lambda: c.obs.update_joints(['gantry_x', 'gantry_y'], [0.1, 0.2],
                                                     0.5, 'joint_states'),
        'update_pose': lambda: c.obs.update_pose((0.25, 0.3, 0.0), q, 0.5,
                                                 'pusht/object_pose'),
        'offer_policy': None,
    }
    gen = [1]
    msgs = [_policy_msg(g, bounds) for g in range(2, 12)]
    results = {}
    for name, fn in pieces.items():
        if name == 'offer_policy':
            # generations must rise: rebuild the message generation on the fly
            def offer_fn():
                gen[0] += 1
                m = msgs[gen[0] % len(msgs)]
                m.generation = gen[0]
                c.offer_policy(m, 0.0)
            fn, calls = offer_fn, max(n // 200, 20)
        else:
            calls = n
        fn()  # warm
        results[name] = min(_per_call_ns(fn, calls) for _ in range(repeats))
    return {'lwd_ros': os.path.dirname(lwd_ros.__file__), 'bounds': bounds,
            'ns_per_call': {k: round(v) for k, v in results.items()}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--n', type=int, default=20000, help='calls per timed batch')
    parser.add_argument('--repeats', type=int, default=7, help='batches (median taken)')
    parser.add_argument('--bounds', action='store_true',
                        help='the policy carries a training range (new checkouts check it)')
    parser.add_argument('--sources', nargs='+', default=(),
                        help='checkouts to compare, each run in a subprocess, alternating')
    parser.add_argument('--rounds', type=int, default=3, help='alternations with --sources')
    args = parser.parse_args()
    if not args.sources:
        print(json.dumps(measure(args.n, args.repeats, args.bounds)))
        return
    rounds = []
    for r in range(args.rounds):
        for src in args.sources:
            cmd = [sys.executable, os.path.abspath(__file__), '--n', str(args.n),
                   '--repeats', str(args.repeats)] + (['--bounds'] if args.bounds else [])
            env = {**os.environ, 'PYTHONPATH': os.path.abspath(src)}
            out = subprocess.run(cmd, env=env, cwd=os.path.abspath(src), check=True,
                                 capture_output=True, text=True).stdout
            rounds.append({'round': r, 'source': src, 'loadavg': os.getloadavg()[0],
                           **json.loads(out.strip().splitlines()[-1])})
    med = {src: {k: statistics.median(x['ns_per_call'][k] for x in rounds
                                      if x['source'] == src)
                 for k in rounds[0]['ns_per_call']} for src in args.sources}
    print(json.dumps({'benchmark': 'tick_in_process', 'layers': LAYERS, 'rounds': rounds,
                      'median_ns_per_call': med}, indent=1))


if __name__ == '__main__':
    main()
