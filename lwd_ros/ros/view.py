# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd view``: the running graph, live in Foxglove (a ``foxglove-sdk`` WebSocket server).

Streams every topic of the graph whose type is in ``VIEW_TYPES`` (each bridge's
``viz/markers``, namespaced or not, ``/diagnostics``, ``/joint_states``, the episode topics)
plus any ``--topic``; the graph is read again every ``DISCOVERY_S``, so nodes started later
appear. Messages go out as they arrive on the wire: CDR with their ``ros2msg`` definition
(the ``.msg`` files, dependencies after ``MSG:`` lines, as rosbag2 and Foxglove's ROS bridge
write them), so Foxglove's 3D panel draws the markers and its Diagnostics, Plot and Raw
Messages panels read the rest, with no per-message conversion here.

The controller's diagnostics (``policy_age_s``, ``task``, ``mode``) also become a text marker
on ``/viz/policy``, under the bridge's status text. Made here rather than by a node: only the
person watching needs it, the graph (and the launch files) stay as they are, and this process
already receives both the diagnostics and the status text's position.

Open Foxglove, "Open connection", Foxglove WebSocket, ``ws://127.0.0.1:8765``. Ctrl-C ends it.
"""

from __future__ import annotations

import argparse
import importlib
import os
from pathlib import Path
import re
import sys

from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy
from rclpy.serialization import deserialize_message, serialize_message

from lwd_ros.ros.markers import STATUS_NS, TEXT_HEIGHT, Shape, marker_array

MARKERS = 'visualization_msgs/msg/MarkerArray'
DIAGNOSTICS = 'diagnostic_msgs/msg/DiagnosticArray'
VIEW_TYPES = (MARKERS, DIAGNOSTICS, 'sensor_msgs/msg/JointState', 'lwd_ros/msg/EpisodeStatus')
POLICY_TOPIC = '/viz/policy'
DISCOVERY_S = 1.0
PRIMITIVES = {'bool', 'byte', 'char', 'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16',
              'int32', 'uint32', 'int64', 'uint64', 'string', 'wstring', 'time', 'duration'}


def message_class(msgtype: str):
    """The Python class of ``pkg/msg/Type``."""
    pkg, _, name = msgtype.split('/')
    return getattr(importlib.import_module(f'{pkg}.msg'), name)


def _msg_file(msgtype: str) -> Path:
    pkg, _, name = msgtype.split('/')
    prefixes = [p for p in os.environ.get('AMENT_PREFIX_PATH', '').split(os.pathsep) if p]
    candidates = [Path(p) / 'share' / pkg / 'msg' / f'{name}.msg'
                  for p in [*prefixes, sys.prefix]]
    for c in candidates:
        if c.is_file():
            return c
    raise FileNotFoundError(f'{msgtype}: no .msg file in {[str(c) for c in candidates]}')


def msg_definition(msgtype: str) -> str:
    """The ``ros2msg`` schema of ``pkg/msg/Type``: its ``.msg`` text, then every dependency's."""
    texts, todo = {}, [msgtype]
    while todo:
        current = todo.pop(0)
        if current in texts:
            continue
        texts[current] = _msg_file(current).read_text()
        for line in texts[current].splitlines():
            words = line.split('#', 1)[0].split()
            base = re.split(r'[<\[]', words[0])[0] if len(words) > 1 else 'bool'
            if base not in PRIMITIVES:  # a message: pkg/Type, pkg/msg/Type or Type (same pkg)
                pkg = base.split('/')[0] if '/' in base else current.split('/')[0]
                todo.append(f'{pkg}/msg/{base.split("/")[-1]}')
    main, *deps = texts
    return texts[main] + ''.join(f'\n{"=" * 80}\nMSG: {d.replace("/msg/", "/")}\n{texts[d]}'
                                 for d in deps)


def policy_text(msg, anchor: tuple[float, float, float]) -> Shape | None:
    """A text shape of the first status in a ``DiagnosticArray`` that has ``policy_age_s``."""
    for status in msg.status:
        values = {kv.key: kv.value for kv in status.values}
        if 'policy_age_s' in values:
            words = [f'policy age {values["policy_age_s"]} s', values.get('task', ''),
                     values.get('mode', '')]
            x, y, z = anchor
            return Shape('text', 'policy', 0, (x, y, z - 2 * TEXT_HEIGHT),
                         scale=(0.0, 0.0, TEXT_HEIGHT), color=(1.0, 0.85, 0.4, 1.0),
                         text='  '.join(w for w in words if w))
    return None


class ViewNode(Node):
    """Subscribes to the graph's view topics and logs each message to a Foxglove channel."""

    def __init__(self, host: str, port: int, topics: tuple[str, ...] = ()):
        super().__init__('lwd_view')
        import foxglove

        self.foxglove, self.topics, self.server = foxglove, set(topics), None
        self.sink = foxglove.Context()  # this server's channels only (not the global context)
        try:
            self.server = foxglove.start_server(name='lwd_ros', host=host, port=port,
                                                context=self.sink)
        except RuntimeError as e:  # the port is taken: one line, no traceback
            raise ValueError(f'cannot serve Foxglove on {host}:{port}: {e}') from e
        self.channels: dict[str, object] = {}
        self.anchor, self.frame_id = (0.0, 0.0, 0.3), 'world'
        self.policy = self._channel(POLICY_TOPIC, MARKERS)
        self.discover()
        self.create_timer(DISCOVERY_S, self.discover)
        self.get_logger().info(f'Foxglove WebSocket on ws://{host}:{self.server.port} '
                               f'(Foxglove: Open connection > Foxglove WebSocket)')

    def _channel(self, topic: str, msgtype: str):
        schema = self.foxglove.Schema(name=msgtype, encoding='ros2msg',
                                      data=msg_definition(msgtype).encode())
        return self.foxglove.Channel(topic, schema=schema, message_encoding='cdr',
                                     context=self.sink)

    def discover(self) -> None:
        """Subscribe to every view topic not yet streamed."""
        for topic, types in self.get_topic_names_and_types():
            msgtype = types[0] if types else ''
            if topic in self.channels or topic == POLICY_TOPIC or not (
                    msgtype in VIEW_TYPES or topic in self.topics):
                continue
            try:
                channel, cls = self._channel(topic, msgtype), message_class(msgtype)
            except (FileNotFoundError, ImportError, AttributeError, ValueError) as e:
                self.get_logger().warning(f'not streaming {topic}: {e}', once=True)
                continue
            self.channels[topic] = channel
            # Reliable only where every publisher is: a best-effort publisher never matches.
            publishers = self.get_publishers_info_by_topic(topic)
            reliable = publishers and all(
                p.qos_profile.reliability == ReliabilityPolicy.RELIABLE for p in publishers)
            qos = QoSProfile(depth=10, durability=DurabilityPolicy.VOLATILE,
                             reliability=ReliabilityPolicy.RELIABLE if reliable
                             else ReliabilityPolicy.BEST_EFFORT)
            self.create_subscription(cls, topic, self._forward(topic, channel, msgtype, cls),
                                     qos, raw=True)
            self.get_logger().info(f'streaming {topic} ({msgtype})')

    def _forward(self, topic: str, channel, msgtype: str, cls):
        def forward(data: bytes) -> None:
            channel.log(data)
            if msgtype == MARKERS:
                self.on_markers(deserialize_message(data, cls))
            elif msgtype == DIAGNOSTICS:
                self.on_diagnostics(deserialize_message(data, cls))
        return forward

    def on_markers(self, msg) -> None:
        for m in msg.markers:
            if m.ns == STATUS_NS:
                p = m.pose.position
                self.anchor, self.frame_id = (p.x, p.y, p.z), m.header.frame_id or 'world'

    def on_diagnostics(self, msg) -> None:
        shape = policy_text(msg, self.anchor)
        if shape is not None:
            self.policy.log(serialize_message(marker_array([shape], self.frame_id)))

    def destroy_node(self) -> None:
        if self.server is not None:  # clients see the server close, not a dropped connection
            self.server.stop()
            self.server = None
        super().destroy_node()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--port', type=int, default=8765, help='WebSocket port (0: any free)')
    parser.add_argument('--host', default='127.0.0.1',
                        help='address to serve on (0.0.0.0: every interface)')
    parser.add_argument('--topic', action='append', default=[],
                        help='also stream this topic (any type with a .msg file); repeatable')


def run(args: argparse.Namespace) -> int:
    from lwd_ros.ros.spin import run_nodes

    return run_nodes(lambda: [ViewNode(args.host, args.port, tuple(args.topic))], ['lwd'])
