# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd launch policy robot:=FILE checkpoint:=DIR`` drives a robot it has never seen.

The never-seen arm of ``test/data/test_new_robot.py``: its contract and bag are written
there, converted and trained on (tiny) here; then the policy graph runs as real processes
while this test plays the robot's drivers (JointState with velocities, a PointStamped target,
a PoseStamped tool, a Float64MultiArray sensor) and listens to the joint_trajectory_controller
commands it gets back, for LWD and for BC (a lab compares them on its robot through the same
graph: BC's one MLP is published once, LWD's regenerated). A generator given another robot's
contract refuses the checkpoint.
"""

import math
import subprocess

from conftest import REPO
from new_robot_scene import CONTRACT, JOINTS, write_demonstrations
import numpy as np
import pytest
import yaml

from lwd_ros.cli import main as lwd_main

METHODS = {'lwd': ['train.vae_steps=150', 'train.diffusion_steps=150'],
           'bc': ['method=bc', 'train.bc_steps=300']}


@pytest.fixture(scope='module', params=sorted(METHODS))
def trained(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f'lab_arm_{request.param}')
    robot = root / 'lab_arm.yaml'
    robot.write_text(yaml.safe_dump(CONTRACT, sort_keys=False))
    write_demonstrations(root / 'bag')
    assert lwd_main(['bag2dataset', str(root / 'bag'), '--robot', str(robot), '--out',
                     str(root / 'ds'), '--reset-jump', '0.4', '--no-progress']) == 0
    assert lwd_main(['train', '--config', 'config/train/toy.yaml', '--dataset',
                     str(root / 'ds'), '--out', str(root / 'ckpt'), '--no-progress',
                     'data.env=""', 'train.val_every=150', 'train.ckpt_every=150',
                     *METHODS[request.param]]) == 0
    return robot, root / 'ckpt'


def test_policy_graph_commands_the_new_robot(trained, rclpy_context, ros_env, python):
    from geometry_msgs.msg import PointStamped, PoseStamped
    import rclpy
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray
    from trajectory_msgs.msg import JointTrajectory

    from lwd_ros.msg import PolicyWeights
    from lwd_ros.ros.qos import LATCHED, SENSOR
    from lwd_ros.runtime.checkpoint import read_meta

    robot, ckpt = trained
    proc = subprocess.Popen([python, '-m', 'lwd_ros', 'launch', 'policy', f'robot:={robot}',
                             f'checkpoint:={ckpt}', 'task:=reach_left'], env=ros_env,
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    node = rclpy.create_node('lab_arm_drivers', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    commands = []
    node.create_subscription(JointTrajectory, '/arm_controller/joint_trajectory',
                             commands.append, SENSOR)
    policies = []
    node.create_subscription(PolicyWeights, '/lwd/policy', policies.append, LATCHED)
    pubs = {'js': node.create_publisher(JointState, '/arm/joint_states', SENSOR),
            'target': node.create_publisher(PointStamped, '/target', SENSOR),
            'tool': node.create_publisher(PoseStamped, '/tool_pose', SENSOR),
            'temp': node.create_publisher(Float64MultiArray, '/gripper/temperature', SENSOR)}
    q = np.zeros(3)

    def drive():  # the arm follows the latest command (a perfect position controller)
        nonlocal q
        if commands:
            q = np.array(commands[-1].points[0].positions)
        pubs['js'].publish(JointState(name=list(JOINTS), position=q.tolist(),
                                      velocity=[0.0] * 3, effort=[0.0] * 3))
        target = PointStamped()
        target.point.x, target.point.y, target.point.z = 0.1, 0.0, 0.05
        pubs['target'].publish(target)
        tool = PoseStamped()
        tool.pose.position.x, tool.pose.position.y = 0.3 * math.cos(q[0]), 0.3 * math.sin(q[0])
        tool.pose.orientation.z, tool.pose.orientation.w = math.sin(q[0] / 2), math.cos(q[0] / 2)
        pubs['tool'].publish(tool)
        pubs['temp'].publish(Float64MultiArray(data=[35.0]))
    node.create_timer(0.02, drive)
    try:
        import time
        deadline = time.monotonic() + 90
        while len(commands) < 200 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read()
            executor.spin_once(timeout_sec=0.05)
    finally:
        proc.send_signal(2)
        out = proc.communicate(timeout=30)[0]
    assert len(commands) >= 200, out[-3000:]
    positions = np.array([c.points[0].positions for c in commands])
    assert all(list(c.joint_names) == list(JOINTS) for c in commands)
    assert np.isfinite(positions).all() and np.abs(positions).max() <= 1.5
    assert commands[-1].points[0].time_from_start.nanosec == 100_000_000  # one policy period
    if read_meta(ckpt).method == 'bc':  # one task, no episodes: its one MLP, published once
        assert len(policies) == 1 and policies[0].valid_for_steps == 0, len(policies)
    else:  # regenerated every H policy steps (H = 8: 200 commands span 20+ policy steps)
        assert len(policies) >= 3 and policies[-1].valid_for_steps == 8, len(policies)
    goal = np.array([0.6, -0.5, 0.4]) + [0.1, 0.0, 0.05]
    assert np.linalg.norm(q - goal) < 0.5 * np.linalg.norm(goal), (q, goal)  # it reached
    assert proc.returncode == 0 and 'Traceback' not in out, out[-3000:]


def test_a_checkpoint_of_another_robot_is_refused_by_name(trained, tmp_path):
    from lwd_ros.runtime.checkpoint import read_meta
    from lwd_ros.runtime.generator import check_robot

    robot, ckpt = trained
    other = dict(CONTRACT, command=dict(CONTRACT['command'], high=[1.0] * 3))
    (tmp_path / 'other.yaml').write_text(yaml.safe_dump(other))
    check_robot(read_meta(ckpt).robot, str(robot))  # its own robot: accepted
    with pytest.raises(ValueError, match=r"command.high: \[1.0, 1.0, 1.0\] != \[1.5, 1.5, 1.5\]"):
        check_robot(read_meta(ckpt).robot, str(tmp_path / 'other.yaml'))
