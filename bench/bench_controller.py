# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Controller node under load: achieved rate, period error, obs->command latency, RSS.

Runs the real ``lwd_controller`` process at 100/500/1000 Hz while this process publishes
joint states and object poses at 200 Hz and a fresh 17.5k-parameter policy at 10 Hz. The
policy passes the joint positions through (ReLU layers of identity blocks), so each command
names the joint state it was computed from and gives the observation->command latency.
Prints JSON; targets (design.md §6): >= 995 Hz and p99 period error <= 0.5 ms at 1 kHz,
RSS <= 150 MB.

``--sources A B`` runs the controller from each checkout in turn (``PYTHONPATH=A``, the
messages still from the install), ``--rounds`` times, A B A B...: a change to the control
loop is compared with the commit before it on the same machine state, which matters on a
shared machine where the load of the minute moves both figures more than the change does.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor

from lwd_ros.msg import PolicyWeights
from lwd_ros.observations.pose2d import quaternion_from_yaw
from lwd_ros.ros.qos import LATCHED, SENSOR
from lwd_ros.runtime.mlp import flatten_layers
from lwd_ros.runtime.policy_msg import fill_policy_msg

HIDDEN = 128
LAYERS = (5, HIDDEN, HIDDEN, 2)


def pass_through_weights(rng):
    """Output = (agent_x, agent_y) for positive inputs; unused weights are noise-free zeros."""
    w1, w2, w3 = np.eye(HIDDEN, 5), np.eye(HIDDEN), np.eye(2, HIDDEN)
    w1[2:] = w2[2:] = 0.0  # only agent_x, agent_y travel through
    b1 = np.zeros(HIDDEN)
    b1[2:] = rng.standard_normal(HIDDEN - 2)  # unused units: the content differs every update
    return flatten_layers([(w1, b1), (w2, np.zeros(HIDDEN)), (w3, np.zeros(2))])


def cpu_s(pid):
    """CPU seconds (user + system, all threads) the process has used so far."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def rss_mb(pid):
    with open(f'/proc/{pid}/status') as f:
        return next(int(line.split()[1]) for line in f if line.startswith('VmRSS')) / 1024


def _from_source(source):
    """Popen arguments running the controller from checkout ``source`` (None: this one)."""
    if source is None:
        return {}
    source = os.path.abspath(source)
    return {'cwd': source, 'env': {**os.environ, 'PYTHONPATH': source}}


def run_rate(rate, seconds, source=None):
    from diagnostic_msgs.msg import DiagnosticArray
    from geometry_msgs.msg import PoseStamped
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray
    proc = subprocess.Popen(
        [sys.executable, '-m', 'lwd_ros.nodes.lwd_controller', '--ros-args', '-p',
         f'control_rate:={float(rate)}', '-p', 'diagnostics_period:=0.5', '-p',
         'obs_timeout:=0.5'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        **_from_source(source))
    context = rclpy.Context()
    rclpy.init(context=context)
    node = rclpy.create_node('bench_controller', context=context)
    ex = SingleThreadedExecutor(context=context)
    ex.add_node(node)
    sent, latencies, diag = {}, [], {}

    def on_cmd(msg):
        key = round(msg.data[0], 7)
        if key in sent:
            latencies.append(time.perf_counter() - sent.pop(key))

    def on_diag(msg):
        diag.update({kv.key: kv.value for s in msg.status for kv in s.values})
    node.create_subscription(Float64MultiArray, '/forward_position_controller/commands',
                             on_cmd, SENSOR)
    node.create_subscription(DiagnosticArray, '/diagnostics', on_diag, 10)
    js_pub = node.create_publisher(JointState, '/joint_states', SENSOR)
    pose_pub = node.create_publisher(PoseStamped, '/pusht/object_pose', SENSOR)
    pol_pub = node.create_publisher(PolicyWeights, '/lwd/policy', LATCHED)
    rng = np.random.default_rng(0)
    gen, k = 0, 0
    pose = PoseStamped()
    q = pose.pose.orientation
    q.x, q.y, q.z, q.w = quaternion_from_yaw(0.3)
    t_end = time.perf_counter() + seconds
    next_js, next_pol = 0.0, 0.0
    measuring_from = time.perf_counter() + 1.5  # let discovery and the first policy settle
    cpu_from = None
    while time.perf_counter() < t_end:
        now = time.perf_counter()
        if cpu_from is None and now > measuring_from:
            cpu_from = (now, cpu_s(proc.pid))
        if now >= next_pol:
            gen += 1
            pol_pub.publish(fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS,
                                            weights=pass_through_weights(rng), activation='relu',
                                            task='bench', generation=gen, generator_id='bench'))
            next_pol = now + 0.1
        if now >= next_js:
            k += 1
            x = round(0.1 + (k % 100000) * 1e-6, 7)
            if now > measuring_from:
                sent[x] = time.perf_counter()
            js_pub.publish(JointState(name=['gantry_x', 'gantry_y'], position=[x, 0.2]))
            pose_pub.publish(pose)
            next_js = now + 0.005
        ex.spin_once(timeout_sec=0.0005)
    rss = rss_mb(proc.pid)
    # The controller's CPU share while it runs at this rate: what the tick, its executor
    # and the policy thread cost, less sensitive to the machine's other load than the rate.
    cpu_share = (cpu_s(proc.pid) - cpu_from[1]) / (time.perf_counter() - cpu_from[0])
    proc.send_signal(2)
    proc.wait(10)
    node.destroy_node()
    context.try_shutdown()
    lat = np.array(latencies) * 1e3
    return {
        'control_rate_hz': rate,
        'achieved_hz': float(diag.get('rate_hz', 'nan')),
        'period_error_p50_ms': float(diag.get('period_error_p50_ms', 'nan')),
        'period_error_p99_ms': float(diag.get('period_error_p99_ms', 'nan')),
        'missed_ticks_in_window': float(diag.get('missed', 'nan')),
        'policies_swapped': int(diag.get('policies_swapped', 0)),
        'policies_rejected': int(diag.get('policies_rejected', 0)),
        'obs_to_command_ms_p50': float(np.percentile(lat, 50)) if lat.size else None,
        'obs_to_command_ms_p99': float(np.percentile(lat, 99)) if lat.size else None,
        'rss_mb': round(rss, 1),
        'cpu_percent': round(100 * cpu_share, 1),
    }


def _commit(source):
    try:
        return subprocess.run(['git', '-C', source, 'rev-parse', '--short', 'HEAD'],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ''


def compare(sources, rates, seconds, rounds):
    """Each checkout's controller in turn, ``rounds`` times; per-run figures and medians."""
    runs = []
    for r in range(rounds):
        for src in sources:
            for rate in rates:
                load = os.getloadavg()[0]
                runs.append({'round': r, 'source': src, 'loadavg_1min': round(load, 2),
                             **run_rate(rate, seconds, src)})
    keys = ('achieved_hz', 'period_error_p50_ms', 'period_error_p99_ms',
            'obs_to_command_ms_p50', 'obs_to_command_ms_p99', 'rss_mb', 'cpu_percent')
    medians = {src: {str(rate): {k: statistics.median(
        x[k] for x in runs if x['source'] == src and x['control_rate_hz'] == rate
        and x[k] is not None) for k in keys} for rate in rates} for src in sources}
    a, b = sources[0], sources[-1]
    ratios = {str(rate): {k: round(medians[b][str(rate)][k] / medians[a][str(rate)][k], 3)
                          for k in keys if medians[a][str(rate)][k]} for rate in rates}
    return {'benchmark': 'controller_ab', 'weight_update_hz': 10.0, 'seconds': seconds,
            'sources': {src: _commit(src) for src in sources}, 'runs': runs,
            'medians': medians, f'ratio_{os.path.basename(b)}_over_{os.path.basename(a)}': ratios}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rates', type=float, nargs='+', default=[100.0, 500.0, 1000.0])
    parser.add_argument('--seconds', type=float, default=8.0)
    parser.add_argument('--sources', nargs='+', default=(),
                        help='checkouts whose controller to run, alternating (A B A B ...)')
    parser.add_argument('--rounds', type=int, default=3, help='alternations with --sources')
    args = parser.parse_args()
    os.environ.setdefault('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    os.environ.setdefault('ROS_DOMAIN_ID', str(100 + os.getpid() % 100))
    if args.sources:
        print(json.dumps(compare(args.sources, args.rates, args.seconds, args.rounds), indent=1))
        return
    results = [run_rate(r, args.seconds) for r in args.rates]
    print(json.dumps({'benchmark': 'controller', 'weight_update_hz': 10.0,
                      'policy_params': int(pass_through_weights(np.random.default_rng(0)).size),
                      'results': results}, indent=2))


if __name__ == '__main__':
    main()
