# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A robot with a camera, never seen before, from a recording to a running policy: no Python.

The arm of ``test/camera_robot_scene.py`` (where to reach is only in its camera's picture).
This test plays its drivers and its demonstrator while ``demo_recorder`` records them
(joint states, PNG ``CompressedImage`` frames, trajectory commands), then converts the bag,
trains (tiny), exports, and runs ``lwd launch policy robot:=FILE checkpoint:=DIR``: the
graph starts ``perception`` for the camera beside the generator and the controller, and the
arm gets commands computed from its frames.
"""

import subprocess
import time

from camera_robot_scene import JOINTS, RATE, camera_message, contract, picture
from conftest import REPO
import numpy as np
import pytest
import yaml

from lwd_ros.cli import main as lwd_main
from lwd_ros.data.minari_io import load_episodes

STEPS = 12  # per demonstration


class Drivers:
    """The arm's drivers (perfect position control) and camera, in this test's node."""

    def __init__(self, node, target):
        from sensor_msgs.msg import CompressedImage, JointState
        from trajectory_msgs.msg import JointTrajectory

        from lwd_ros.ros.qos import SENSOR

        self.node, self.target, self.q = node, np.asarray(target), np.zeros(2)
        self.commands = []
        self.joints = node.create_publisher(JointState, '/arm/joint_states', SENSOR)
        self.camera = node.create_publisher(CompressedImage, '/camera/image_raw/compressed',
                                            SENSOR)
        self.command = node.create_publisher(JointTrajectory, '/arm_controller/joint_trajectory',
                                             SENSOR)
        node.create_subscription(JointTrajectory, '/arm_controller/joint_trajectory',
                                 self.commands.append, SENSOR)

    def publish_state(self):
        from sensor_msgs.msg import JointState

        stamp = self.node.get_clock().now().nanoseconds
        self.camera.publish(camera_message(picture(self.target), stamp - 1_000_000))
        js = JointState(name=list(JOINTS), position=self.q.tolist())
        js.header.stamp = self.node.get_clock().now().to_msg()
        self.joints.publish(js)

    def demonstrate(self):
        """One demonstrator step: command 30 % of the way to the target, then move there."""
        from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

        cmd = self.q + 0.3 * (self.target - self.q)
        self.command.publish(JointTrajectory(joint_names=list(JOINTS), points=[
            JointTrajectoryPoint(positions=cmd.tolist())]))
        self.q = cmd


def spin_for(executor, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        executor.spin_once(timeout_sec=max(0.0, min(0.01, deadline - time.monotonic())))


@pytest.mark.slow
def test_a_camera_robot_goes_from_recording_to_a_running_policy(
        tmp_path, rclpy_context, ros_env, python):
    import rclpy

    robot = tmp_path / 'cam_arm.yaml'
    robot.write_text(yaml.safe_dump(contract(), sort_keys=False))
    node = rclpy.create_node('cam_arm_drivers', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    rng = np.random.default_rng(0)

    # 1. record: demo_recorder records what the drivers and the demonstrator publish
    bag = tmp_path / 'bag'
    recorder = subprocess.Popen(
        [python, '-m', 'lwd_ros.nodes.demo_recorder', '--ros-args', '-p', f'robot:={robot}',
         '-p', f'output:={bag}'], env=ros_env, cwd=REPO, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    drivers = Drivers(node, [0.0, 0.0])
    try:
        deadline = time.monotonic() + 60
        while (min(p.get_subscription_count() for p in
                   (drivers.joints, drivers.camera, drivers.command)) < 1
               and time.monotonic() < deadline):
            assert recorder.poll() is None, recorder.stdout.read()
            spin_for(executor, 0.1)
        for _ in range(8):
            drivers.target = rng.choice([-1.0, 1.0], 2) * rng.uniform(0.4, 0.8, 2)
            drivers.q = np.zeros(2)
            for _ in range(STEPS):
                drivers.publish_state()
                spin_for(executor, 0.3 / RATE)
                drivers.demonstrate()
                spin_for(executor, 0.7 / RATE)
            spin_for(executor, 2 / RATE)  # homing: a reset jump
        drivers.publish_state()
        spin_for(executor, 0.5)
    finally:
        recorder.send_signal(2)
        out = recorder.communicate(timeout=30)[0]
    assert recorder.returncode == 0, out

    # 2. convert, train (tiny), export: the lab's commands
    assert lwd_main(['bag2dataset', str(bag), '--robot', str(robot), '--out',
                     str(tmp_path / 'ds'), '--reset-jump', '0.3', '--task', 'reach',
                     '--no-progress']) == 0
    episodes = load_episodes(tmp_path / 'ds')
    assert len(episodes) >= 6 and episodes[0].frames['cam'].shape[1:] == (24, 24, 3)
    ckpt = tmp_path / 'ckpt'
    assert lwd_main(['train', '--config', 'config/train/toy.yaml', '--dataset',
                     str(tmp_path / 'ds'), '--out', str(ckpt), '--no-progress', 'data.env=""',
                     'train.vae_steps=100', 'train.diffusion_steps=100',
                     'train.val_every=100', 'train.ckpt_every=100']) == 0
    assert lwd_main(['export', '--checkpoint', str(ckpt), '--onnx', str(ckpt / 'onnx'),
                     '--no-verify']) == 0

    # 3. the policy graph on the robot: camera -> perception -> generator + controller
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.ros.qos import SENSOR

    features = []
    node.create_subscription(Float64MultiArray, '/features/cam', features.append, SENSOR)
    drivers.commands.clear()
    drivers.target, drivers.q = np.array([0.6, -0.5]), np.zeros(2)
    graph = subprocess.Popen([python, '-m', 'lwd_ros', 'launch', 'policy', f'robot:={robot}',
                              f'checkpoint:={ckpt}', 'task:=reach'], env=ros_env, cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(drivers.commands) < 100 and time.monotonic() < deadline:
            assert graph.poll() is None, graph.stdout.read()
            if drivers.commands:
                drivers.q = np.array(drivers.commands[-1].points[0].positions)
            drivers.publish_state()
            spin_for(executor, 0.05)
    finally:
        graph.send_signal(2)
        out = graph.communicate(timeout=30)[0]
    assert len(drivers.commands) >= 100, out[-3000:]
    assert 'perception' in out and 'camera/image_raw/compressed -> features/cam (16)' in out
    assert features and all(len(f.data) == 16 and np.isfinite(f.data).all() for f in features)
    positions = np.array([c.points[0].positions for c in drivers.commands])
    assert np.isfinite(positions).all() and np.abs(positions).max() <= 1.0
    assert graph.returncode == 0 and 'Traceback' not in out, out[-3000:]
