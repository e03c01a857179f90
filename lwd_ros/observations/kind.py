# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What one kind of observation block is: the base every kind module fills in.

A robot contract's ``observation`` is a list of blocks, each of one kind (``joints``,
``pose2d``, ...). Everything the package does with a block depends on its kind at exactly
these points, so a kind is one module overriding them, and adding a kind (a camera's
features, a force-torque sensor) touches that module and the registry line in
``lwd_ros.observations``, nowhere else:

- ``complete``: the contract schema (which fields a block needs, derived names and units);
- ``subscription``: where nodes read it (a camera's features rather than its pixels);
- ``read``: ROS message -> floats, live (``ros.observation_topics``) and from bags
  (``data.bag_reader``). Messages are read by field name only, so the rclpy classes and
  the ``rosbags`` deserialised ones are read by the same code;
- ``fill``: floats -> message, what a sim bridge publishes in place of the robot's drivers;
- ``jump_columns``: the entries a bag's converter watches for teleport-like jumps;
- ``shape``: the RViz/Foxglove marker drawn for the block.

Pure Python (no numpy, no ROS): the contract and the controller process import it.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any

JOINT_STATE = 'sensor_msgs/msg/JointState'
POSE = 'geometry_msgs/msg/PoseStamped'
POINT = 'geometry_msgs/msg/PointStamped'
VECTOR = 'std_msgs/msg/Float64MultiArray'

Values = Sequence[float]


class ObsKind:
    """One observation kind (module docstring); subclasses set the class attributes.

    Attributes:
        name: the ``kind`` key of contract blocks.
        msg_types: the message types a block of this kind reads; the first is the default.
        suffixes: entry names after a block's ``prefix`` when the kind has a fixed size
            (``x, y, yaw``); empty when the block names its entries.
        units: default units of those entries.
        spatial: an object's place in space, so a bag's ``object_pose`` role can carry it.
        fields: the block fields only this kind reads (``joints``' ``field``, a camera's
            ``crop``); another kind's block must leave them unset.
        frames: its messages are pictures: nodes read what perception computes from them
            (``subscription``) and the bag converter keeps the frames themselves.
    """

    name: str = ''
    msg_types: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    spatial: bool = False
    fields: tuple[str, ...] = ()
    frames: bool = False

    def complete(self, block: Any) -> dict[str, tuple]:
        """The derived fields of ``block`` (``names``, ``units``); ValueError names a problem.

        The default serves fixed-size kinds: ``<prefix>_<suffix>`` names and the kind's units.
        """
        derived = {}
        if not block.names:
            if not block.prefix:
                raise ValueError(f'names (or prefix): a {self.name} block has '
                                 f'{len(self.suffixes)} entries')
            derived['names'] = tuple(f'{block.prefix}_{s}' for s in self.suffixes)
        if not block.units:
            derived['units'] = self.units
        return derived

    def size(self, block: Any) -> int:
        """How many entries a complete ``block`` fills."""
        return len(self.suffixes)

    def subscription(self, block: Any) -> tuple[str, str]:
        """``(topic, message type)`` a node reads the block from: the block's own here."""
        return block.topic, block.msg_type

    def read(self, block: Any, msg: Any) -> list[float] | None:
        """The block's entries from one message; None where the message cannot be read."""
        raise NotImplementedError

    def fill(self, blocks: Sequence[Any], values: Sequence[Values], msg: Any) -> None:
        """Write ``values`` of ``blocks`` (all on one topic) into the empty message ``msg``."""
        raise NotImplementedError

    def jump_columns(self, block: Any) -> tuple[int, ...]:
        """Entries that move continuously, so a jump in them marks a reset (none here)."""
        return ()

    def shape(self, block: Any, values: Values) -> dict | None:
        """The marker for the block (``ros.markers.Shape`` fields) at ``values``, or none."""
        return None

    def refusal(self, block: Any, topic: str) -> str:
        """A refused message in words (``read`` gave None or a value was not finite)."""
        return f'a non-finite {self.name} on {topic}'


def pose_of(msg: Any) -> tuple[tuple[float, float, float], tuple[float, float, float, float]]:
    """``(x, y, z)``, ``(qx, qy, qz, qw)`` of a ``PoseStamped`` or a ``PointStamped``."""
    if hasattr(msg, 'point'):
        p = msg.point
        return (p.x, p.y, p.z), (0.0, 0.0, 0.0, 1.0)
    p, q = msg.pose.position, msg.pose.orientation
    return (p.x, p.y, p.z), (q.x, q.y, q.z, q.w)


def unit_quaternion(q: Sequence[float]) -> tuple[float, ...] | None:
    """``q`` normalised, or None if it is no rotation (an all-zero quaternion, a NaN)."""
    norm = math.sqrt(sum(c * c for c in q))
    if not 0.5 < norm < 2.0:
        return None
    return tuple(c / norm for c in q)


def set_pose(msg: Any, position: Values, quaternion: Values) -> None:
    """Fill a ``PoseStamped``'s pose."""
    p, o = msg.pose.position, msg.pose.orientation
    p.x, p.y, p.z = (float(c) for c in position)
    o.x, o.y, o.z, o.w = (float(c) for c in quaternion)


def xyz(values: Values) -> tuple[float, float, float]:
    """The first three values as floats (a third 0 for planar ones)."""
    return (float(values[0]), float(values[1]),
            float(values[2]) if len(values) > 2 else 0.0)
