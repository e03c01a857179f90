# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``point``: ``x, y, z`` of a ``PointStamped``, or of a ``PoseStamped``'s position.

An object, a goal or a fingertip whose orientation the task does not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lwd_ros.observations.kind import POINT, POSE, ObsKind, Values, pose_of, set_pose, xyz

SPHERE_DIAMETER = 0.04  # m: the marker


class Point(ObsKind):
    """The ``point`` kind (module docstring)."""

    name = 'point'
    msg_types = (POINT, POSE)
    suffixes = ('x', 'y', 'z')
    units = ('m', 'm', 'm')
    spatial = True

    def from_pose(self, position: Values, quaternion: Values) -> list[float] | None:
        """The entries from a position (the orientation is not read)."""
        return list(position[:3])

    def read(self, block: Any, msg: Any) -> list[float] | None:
        return self.from_pose(*pose_of(msg))

    def fill(self, blocks: Sequence[Any], values: Sequence[Values], msg: Any) -> None:
        if hasattr(msg, 'point'):
            msg.point.x, msg.point.y, msg.point.z = xyz(values[0])
        else:
            set_pose(msg, xyz(values[0]), (0.0, 0.0, 0.0, 1.0))

    def jump_columns(self, block: Any) -> tuple[int, ...]:
        return (0, 1, 2)

    def shape(self, block: Any, values: Values) -> dict | None:
        return {'kind': 'sphere', 'position': xyz(values), 'scale': (SPHERE_DIAMETER,) * 3}

    def refusal(self, block: Any, topic: str) -> str:
        return f'a non-finite point on {topic}'


KIND = Point()
