# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Subscribe a node to the observation topics a robot contract names, into an ObservationBuilder.

The controller, the generator and the teleop expert all read the robot this way. Each block's
kind (``lwd_ros.observations``) reads its messages, so a new kind needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable
import importlib
import time

from rclpy.node import Node
from sensor_msgs.msg import JointState

from lwd_ros.ros.qos import SENSOR
from lwd_ros.runtime.observation import ObservationBuilder


def message_class(msg_type: str) -> type:
    """The rclpy class of ``'pkg/msg/Name'`` (what a contract names a message by)."""
    package, _, name = msg_type.split('/')
    return getattr(importlib.import_module(f'{package}.msg'), name)


def subscribe_observation(node: Node, obs: ObservationBuilder,
                          on_update: Callable[[str, object], None] = lambda topic, msg: None,
                          on_bad: Callable[[str], None] = lambda what: None,
                          name: Callable[[str], str] = lambda topic: topic) -> None:
    """Feed every observation topic of ``obs.contract`` into ``obs``.

    Args:
        node: the subscribing node.
        obs: the builder the messages fill.
        on_update: called with ``(contract topic, message)`` after a message was taken.
        on_bad: called with a description of a refused (missing joint, non-finite) message.
        name: maps a contract topic to the subscribed name (a fleet's robot namespace).
    """
    def on_joints(msg: JointState, topic: str) -> None:
        if obs.update_joints(msg.name, msg.position, time.monotonic(), topic,
                             msg.velocity, msg.effort):
            on_update(topic, msg)
        else:
            on_bad(f'a joint state on {topic}: '
                   + obs.bad_joints(msg.name, msg.position, topic, msg.velocity, msg.effort))

    def on_block(msg, topic: str) -> None:
        if obs.update(topic, msg, time.monotonic()):
            on_update(topic, msg)
        else:
            on_bad(obs.refusal(topic))

    for topic, (kind, msg_type) in obs.topics.items():
        handler = on_joints if kind == 'joints' else on_block
        node.create_subscription(message_class(msg_type), name(topic),
                                 lambda m, t=topic, h=handler: h(m, t), SENSOR)
