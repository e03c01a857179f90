# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The controller under a burst of malformed messages on every topic it subscribes to.

Runs the real ``lwd_controller`` at 1 kHz while this process plays sim and generator: good
joint states and poses at ~200 Hz, a good policy, and ``--burst`` malformed messages per
topic in between (NaN/Inf/1e308 joints and poses, missing joints, zero quaternions, NaN,
overflowing, wrong-size, forged-generation and over-budget policies). Prints JSON: commands
received, non-finite and out-of-limit commands (must be 0), the gaps between commands as
this (busy) process receives them, the controller's own loop rate, period error and missed
ticks from its diagnostics, inputs dropped and policies rejected (its counters), and whether
it survived. Sensor-data QoS is best effort, so not every malformed message arrives.
``test/nodes/test_faults.py`` asserts the same on a smaller burst.
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor

from lwd_ros.msg import PolicyWeights
from lwd_ros.report import emit_json
from lwd_ros.ros.qos import LATCHED, SENSOR
from lwd_ros.runtime.mlp import num_params
from lwd_ros.runtime.policy_msg import fill_policy_msg

LAYERS = (5, 8, 2)


def policy(generation, weights=None, layers=LAYERS, gen_id='bench'):
    if weights is None:
        weights = np.zeros(num_params(layers), np.float32)
        weights[-2:] = (0.3, 0.2)
    return fill_policy_msg(PolicyWeights(), layer_sizes=layers, weights=weights,
                           activation='relu', task='classic', generation=generation,
                           generator_id=gen_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--burst', type=int, default=10_000, help='malformed messages per topic')
    parser.add_argument('--rate', type=float, default=1000.0, help='controller rate, Hz')
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()
    from diagnostic_msgs.msg import DiagnosticArray
    from geometry_msgs.msg import PoseStamped
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray

    env = dict(os.environ, ROS_DOMAIN_ID=os.environ.get('ROS_DOMAIN_ID', '77'),
               ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST')
    os.environ.update(env)
    rclpy.init()
    node = rclpy.create_node('bench_faults')
    ex = SingleThreadedExecutor()
    ex.add_node(node)
    times, commands, diag, snapshots = [], [], {}, []
    node.create_subscription(Float64MultiArray, '/forward_position_controller/commands',
                             lambda m: (times.append(time.monotonic()),
                                        commands.append(list(m.data))), SENSOR)

    def on_diag(msg):
        diag.update({kv.key: kv.value for s in msg.status for kv in s.values})
        snapshots.append(dict(diag))
    node.create_subscription(DiagnosticArray, '/diagnostics', on_diag, 10)
    jp = node.create_publisher(JointState, '/joint_states', SENSOR)
    pp = node.create_publisher(PoseStamped, '/pusht/object_pose', SENSOR)
    lp = node.create_publisher(PolicyWeights, '/lwd/policy', LATCHED)
    ctrl = subprocess.Popen([sys.executable, '-m', 'lwd_ros.nodes.lwd_controller', '--ros-args',
                             '-p', f'control_rate:={args.rate}', '-p', 'diagnostics_period:=0.2',
                             '-p', 'obs_timeout:=0.5'], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)

    def joints(x=0.1, y=0.2, names=('gantry_x', 'gantry_y')):
        return JointState(name=list(names), position=[float(x), float(y)][:len(names)])

    def pose(x=0.25, q=(0.0, 0.0, 0.0, 1.0)):
        p = PoseStamped()
        p.pose.position.x, p.pose.position.y = float(x), 0.3
        o = p.pose.orientation
        o.x, o.y, o.z, o.w = (float(v) for v in q)
        return p

    def good():
        jp.publish(joints())
        pp.publish(pose())
    lp.publish(policy(1))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and diag.get('mode') != 'run':
        good()
        ex.spin_once(timeout_sec=0.005)
    rng = np.random.default_rng(0)
    n = num_params(LAYERS)
    bad_policies = [lambda g: policy(g, np.full(n, np.nan, np.float32)),
                    lambda g: policy(g, np.full(n, 3e38, np.float32)),
                    lambda g: policy(g, rng.normal(size=n - 1).astype(np.float32)),
                    lambda g: policy(2**32 - 1),
                    lambda g: policy(g, np.zeros(num_params((5, 600, 600, 2)), np.float32),
                                     (5, 600, 600, 2))]
    bad_values = [np.nan, np.inf, -np.inf, 1e308, -1e308]
    times.clear()
    commands.clear()
    snapshots.clear()
    t0, last_good = time.monotonic(), 0.0
    for i in range(args.burst):
        v = bad_values[i % len(bad_values)]
        jp.publish(joints(v) if i % 2 else joints(names=('other',)))
        pp.publish(pose(v) if i % 2 else pose(q=(0, 0, 0, 0)))
        if i % 5 == 0:
            lp.publish(bad_policies[i // 5 % len(bad_policies)](2 + i))
        if time.monotonic() - last_good > 0.005:
            good()
            last_good = time.monotonic()
            ex.spin_once(timeout_sec=0.0)
    burst_s = time.monotonic() - t0
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        good()
        ex.spin_once(timeout_sec=0.005)
    alive = ctrl.poll() is None
    sent = np.array(commands) if commands else np.zeros((0, 2))
    gaps = np.diff(times) if len(times) > 1 else np.zeros(1)
    result = {
        'burst_per_topic': args.burst, 'burst_s': round(burst_s, 2),
        'control_rate_hz': args.rate, 'controller_alive': alive,
        'commands_received': len(sent),
        'nonfinite_commands': int((~np.isfinite(sent)).any(1).sum()),
        'out_of_limit_commands': int(((sent < 0.0) | (sent > 0.512)).any(1).sum()),
        'max_command_gap_ms': round(float(gaps.max()) * 1e3, 2),
        'p99_command_gap_ms': round(float(np.percentile(gaps, 99)) * 1e3, 2),
        'inputs_dropped': int(diag.get('inputs_dropped', 0)),
        'policies_rejected': int(diag.get('policies_rejected', 0)),
        'mode_after': diag.get('mode'),
        # the controller's own loop, from its diagnostics during and after the burst
        'controller_rate_hz_min': min(float(s['rate_hz']) for s in snapshots),
        'controller_period_error_p99_ms_max': max(float(s['period_error_p99_ms'])
                                                  for s in snapshots),
        'controller_missed_ticks_max': max(float(s['missed']) for s in snapshots),
        'diagnostics_samples': len(snapshots),
    }
    ctrl.send_signal(2)
    result['controller_exit'] = ctrl.wait(20)
    node.destroy_node()
    rclpy.shutdown()
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
