# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A robot lwd_ros has never seen that needs its camera: where to reach is only in the picture.

A 2-joint arm reaches a target that no topic names: a camera over the table sees it as a
bright disc. Its contract is the arm's joint states plus one ``image`` block; its bag is what
``ros2 bag record`` holds (joint states at the policy rate, frames at twice that rate, PNG
``CompressedImage`` or raw ``bgr8`` ``Image``, trajectory commands), no markers, no lwd_ros
metadata. Shared by the bag test and the record -> graph test.
"""

import io

import numpy as np
from PIL import Image, ImageDraw
from rclpy.serialization import serialize_message

from lwd_ros.data.bag_writer import BagRecorder

JOINTS = ('base', 'lift')
RATE = 10.0
STEPS = 20
SOURCE = (48, 64)  # the camera's (height, width)
SIZE = (24, 24)  # what the encoder sees
CROP = [8, 0, 48, 48]  # the table: x, y, width, height in camera pixels
CAMERA = {'kind': 'image', 'topic': 'camera/image_raw/compressed',
          'msg_type': 'sensor_msgs/msg/CompressedImage', 'prefix': 'cam',
          'image_size': list(SIZE), 'crop': CROP, 'encoding': 'rgb8', 'features': 16}
CONTRACT = {
    'name': 'cam_arm',
    'policy_rate': RATE,
    'control_rate': 100.0,
    'tasks': ['reach'],
    'success': 'joints within 0.05 rad of where the camera sees the target',
    'observation': [{'kind': 'joints', 'topic': 'arm/joint_states', 'joints': list(JOINTS)},
                    CAMERA],
    'command': {'topic': 'arm_controller/joint_trajectory',
                'msg_type': 'trajectory_msgs/msg/JointTrajectory', 'interface': 'position',
                'joints': list(JOINTS), 'low': [-1.0] * 2, 'high': [1.0] * 2},
}


def contract(compressed: bool = True) -> dict:
    """The robot contract, with the camera's compressed or raw topic."""
    if compressed:
        return CONTRACT
    raw = {**CAMERA, 'topic': 'camera/image_raw', 'msg_type': 'sensor_msgs/msg/Image'}
    return {**CONTRACT, 'observation': [CONTRACT['observation'][0], raw]}


def stamped(msg, t_ns):
    msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(t_ns, 1_000_000_000)
    return msg


def picture(target: np.ndarray) -> np.ndarray:
    """The camera's ``(48, 64, 3)`` RGB frame of a target in [-0.8, 0.8]^2 (joint units)."""
    frame = Image.new('RGB', SOURCE[::-1], (30, 40, 50))
    x0, y0, w, h = CROP
    cx, cy = x0 + (target[0] + 1) / 2 * w, y0 + (target[1] + 1) / 2 * h
    ImageDraw.Draw(frame).ellipse((cx - 5, cy - 5, cx + 5, cy + 5), fill=(250, 240, 80))
    return np.asarray(frame)


def camera_message(rgb: np.ndarray, t_ns: int, compressed: bool = True):
    """A frame as a camera driver publishes it: PNG ``CompressedImage`` or raw ``bgr8``."""
    from sensor_msgs.msg import CompressedImage
    from sensor_msgs.msg import Image as RawImage

    if compressed:
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, format='PNG')
        return stamped(CompressedImage(format='png', data=buffer.getvalue()), t_ns)
    h, w, _ = rgb.shape
    return stamped(RawImage(height=h, width=w, encoding='bgr8', step=w * 3,
                            data=rgb[..., ::-1].tobytes()), t_ns)


def write_demonstrations(path, episodes=8, seed=0, compressed=True, corrupt=()):
    """A plain recording; returns each episode's target. ``corrupt``: frame ordinals to damage.

    The arm moves each joint 30 % of the way to the target per step; the camera publishes
    two frames per step, the first 1 ms before the joint states. Convert with
    ``--reset-jump 0.3`` (a step moves a joint at most 0.24 rad; homing at least 0.4).
    """
    from sensor_msgs.msg import JointState
    from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

    rng = np.random.default_rng(seed)
    rec = BagRecorder(path)
    camera = '/' + contract(compressed)['observation'][1]['topic']
    rec.add_topic('/arm/joint_states', 'sensor_msgs/msg/JointState')
    rec.add_topic(camera, ('sensor_msgs/msg/CompressedImage' if compressed
                           else 'sensor_msgs/msg/Image'))
    rec.add_topic('/arm_controller/joint_trajectory', 'trajectory_msgs/msg/JointTrajectory')
    t, dt, frame, targets = 1_000_000_000, int(1e9 / RATE), 0, []
    for _ in range(episodes):
        # at least 0.4 from home on each joint, so that homing is a reset jump
        target = rng.choice([-1.0, 1.0], 2) * rng.uniform(0.4, 0.8, 2)
        targets.append(target)
        q = np.zeros(2)
        for _ in range(STEPS):
            cmd = q + 0.3 * (target - q)
            rec.write('/arm/joint_states', t, serialize_message(
                stamped(JointState(name=list(JOINTS), position=q.tolist()), t)))
            for half in (0, dt // 2):
                msg = camera_message(picture(target), t - 1_000_000 + half, compressed)
                if frame in corrupt:
                    msg.data = b'\x00' * 8 if compressed else msg.data[:10]
                rec.write(camera, t - 1_000_000 + half, serialize_message(msg))
                frame += 1
            traj = JointTrajectory(joint_names=list(JOINTS),
                                   points=[JointTrajectoryPoint(positions=cmd.tolist())])
            rec.write('/arm_controller/joint_trajectory', t + 5_000_000,
                      serialize_message(traj))
            q = cmd
            t += dt
        t += 3 * dt  # homed between episodes: a reset jump
    rec.close()
    return targets
