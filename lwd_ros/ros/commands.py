# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Actions to and from the command messages a robot contract declares.

``Float64MultiArray``: one entry per commanded joint (ros2_control's forward command
controllers, position, velocity or effort). ``JointTrajectory``: one point with the joint
positions, reached one policy period from now (``joint_trajectory_controller``; the header
stamp is left zero, which the controller reads as "start now"). ``TwistStamped``: the first
three actions as a Cartesian linear velocity
(``twist_scale`` m/s per unit, MoveIt Servo's input), the rest (a gripper) as a
``Float64MultiArray`` on ``aux_topic``. The controller publishes through ``CommandPublisher``,
the sim bridges read through ``subscribe_commands``, so both ends agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable

from geometry_msgs.msg import TwistStamped
import numpy as np
from rclpy.duration import Duration
from rclpy.node import Node
from std_msgs.msg import Float64MultiArray
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from lwd_ros.contract import TRAJECTORY, TWIST, CommandSpec
from lwd_ros.ros.qos import SENSOR


class CommandPublisher:
    """Publishes an action vector as the spec's command message(s)."""

    def __init__(self, node: Node, command: CommandSpec, frame_id: str = 'world',
                 period: float = 0.1):
        self.node, self.command, self.frame_id = node, command, frame_id
        self.twist = command.msg_type == TWIST
        self.trajectory = command.msg_type == TRAJECTORY
        classes = {TWIST: TwistStamped, TRAJECTORY: JointTrajectory}
        msg_type = classes.get(command.msg_type, Float64MultiArray)
        self.pub = node.create_publisher(msg_type, command.topic, SENSOR)
        self.reach = Duration(seconds=period).to_msg()  # a trajectory point's time_from_start
        self.aux = (node.create_publisher(Float64MultiArray, command.aux_topic, SENSOR)
                    if self.twist and command.aux_topic else None)
        # One array message reused for every command: building a Float64MultiArray (its
        # layout, its dimension list) costs more than the control tick's arithmetic, and
        # publish serialises the message before it returns, so reuse cannot leak a value.
        self._array = Float64MultiArray()

    def publish(self, action: np.ndarray) -> None:
        values = (action.tolist() if isinstance(action, np.ndarray) and action.ndim == 1
                  and action.dtype.kind == 'f' else [float(v) for v in action])
        if self.trajectory:
            msg = JointTrajectory(joint_names=list(self.command.joints))
            msg.points = [JointTrajectoryPoint(positions=values, time_from_start=self.reach)]
            self.pub.publish(msg)
            return
        if not self.twist:
            msg = self._array
            msg.data = values  # the setter checks the values as the constructor did
            self.pub.publish(msg)
            return
        msg = TwistStamped()
        msg.header.stamp = self.node.get_clock().now().to_msg()
        msg.header.frame_id = self.frame_id
        s = self.command.twist_scale
        msg.twist.linear.x, msg.twist.linear.y, msg.twist.linear.z = (v * s for v in values[:3])
        self.pub.publish(msg)
        if self.aux is not None:
            self.aux.publish(Float64MultiArray(data=values[3:]))


def subscribe_commands(node: Node, command: CommandSpec,
                       on_command: Callable[[slice, list[float]], None]) -> None:
    """Call ``on_command(joint slice, values)`` for each command message that arrives."""
    n = len(command.joints)
    if command.msg_type == TRAJECTORY:
        index = {j: i for i, j in enumerate(command.joints)}

        def on_trajectory(msg: JointTrajectory) -> None:
            # The first point's positions, in contract order (a sim acts on one target).
            if msg.points and sorted(msg.joint_names) == sorted(index):
                order = [list(msg.joint_names).index(j) for j in command.joints]
                on_command(slice(0, n), [msg.points[0].positions[k] for k in order])

        node.create_subscription(JointTrajectory, command.topic, on_trajectory, SENSOR)
        return
    if command.msg_type != TWIST:
        node.create_subscription(Float64MultiArray, command.topic,
                                 lambda m: on_command(slice(0, n), list(m.data)), SENSOR)
        return
    s = command.twist_scale

    def on_twist(msg: TwistStamped) -> None:
        v = msg.twist.linear
        on_command(slice(0, 3), [v.x / s, v.y / s, v.z / s])

    node.create_subscription(TwistStamped, command.topic, on_twist, SENSOR)
    if n > 3:
        node.create_subscription(Float64MultiArray, command.aux_topic,
                                 lambda m: on_command(slice(3, n), list(m.data)), SENSOR)
