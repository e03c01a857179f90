# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``pose``: a ``PoseStamped``'s position and the first two columns of its rotation matrix.

Nine entries ``x, y, z, r00, r10, r20, r01, r11, r21``: the rotation as two matrix columns
is continuous, unlike Euler angles or a quaternion (q and -q), so a network sees nearby
orientations as nearby numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any

from lwd_ros.observations.kind import POSE, ObsKind, Values, pose_of, set_pose, unit_quaternion

ARROW_LENGTH = 0.1  # m: the marker along the rotation's x axis; shaft 0.01, head 0.02 wide


def rotation_columns(x: float, y: float, z: float, w: float) -> tuple[float, ...]:
    """First two columns ``(r00, r10, r20, r01, r11, r21)`` of a unit quaternion's rotation."""
    return (1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y),
            2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x))


def quaternion_from_columns(c: Values) -> tuple[float, float, float, float]:
    """``(x, y, z, w)`` of the rotation whose first two matrix columns are ``c`` (6,)."""
    import numpy as np
    from scipy.spatial.transform import Rotation

    a, b = np.asarray(c[:3], float), np.asarray(c[3:6], float)
    return tuple(Rotation.from_matrix(np.stack([a, b, np.cross(a, b)], axis=1)).as_quat())


class Pose(ObsKind):
    """The ``pose`` kind (module docstring)."""

    name = 'pose'
    msg_types = (POSE,)
    suffixes = ('x', 'y', 'z', 'r00', 'r10', 'r20', 'r01', 'r11', 'r21')
    units = ('m', 'm', 'm', '1', '1', '1', '1', '1', '1')
    spatial = True

    def from_pose(self, position: Values, quaternion: Values) -> list[float] | None:
        """The entries from a position and a quaternion ``(x, y, z, w)``."""
        q = unit_quaternion(quaternion)
        return None if q is None else [*position[:3], *rotation_columns(*q)]

    def read(self, block: Any, msg: Any) -> list[float] | None:
        return self.from_pose(*pose_of(msg))

    def fill(self, blocks: Sequence[Any], values: Sequence[Values], msg: Any) -> None:
        v = values[0]
        set_pose(msg, v[:3], quaternion_from_columns(v[3:9]))

    def jump_columns(self, block: Any) -> tuple[int, ...]:
        return (0, 1, 2)

    def shape(self, block: Any, values: Values) -> dict | None:
        start, axis = [float(c) for c in values[:3]], [float(c) for c in values[3:6]]
        length = ARROW_LENGTH / max(math.sqrt(sum(c * c for c in axis)), 1e-9)
        end = tuple(s + length * a for s, a in zip(start, axis))
        return {'kind': 'arrow', 'scale': (0.01, 0.02, 0.02), 'points': (tuple(start), end)}

    def refusal(self, block: Any, topic: str) -> str:
        return f'a non-finite pose on {topic}'


KIND = Pose()
