# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Subscribe a node to the observation topics a robot contract names, into an ObservationBuilder.

The controller, the generator and the teleop expert all read the robot this way, so a new
observation kind (joints, a ``point``, a ``pose``, a ``vector``) is wired once for every node.
"""

from __future__ import annotations

from collections.abc import Callable
import time

from geometry_msgs.msg import PointStamped, PoseStamped
from rclpy.node import Node
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray

from lwd_ros.contract import JOINT_STATE, POINT, POSE, VECTOR
from lwd_ros.ros.qos import SENSOR
from lwd_ros.runtime.observation import ObservationBuilder


def subscribe_observation(node: Node, obs: ObservationBuilder,
                          on_update: Callable[[str, object], None] = lambda topic, msg: None,
                          on_bad: Callable[[str], None] = lambda what: None,
                          name: Callable[[str], str] = lambda topic: topic) -> None:
    """Feed every observation topic of ``obs.spec`` into ``obs``.

    Args:
        node: the subscribing node.
        obs: the builder the messages fill.
        on_update: called with ``(spec topic, message)`` after a message was taken.
        on_bad: called with a description of a refused (missing joint, non-finite) message.
        name: maps a spec topic to the subscribed name (a fleet's robot namespace).
    """
    def on_joints(msg: JointState, topic: str) -> None:
        if obs.update_joints(msg.name, msg.position, time.monotonic(), topic,
                             msg.velocity, msg.effort):
            on_update(topic, msg)
        else:
            on_bad(f'a joint state on {topic}: '
                   + obs.bad_joints(msg.name, msg.position, topic, msg.velocity, msg.effort))

    def on_pose(msg: PoseStamped, topic: str) -> None:
        p, q = msg.pose.position, msg.pose.orientation
        if obs.update_pose((p.x, p.y, p.z), (q.x, q.y, q.z, q.w), time.monotonic(), topic):
            on_update(topic, msg)
        else:
            on_bad(f'a non-finite pose on {topic}')

    def on_point(msg: PointStamped, topic: str) -> None:
        p = msg.point
        if obs.update_pose((p.x, p.y, p.z), (0.0, 0.0, 0.0, 1.0), time.monotonic(), topic):
            on_update(topic, msg)
        else:
            on_bad(f'a non-finite point on {topic}')

    def on_vector(msg: Float64MultiArray, topic: str) -> None:
        if obs.update_vector(msg.data, time.monotonic(), topic):
            on_update(topic, msg)
        else:
            on_bad(f'a vector on {topic} that is not {len(obs.names_on(topic))} finite values')

    handlers = {JOINT_STATE: (JointState, on_joints), POSE: (PoseStamped, on_pose),
                POINT: (PointStamped, on_point), VECTOR: (Float64MultiArray, on_vector)}
    for topic, (_, msg_type) in obs.topics.items():
        cls, handler = handlers[msg_type]
        node.create_subscription(cls, name(topic), lambda m, t=topic, h=handler: h(m, t), SENSOR)
