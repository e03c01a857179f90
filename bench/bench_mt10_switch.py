# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Live task switching on the running MT10 graph (``lwd launch mt10_sim``).

Publishes ``/lwd/task`` switches cycling through the ten tasks, like ``ros2 topic pub --once
/lwd/task lwd_ros/msg/TaskSwitch "{task: drawer-open-v3}"``, and measures from each message:
the first policy of the new task on ``/lwd/policy``, the first policy generated after the
sim reported the new task's scene, and the first command after each of them (the controller
swaps a policy between ticks, so the next command comes from it). Missed control ticks: the
controller's own count (``/diagnostics``, last 5000 ticks) over a window with switches and
one without, and the command stream around every switch as seen by this process.
Prints JSON (latencies p50/p99/max in ms, gaps, per-switch records).
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor

from lwd_ros.envs.mt10.spec import MT10, TASKS
from lwd_ros.msg import EpisodeStatus, PolicyWeights, TaskSwitch
from lwd_ros.report import emit_json
from lwd_ros.ros.qos import EPISODE, LATCHED, SENSOR


def stats_ms(values):
    v = np.asarray([x for x in values if x is not None]) * 1e3
    if not len(v):
        return None
    return {'p50': round(float(np.percentile(v, 50)), 2),
            'p99': round(float(np.percentile(v, 99)), 2), 'max': round(float(v.max()), 2),
            'count': int(len(v))}


def first_after(times, t):
    return next((x for x in times if x > t), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--checkpoint', default='models/mt10')
    parser.add_argument('--switches', type=int, default=30)
    parser.add_argument('--period', type=float, default=1.5, help='s between switches')
    parser.add_argument('--control-rate', type=float, default=500.0)
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()
    from geometry_msgs.msg import TwistStamped
    os.environ.setdefault('ROS_DOMAIN_ID', '81')
    os.environ.setdefault('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    rclpy.init()
    node = rclpy.create_node('bench_mt10_switch')
    ex = SingleThreadedExecutor()
    ex.add_node(node)
    commands, policies, scenes = [], [], []
    node.create_subscription(TwistStamped, MT10.command.topic,
                             lambda m: commands.append(time.monotonic()), SENSOR)
    node.create_subscription(PolicyWeights, '/lwd/policy',
                             lambda m: policies.append((time.monotonic(), m.task)), LATCHED)

    def on_status(m):
        if not scenes or scenes[-1][1:] != (m.task, m.episode):
            scenes.append((time.monotonic(), m.task, m.episode))
    node.create_subscription(EpisodeStatus, '/' + MT10.episode_topic, on_status, EPISODE)
    task_pub = node.create_publisher(TaskSwitch, '/lwd/task', LATCHED)
    from diagnostic_msgs.msg import DiagnosticArray
    diag = {}
    node.create_subscription(  # the controller's own tick statistics (last 5000 ticks)
        DiagnosticArray, '/diagnostics',
        lambda m: diag.update({kv.key: kv.value for st in m.status for kv in st.values
                               if st.name.endswith('lwd_controller')}), 10)

    def controller_ticks():
        keys = ('rate_hz', 'missed', 'period_error_p99_ms', 'ticks')
        return {k: float(diag[k]) for k in keys if k in diag}
    launch = subprocess.Popen(
        [sys.executable, '-m', 'lwd_ros', 'launch', 'mt10_sim',
         f'checkpoint:={args.checkpoint}', f'control_rate:={args.control_rate}',
         'task:=reach-v3'], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True)
    records = []
    try:
        deadline = time.monotonic() + 90
        while len(commands) < 200 and time.monotonic() < deadline:  # graph up and running
            ex.spin_once(timeout_sec=0.05)
        if len(commands) < 200:
            raise RuntimeError('the MT10 graph did not start commanding within 90 s')
        end = time.monotonic() + 10.5  # a full tick window without switches, for reference
        while time.monotonic() < end:
            ex.spin_once(timeout_sec=0.05)
        steady = controller_ticks()
        for i in range(args.switches):
            task = TASKS[(i + 1) % len(TASKS)]
            t0 = time.monotonic()
            task_pub.publish(TaskSwitch(task=task))
            end = t0 + args.period
            while time.monotonic() < end:
                ex.spin_once(timeout_sec=0.005)
            t_policy = next((t for t, k in policies if t > t0 and k == task), None)
            t_scene = next((t for t, k, _ in scenes if t > t0 and k == task), None)
            t_scene_policy = (next((t for t, k in policies if t > t_scene and k == task), None)
                              if t_scene else None)
            window = [t for t in commands if t0 - 0.1 <= t <= t0 + 0.5]
            gaps = np.diff(window) if len(window) > 1 else np.array([np.inf])

            def rel(t, t0=t0):
                return None if t is None else t - t0
            records.append({
                'task': task, 'policy_s': rel(t_policy), 'scene_s': rel(t_scene),
                'scene_policy_s': rel(t_scene_policy),
                'first_command_s': rel(first_after(commands, t_policy) if t_policy else None),
                'scene_command_s': rel(first_after(commands, t_scene_policy)
                                       if t_scene_policy else None),
                'max_command_gap_s': float(gaps.max()), 'commands_in_window': len(window)})
        switching = controller_ticks()  # its window: the last ~7 switches
    finally:
        os.killpg(launch.pid, 2)
        try:
            launch.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(launch.pid, 9)
        node.destroy_node()
        rclpy.shutdown()
    period = 1.0 / args.control_rate
    gaps = [r['max_command_gap_s'] for r in records]
    result = {
        'checkpoint': args.checkpoint, 'switches': len(records),
        'control_rate_hz': args.control_rate, 'policy_rate_hz': MT10.policy_rate,
        'switch_to_new_task_policy_ms': stats_ms([r['policy_s'] for r in records]),
        'switch_to_first_command_of_new_task_ms': stats_ms(
            [r['first_command_s'] for r in records]),
        'switch_to_new_scene_ms': stats_ms([r['scene_s'] for r in records]),
        'switch_to_first_command_on_new_scene_ms': stats_ms(
            [r['scene_command_s'] for r in records]),
        'controller_ticks_steady': steady, 'controller_ticks_while_switching': switching,
        'max_command_gap_ms': round(max(gaps) * 1e3, 2),
        'switches_with_a_gap_over_2_periods': int(sum(g > 2 * period for g in gaps)),
        'mean_commands_per_window': float(np.mean([r['commands_in_window'] for r in records])),
        'window_s': 0.6,
        'per_switch': records,
        'note': 'commands seen by a Python subscriber: its own scheduling adds to the gaps',
    }
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
