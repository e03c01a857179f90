# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One generator, a fleet: ``lwd launch pusht_sim robots:=2`` as real processes."""

import signal
import subprocess
import sys

from conftest import REPO
from nodes_util import spin_until
import numpy as np
import pytest

from lwd_ros.msg import PolicyWeights, TaskSwitch
from lwd_ros.ros.qos import LATCHED, SENSOR


@pytest.mark.slow
def test_one_generator_serves_two_namespaced_robots(rclpy_context, ros_env):
    import rclpy
    from sensor_msgs.msg import JointState
    node = rclpy.create_node('fleet_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    policies = {0: [], 1: []}
    joints = {0: [], 1: []}
    for i in (0, 1):
        node.create_subscription(PolicyWeights, f'/robot_{i}/lwd/policy',
                                 lambda m, i=i: policies[i].append(m), LATCHED)
        node.create_subscription(JointState, f'/robot_{i}/joint_states',
                                 lambda m, i=i: joints[i].append(list(m.position)), SENSOR)
    task_pub = node.create_publisher(TaskSwitch, '/robot_1/lwd/task', LATCHED)
    launch = subprocess.Popen(
        [sys.executable, '-m', 'lwd_ros', 'launch', 'pusht_sim', 'robots:=2',
         'control_rate:=100', '--timeout', '90'], env=ros_env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert spin_until(executor, lambda: all(len(policies[i]) >= 2 for i in (0, 1)), 60,
                          [launch]), {i: len(p) for i, p in policies.items()}
        assert {p.generator_id for i in (0, 1) for p in policies[i]} == {
            policies[0][0].generator_id}, 'one generator serves both'
        task_pub.publish(TaskSwitch(task='goal_left'))  # robot 1 only
        assert spin_until(executor, lambda: policies[1][-1].task == 'goal_left', 20, [launch])
        n0 = len(policies[0])
        assert spin_until(executor, lambda: len(policies[0]) > n0 + 1, 20, [launch])
        assert all(p.task == 'classic' for p in policies[0])
        # Both pushers move: each controller drives its own sim. Waited for, not sampled:
        # joint states are best effort, and on a busy machine some arrive late or not at all.

        def moved(i):
            return len(joints[i]) > 1 and np.ptp(np.array(joints[i]), axis=0).max() > 0.01
        assert spin_until(executor, lambda: moved(0) and moved(1), 30, [launch]), \
            {i: len(joints[i]) for i in (0, 1)}
    finally:
        if launch.poll() is None:
            launch.send_signal(signal.SIGINT)
        try:
            out = launch.communicate(timeout=40)[0]
        except subprocess.TimeoutExpired:
            launch.kill()
            out = launch.communicate()[0]
        node.destroy_node()
    assert 'Traceback' not in out, out[-4000:]
