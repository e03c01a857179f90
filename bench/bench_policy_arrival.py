# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Command gaps of the 1 kHz controller while policies, oversized ones too, arrive.

The controller runs as a real process (PushT contract, 1 kHz); this process publishes joint
states and poses at 200 Hz, a valid 17.7k-parameter policy at 10 Hz and, every 0.5 s, an
oversized policy message (``--oversize`` floats, refused by the controller) and listens to
the commands. Two code trees side by side in one run, e.g. the commit before policies moved
off the tick thread and the working tree::

    git worktree add /tmp/lwd_before <commit>
    python bench/bench_policy_arrival.py --trees /tmp/lwd_before . \
        --json results/policy_arrival.json

Target (issue: what a ROS 2 user touches): max command gap <= 5 ms while oversized policies
arrive. Prints and writes JSON: per tree, command gaps seen here (max, p99.9, p99) and the
controller's own counts.
"""

import argparse
import json
import os
from pathlib import Path
import subprocess
import sys
import time

import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lwd_ros.msg import PolicyWeights  # noqa: E402
from lwd_ros.observations.pose2d import quaternion_from_yaw  # noqa: E402
from lwd_ros.ros.qos import LATCHED, SENSOR  # noqa: E402
from lwd_ros.runtime.mlp import num_params  # noqa: E402
from lwd_ros.runtime.policy_msg import fill_policy_msg  # noqa: E402

LAYERS = (5, 128, 128, 2)


def run_tree(tree: Path, seconds: float, oversize: int, domain: int,
             big_layers: tuple[int, ...] = ()) -> dict:
    from diagnostic_msgs.msg import DiagnosticArray
    from geometry_msgs.msg import PoseStamped
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray

    env = dict(os.environ, ROS_DOMAIN_ID=str(domain), PYTHONPATH=str(tree.resolve()),
               ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST')
    proc = subprocess.Popen([sys.executable, '-m', 'lwd_ros.nodes.lwd_controller', '--ros-args',
                             '-p', 'control_rate:=1000.0', '-p', 'max_generation_jump:=100000'],
                            env=env, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    context = rclpy.Context()
    rclpy.init(context=context, domain_id=domain)
    node = rclpy.create_node('policy_arrival_bench', context=context)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(node)
    arrivals, diag = [], {}
    node.create_subscription(Float64MultiArray, '/forward_position_controller/commands',
                             lambda m: arrivals.append(time.perf_counter()), SENSOR)
    node.create_subscription(DiagnosticArray, '/diagnostics', lambda m: diag.update(
        {kv.key: kv.value for s in m.status for kv in s.values}), 10)
    js_pub = node.create_publisher(JointState, '/joint_states', SENSOR)
    pose_pub = node.create_publisher(PoseStamped, '/pusht/object_pose', SENSOR)
    policy_pub = node.create_publisher(PolicyWeights, '/lwd/policy', LATCHED)
    rng = np.random.default_rng(0)
    weights = (rng.standard_normal(num_params(LAYERS)) * 0.01).astype(np.float32)
    # every 0.5 s: an oversized message (refused) or, with big_layers, a large valid policy
    # within the FLOP budget (taken, validated by timed forward passes, swapped in)
    big = (np.zeros(oversize, np.float32) if not big_layers else
           (rng.standard_normal(num_params(big_layers)) * 0.01).astype(np.float32))
    generation = [0]

    def publish_state():
        js = JointState(name=['gantry_x', 'gantry_y'], position=[0.2, 0.3])
        js_pub.publish(js)
        pose = PoseStamped()
        pose.pose.position.x, pose.pose.position.y = 0.25, 0.3
        (pose.pose.orientation.x, pose.pose.orientation.y, pose.pose.orientation.z,
         pose.pose.orientation.w) = quaternion_from_yaw(0.5)
        pose_pub.publish(pose)

    def publish_policy(oversized=False):
        generation[0] += 1
        msg = fill_policy_msg(PolicyWeights(),
                              layer_sizes=big_layers if oversized and big_layers else LAYERS,
                              weights=big if oversized else weights, activation='relu',
                              task='classic', generation=generation[0], generator_id='bench')
        policy_pub.publish(msg)

    node.create_timer(0.005, publish_state)
    node.create_timer(0.1, publish_policy)
    node.create_timer(0.5, lambda: publish_policy(oversized=True))
    try:
        warm = time.perf_counter() + 3.0  # discovery, first policy
        while time.perf_counter() < warm:
            executor.spin_once(timeout_sec=0.01)
        arrivals.clear()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            executor.spin_once(timeout_sec=0.01)
    finally:
        proc.send_signal(2)
        out = proc.communicate(timeout=20)[0]
        node.destroy_node()
        context.try_shutdown()
    gaps = np.diff(arrivals) * 1e3 if len(arrivals) > 2 else np.array([np.inf])
    return {'tree': str(tree), 'seconds': seconds,
            'every_0_5_s': (f'a valid {list(big_layers)} policy ({big.size:,} floats)'
                            if big_layers else f'an oversized {oversize:,}-float message'),
            'commands': len(arrivals),
            'gap_ms': {'max': round(float(gaps.max()), 2),
                       'p99_9': round(float(np.percentile(gaps, 99.9)), 2),
                       'p99': round(float(np.percentile(gaps, 99)), 2)},
            'controller': {k: diag.get(k) for k in ('rate_hz', 'period_error_p99_ms',
                                                    'max_gap_ms', 'missed',
                                                    'policies_rejected', 'policies_swapped')},
            'rejections_logged': out.count('rejected policy generation')}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--trees', nargs='+', default=['.'], type=Path)
    parser.add_argument('--seconds', type=float, default=8.0)
    parser.add_argument('--oversize', type=int, default=5_000_000,
                        help='floats in each oversized policy message')
    parser.add_argument('--big-layers', type=int, nargs='+', default=(),
                        help='send a large valid policy of these layer sizes instead')
    parser.add_argument('--json', type=Path)
    args = parser.parse_args(argv)
    rows = [run_tree(t, args.seconds, args.oversize, 120 + i, tuple(args.big_layers))
            for i, t in enumerate(args.trees)]
    text = json.dumps({'bench': 'policy_arrival', 'runs': rows}, indent=1)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
