# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The MT10 arm graph on the shipped checkpoint: servo commands, a live task switch.

Real processes: mujoco_bridge (env mt10), policy_generator (models/mt10) and lwd_controller. The
switch latency figures are in ``bench/bench_mt10_switch.py`` (not a timed test).
"""

from conftest import REPO
from nodes_util import spawn, spin_until, stop
import pytest

from lwd_ros.msg import EpisodeStatus, PolicyWeights, TaskSwitch
from lwd_ros.ros.qos import EPISODE, LATCHED, SENSOR

CHECKPOINT = REPO / 'models' / 'mt10'


@pytest.mark.slow
def test_arm_follows_policies_and_switches_task(rclpy_context, ros_env):
    pytest.importorskip('metaworld')
    from geometry_msgs.msg import TwistStamped
    import rclpy
    from std_msgs.msg import Float64MultiArray
    node = rclpy.create_node('mt10_graph_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    policies, statuses, twists, grips = [], [], [], []
    node.create_subscription(PolicyWeights, '/lwd/policy', policies.append, LATCHED)
    node.create_subscription(EpisodeStatus, '/mt10/episode', statuses.append, EPISODE)
    node.create_subscription(TwistStamped, '/servo_node/delta_twist_cmds', twists.append,
                             SENSOR)
    node.create_subscription(Float64MultiArray, '/gripper_controller/commands', grips.append,
                             SENSOR)
    task_pub = node.create_publisher(TaskSwitch, '/lwd/task', LATCHED)
    files = ('lwd.yaml', 'mt10_sim.yaml')  # the controller drives env mt10
    procs = [spawn('mujoco_bridge', ros_env, files=files, task='reach-v3', seed=100000,
                   use_sim_time=True),
             spawn('policy_generator', ros_env, files=files, checkpoint=str(CHECKPOINT),
                   task='reach-v3', use_sim_time=True),
             spawn('lwd_controller', ros_env, files=files, control_rate=200.0,
                   obs_timeout=1.0)]
    try:
        assert spin_until(executor, lambda: len(twists) > 50 and grips, 90, procs), \
            'no servo commands'
        # The controller can run its policy before our own subscription has matched the
        # generator's latched publisher (discovery on a busy machine); wait for it too.
        assert spin_until(executor, lambda: policies, 20, procs), 'no policy seen'
        assert policies[0].task == 'reach-v3'
        assert list(policies[0].action_names) == ['ee_dx', 'ee_dy', 'ee_dz', 'gripper_effort']
        assert max(abs(t.twist.linear.x) for t in twists) <= 0.8 + 1e-9  # |action| <= 1
        assert spin_until(executor, lambda: statuses and statuses[-1].step > 5, 20, procs)

        task_pub.publish(TaskSwitch(task='drawer-open-v3'))
        assert spin_until(executor, lambda: statuses[-1].task == 'drawer-open-v3', 20, procs)
        assert spin_until(executor, lambda: policies[-1].task == 'drawer-open-v3', 20, procs)
        switched = statuses[-1].episode
        n = len(twists)
        assert spin_until(executor, lambda: len(twists) > n + 50, 20, procs)  # still commanding
        # the drawer opens under the generated policy (the expert needs ~90 steps)
        assert spin_until(executor, lambda: any(s.episode == switched and s.success
                                                for s in statuses), 60, procs)
    finally:
        for name, output in zip(('bridge', 'generator', 'controller'), stop(*procs)):
            print(f'--- {name}\n{output}')
