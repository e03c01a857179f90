# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The full PushT graph on the shipped checkpoint: task switch, generator restart.

Real processes, the sim in real time (a 30 s episode outlasts a generator restart). The
success-rate agreement with in-process ``lwd eval`` over 10 seeds is in
``bench/bench_ros_vs_eval.py`` (minutes, not a unit test).
"""

from conftest import REPO
from nodes_util import spawn, spin_until, stop
import pytest

from lwd_ros.msg import EpisodeStatus, PolicyWeights, TaskSwitch
from lwd_ros.ros.qos import LATCHED, RELIABLE

CHECKPOINT = REPO / 'models' / 'pusht'


@pytest.mark.slow
def test_task_switch_and_generator_restart(rclpy_context, ros_env):
    from diagnostic_msgs.msg import DiagnosticArray
    import rclpy
    node = rclpy.create_node('generator_graph_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    policies, statuses, diag, policy_steps = [], [], {}, []

    def on_policy(msg):  # remember the sim step each policy arrived at
        policies.append(msg)
        policy_steps.append(statuses[-1].step if statuses else 0)
    node.create_subscription(PolicyWeights, '/lwd/policy', on_policy, LATCHED)
    node.create_subscription(EpisodeStatus, '/pusht/episode', statuses.append, RELIABLE)
    node.create_subscription(
        DiagnosticArray, '/diagnostics',
        lambda m: diag.update({kv.key: kv.value for s in m.status for kv in s.values}), 10)
    task_pub = node.create_publisher(TaskSwitch, '/lwd/task', LATCHED)

    bridge = spawn('mujoco_bridge', ros_env, real_time_factor=1.0, auto_reset=False, seed=0,
                   use_sim_time=True)
    gen = spawn('policy_generator', ros_env, checkpoint=str(CHECKPOINT), use_sim_time=True)
    # obs_timeout 1 s: a generator (re)loading torch on 2 busy cores can starve the bridge's
    # publishing for a few hundred ms; this test is about policies, not about holds.
    ctrl = spawn('lwd_controller', ros_env, control_rate=200.0, diagnostics_period=0.2,
                 obs_timeout=1.0)
    procs = [bridge, gen, ctrl]
    try:
        assert spin_until(executor, lambda: len(policies) >= 3, 60, procs), 'no policies'
        assert all(p.task == 'classic' for p in policies)
        assert spin_until(executor, lambda: diag.get('mode') == 'run', 20, procs), diag
        # Our volatile status subscription may match the bridge after its first steps.
        assert spin_until(executor, lambda: len(statuses) > 0, 20, procs), 'no episode status'

        # A task switch moves the goal and yields a policy for the new task within one
        # generation period (8 policy steps = 0.8 s sim), counted in bridge steps.
        step_at_switch = statuses[-1].step
        task_pub.publish(TaskSwitch(task='goal_left'))
        assert spin_until(executor, lambda: policies[-1].task == 'goal_left', 30, procs)
        assert spin_until(executor, lambda: statuses[-1].task == 'goal_left', 10, procs)
        first = next(i for i, p in enumerate(policies) if p.task == 'goal_left')
        assert policy_steps[first] - step_at_switch <= 8
        swaps_before = int(diag['policies_swapped'])

        # Kill the generator: the controller keeps running the last policy.
        stop(gen)
        procs.remove(gen)
        n = len(policies)
        assert spin_until(executor, lambda: False, 1.0, procs) is False  # just spin 1 s
        # 'expired': the policy outlived valid_for_steps and keeps running (on_expired=keep)
        assert diag.get('mode') in ('run', 'expired') and len(policies) == n
        # A restarted generator (new generator_id, generation from 1) is accepted.
        gen = spawn('policy_generator', ros_env, checkpoint=str(CHECKPOINT),
                    use_sim_time=True, task='goal_left')
        procs.append(gen)
        assert spin_until(executor, lambda: len(policies) > n + 1, 60, procs)
        assert policies[-1].generator_id != policies[n - 1].generator_id
        # (the diagnostics after a swap may still show the tick before it: wait for 'run')
        assert spin_until(executor, lambda: int(diag['policies_swapped']) > swaps_before + 1
                          and diag['mode'] == 'run', 20, procs), diag
        assert diag['policies_rejected'] == '0'
    finally:
        for name, output in zip(('bridge', 'generator', 'controller'), stop(*procs)):
            print(f'--- {name}\n{output}')  # shown by pytest when the test fails
