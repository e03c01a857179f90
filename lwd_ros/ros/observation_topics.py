# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Subscribe a node to the observation topics an env spec names, into an ObservationBuilder.

The controller, the generator and the teleop expert all read the robot this way, so a new
observation kind (a ``point``, a ``pose2d``) is wired once for every node.
"""

from __future__ import annotations

from collections.abc import Callable
import time

from geometry_msgs.msg import PoseStamped
from rclpy.node import Node
from sensor_msgs.msg import JointState

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
        if obs.update_joints(msg.name, msg.position, time.monotonic(), topic):
            on_update(topic, msg)
        else:
            on_bad(f'a joint state on {topic} without finite {list(obs.joints_on(topic))}')

    def on_pose(msg: PoseStamped, topic: str) -> None:
        p, q = msg.pose.position, msg.pose.orientation
        if obs.update_pose((p.x, p.y, p.z), (q.x, q.y, q.z, q.w), time.monotonic(), topic):
            on_update(topic, msg)
        else:
            on_bad(f'a non-finite pose on {topic}')

    for topic, kind in obs.topics.items():
        if kind == 'joints':
            node.create_subscription(JointState, name(topic),
                                     lambda m, t=topic: on_joints(m, t), SENSOR)
        else:
            node.create_subscription(PoseStamped, name(topic),
                                     lambda m, t=topic: on_pose(m, t), SENSOR)
