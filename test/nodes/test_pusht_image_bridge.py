# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The sim bridge publishes image PushT's camera: the frames a perception node would read.

``mujoco_bridge`` with robot ``pusht_image`` as a process: ``sensor_msgs/Image`` frames on
the contract's camera topic, 96 x 96 rgb8, stamped as the joint states of the same sim
instant; the paused start's frame is exactly PushT's camera drawing of the seed's start, and
after a command the frame follows the pusher. With the perception node beside it (an
untrained encoder exported by the test), the frames become the features the controller reads.
"""

from nodes_util import spawn, spin_until, stop
import numpy as np
import pytest

SEED = 3


@pytest.fixture(scope='module')
def encoder(tmp_path_factory):
    pytest.importorskip('onnxruntime')
    import torch

    from lwd_ros.learning.image_encoder import ImageEncoder, export_encoder

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp('encoder') / 'encoder.onnx'
    export_encoder(ImageEncoder((96, 96), channels=3, features=64, width=4), path, (96, 96), 3)
    return path


def _stamp(msg):
    return msg.header.stamp.sec, msg.header.stamp.nanosec


def test_the_bridge_publishes_the_camera_frames_of_the_sim_state(rclpy_context, ros_env):
    import rclpy
    from sensor_msgs.msg import Image, JointState
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.contract import get_contract
    from lwd_ros.envs import make_env
    from lwd_ros.envs.pusht import camera
    from lwd_ros.observations.image import decode
    from lwd_ros.ros.qos import SENSOR

    block = get_contract('pusht_image').observation[1]
    env = make_env('pusht_image')
    env.reset(seed=SEED, options={'task': 'classic'})
    start = env.unwrapped.camera_frame(block)  # what the paused bridge must show
    env.close()

    node = rclpy.create_node('camera_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    frames, joints = {}, {}
    node.create_subscription(Image, '/camera/image_raw',
                             lambda m: frames.setdefault(_stamp(m), m), SENSOR)
    node.create_subscription(JointState, '/joint_states',
                             lambda m: joints.setdefault(_stamp(m), np.array(m.position)),
                             SENSOR)
    command = node.create_publisher(Float64MultiArray, '/forward_position_controller/commands',
                                    10)
    bridge = spawn('mujoco_bridge', ros_env, files=('pusht_sim.yaml',), robot='pusht_image',
                   seed=SEED, task='classic', auto_reset=False, real_time_factor=1.0)
    target = np.array([0.05, 0.46])  # a wall corner: the pusher crosses the table
    try:
        assert spin_until(executor, lambda: frames, 60, [bridge]), stop(bridge)  # paused: one
        first = frames[min(frames)]
        assert (first.height, first.width, first.encoding, first.step) == (96, 96, 'rgb8', 288)
        np.testing.assert_array_equal(decode(block, first), start)  # the paused start

        def arrived():
            command.publish(Float64MultiArray(data=[float(v) for v in target]))
            return joints and np.allclose(joints[max(joints)], target, atol=0.01)
        assert spin_until(executor, arrived, 60, [bridge]), joints[max(joints)]
        spin_until(executor, lambda: False, 0.3)
    finally:
        stop(bridge)
    same = sorted(set(frames) & set(joints))  # frames of the sim instants joints were sent
    assert len(same) > 10, (len(frames), len(joints))
    stamp = same[-1]
    moved = decode(block, frames[stamp])
    assert not np.array_equal(moved, start)
    px = camera.SIZE / camera.CANVAS / 0.001  # frame pixels per metre (1 canvas px = 1 mm)
    for s in (same[0], stamp):  # the pusher's core is where that instant's joints put it
        x, y = joints[s]
        np.testing.assert_array_equal(decode(block, frames[s])[round(y * px), round(x * px)],
                                      camera.light(camera.PUSHER))


def test_perception_turns_the_sim_camera_into_features(encoder, rclpy_context, ros_env):
    import rclpy
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.contract import get_contract
    from lwd_ros.envs import make_env
    from lwd_ros.ros.qos import SENSOR
    from lwd_ros.runtime.perception import Perception

    env = make_env('pusht_image')
    env.reset(seed=SEED, options={'task': 'classic'})
    start = env.unwrapped.camera_frame(get_contract('pusht_image').observation[1])
    env.close()
    expected = Perception(encoder)(start)  # the paused start's frame, through the encoder

    node = rclpy.create_node('features_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    heard = []
    node.create_subscription(Float64MultiArray, '/features/cam', heard.append, SENSOR)
    files = ('pusht_image_sim.yaml',)  # the image sim graph's own parameters
    procs = [spawn('mujoco_bridge', ros_env, files=files, seed=SEED, task='classic',
                   auto_reset=False),
             spawn('perception', ros_env, files=files, encoder=str(encoder))]
    try:
        assert spin_until(executor, lambda: len(heard) >= 3, 60, procs)
    finally:
        outputs = stop(*procs)
    assert len(heard[-1].data) == 64, outputs
    np.testing.assert_allclose(heard[-1].data, expected, atol=1e-6)
