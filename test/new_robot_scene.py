# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A robot lwd_ros has never seen, for the tests that take it from a bag to a running graph.

Its contract (a 3-joint arm: positions and velocities on JointState, a target on
PointStamped, a tool pose on PoseStamped, a constant vector, joint_trajectory_controller
commands) and a bag of its demonstrations as ``ros2 bag record`` would hold it: no episode
markers, no lwd_ros metadata, episodes told apart by resets and task switches.
"""

import math

import numpy as np
from rclpy.serialization import serialize_message

from lwd_ros.data.bag_writer import BagRecorder

JOINTS = ('shoulder', 'elbow', 'wrist')
TASKS = {"reach_left": np.array([0.6, -0.5, 0.4]), "reach_right": np.array([-0.6, 0.5, -0.4])}
RATE = 10.0
STEPS = 30
CONTRACT = {
    'name': 'lab_arm',
    'policy_rate': RATE,
    'control_rate': 100.0,
    'tasks': list(TASKS),
    'success': 'joints within 0.05 rad of the target configuration',
    'observation': [
        {'kind': 'joints', 'topic': 'arm/joint_states', 'joints': list(JOINTS)},
        {'kind': 'joints', 'topic': 'arm/joint_states', 'joints': list(JOINTS),
         'field': 'velocity'},
        {'kind': 'point', 'topic': 'target', 'prefix': 'target'},
        {'kind': 'pose', 'topic': 'tool_pose', 'prefix': 'tool'},
        {'kind': 'vector', 'topic': 'gripper/temperature', 'names': ['temp'],
         'units': ['degC']},
    ],
    'resolution': {'degC': 0.5},
    'command': {'topic': 'arm_controller/joint_trajectory',
                'msg_type': 'trajectory_msgs/msg/JointTrajectory', 'interface': 'position',
                'joints': list(JOINTS), 'low': [-1.5] * 3, 'high': [1.5] * 3},
}


def stamped(msg, t_ns):
    msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(t_ns, 1_000_000_000)
    return msg


def write_demonstrations(path, episodes_per_task=6, seed=0):
    """A plain recording: the arm moves each joint 30 % of the way to a target-dependent goal."""
    from geometry_msgs.msg import PointStamped, PoseStamped
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray
    from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

    from lwd_ros.msg import TaskSwitch

    rng = np.random.default_rng(seed)
    rec = BagRecorder(path)  # no custom_data: a bag as `ros2 bag record` writes it
    types = {'/arm/joint_states': 'sensor_msgs/msg/JointState',
             '/target': 'geometry_msgs/msg/PointStamped',
             '/tool_pose': 'geometry_msgs/msg/PoseStamped',
             '/gripper/temperature': 'std_msgs/msg/Float64MultiArray',
             '/arm_controller/joint_trajectory': 'trajectory_msgs/msg/JointTrajectory',
             '/lwd/task': 'lwd_ros/msg/TaskSwitch'}
    for topic, msgtype in types.items():
        rec.add_topic(topic, msgtype)
    t = 1_000_000_000
    dt = int(1e9 / RATE)
    for k in range(episodes_per_task * len(TASKS)):
        task = list(TASKS)[k % len(TASKS)]
        target = rng.uniform(-0.2, 0.2, 3)
        goal = TASKS[task] + target
        q = np.zeros(3)
        rec.write('/lwd/task', t, serialize_message(stamped(TaskSwitch(task=task), t)))
        t += dt // 2
        for step in range(STEPS):
            cmd = np.clip(q + 0.3 * (goal - q), -1.5, 1.5)
            velocity = (cmd - q) * RATE if step else np.zeros(3)
            js = stamped(JointState(name=list(JOINTS), position=q.tolist(),
                                    velocity=velocity.tolist(), effort=[0.0] * 3), t)
            rec.write('/arm/joint_states', t, serialize_message(js))
            point = stamped(PointStamped(), t)
            point.point.x, point.point.y, point.point.z = target.tolist()
            rec.write('/target', t + 1000, serialize_message(point))
            pose = stamped(PoseStamped(), t)
            pose.pose.position.x, pose.pose.position.y = 0.3 * math.cos(q[0]), 0.3 * math.sin(q[0])
            o = pose.pose.orientation
            o.z, o.w = math.sin(q[0] / 2), math.cos(q[0] / 2)
            rec.write('/tool_pose', t + 2000, serialize_message(pose))
            # A sensor that read the same in every demonstration: a constant feature.
            rec.write('/gripper/temperature', t + 3000,
                      serialize_message(Float64MultiArray(data=[35.0])))
            traj = JointTrajectory(joint_names=list(reversed(JOINTS)))  # any order is fine
            traj.points = [JointTrajectoryPoint(positions=cmd[::-1].tolist())]
            rec.write('/arm_controller/joint_trajectory', t + 5_000_000, serialize_message(traj))
            q = cmd
            t += dt
        t += 2 * dt  # the arm is homed between episodes: a reset jump, then a new task
    rec.close()
