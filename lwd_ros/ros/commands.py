# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Actions to and from the command messages an env spec declares.

``Float64MultiArray``: one entry per commanded joint (ros2_control's forward command
controllers). ``TwistStamped``: the first three actions as a Cartesian linear velocity
(``twist_scale`` m/s per unit, MoveIt Servo's input), the rest (a gripper) as a
``Float64MultiArray`` on ``aux_topic``. The controller publishes through ``CommandPublisher``,
the sim bridges read through ``subscribe_commands``, so both ends agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable

from geometry_msgs.msg import TwistStamped
import numpy as np
from rclpy.node import Node
from std_msgs.msg import Float64MultiArray

from lwd_ros.envs.spec import TWIST, CommandSpec
from lwd_ros.ros.qos import SENSOR


class CommandPublisher:
    """Publishes an action vector as the spec's command message(s)."""

    def __init__(self, node: Node, command: CommandSpec, frame_id: str = 'world'):
        self.node, self.command, self.frame_id = node, command, frame_id
        self.twist = command.msg_type == TWIST
        msg_type = TwistStamped if self.twist else Float64MultiArray
        self.pub = node.create_publisher(msg_type, command.topic, SENSOR)
        self.aux = (node.create_publisher(Float64MultiArray, command.aux_topic, SENSOR)
                    if self.twist and command.aux_topic else None)

    def publish(self, action: np.ndarray) -> None:
        values = [float(v) for v in action]
        if not self.twist:
            self.pub.publish(Float64MultiArray(data=values))
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
