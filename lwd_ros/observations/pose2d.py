# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``pose2d``: ``x, y, yaw`` of a ``PoseStamped`` on a table.

Yaw is the rotation about world z, wrapped to ``[0, 2 pi)``: the planar pose of an object
on a table as a mocap or a tag detector reports it.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any

from lwd_ros.observations.kind import POSE, ObsKind, Values, pose_of, set_pose, unit_quaternion

BOX = (0.04, 0.02, 0.02)  # m: the marker, longer along x so the yaw shows


def yaw_from_quaternion(x: float, y: float, z: float, w: float) -> float:
    """Yaw (rotation about world z) of a quaternion, in ``(-pi, pi]``."""
    return math.atan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))


def quaternion_from_yaw(yaw: float) -> tuple[float, float, float, float]:
    """``(x, y, z, w)`` of a rotation by ``yaw`` about world z."""
    return 0.0, 0.0, math.sin(yaw / 2.0), math.cos(yaw / 2.0)


def wrap_angle(angle: float) -> float:
    """Wrap to ``[0, 2 pi)``, the angle convention of planar poses in observations."""
    return angle % (2.0 * math.pi)


class Pose2d(ObsKind):
    """The ``pose2d`` kind (module docstring)."""

    name = 'pose2d'
    msg_types = (POSE,)
    suffixes = ('x', 'y', 'yaw')
    units = ('m', 'm', 'rad')
    spatial = True

    def from_pose(self, position: Values, quaternion: Values) -> list[float] | None:
        """The entries from a position and a quaternion ``(x, y, z, w)``."""
        if unit_quaternion(quaternion) is None:
            return None
        return [position[0], position[1], wrap_angle(yaw_from_quaternion(*quaternion))]

    def read(self, block: Any, msg: Any) -> list[float] | None:
        return self.from_pose(*pose_of(msg))

    def fill(self, blocks: Sequence[Any], values: Sequence[Values], msg: Any) -> None:
        v = values[0]
        set_pose(msg, (v[0], v[1], 0.0), quaternion_from_yaw(float(v[2])))

    def jump_columns(self, block: Any) -> tuple[int, ...]:
        return (0, 1)

    def shape(self, block: Any, values: Values) -> dict | None:
        return {'kind': 'cube', 'position': (float(values[0]), float(values[1]), BOX[2] / 2),
                'orientation': quaternion_from_yaw(float(values[2])), 'scale': BOX}

    def refusal(self, block: Any, topic: str) -> str:
        return f'a non-finite pose on {topic}'


KIND = Pose2d()
