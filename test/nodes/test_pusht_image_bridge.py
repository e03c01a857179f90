# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The sim bridge publishes image PushT's camera: the frames a perception node would read.

``mujoco_bridge`` with robot ``pusht_image`` as a process: ``sensor_msgs/Image`` frames on
the contract's camera topic, 96 x 96 rgb8, stamped as the joint states of the same sim
instant; the paused start's frame is exactly PushT's camera drawing of the seed's start, and
after a command the frame follows the pusher.
"""

from nodes_util import spawn, spin_until, stop
import numpy as np

SEED = 3


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
