# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``joints``: one field of named joints of a ``sensor_msgs/JointState``.

What ros2_control's joint_state_broadcaster publishes. A block reads one array
(``position``, ``velocity`` or ``effort``) of the joints it names, by name, so the
broadcaster's joint order and extra joints do not matter. Several blocks may share a topic
(positions and velocities of the same arm): a sim bridge fills one message for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lwd_ros.observations.kind import JOINT_STATE, ObsKind, Values

FIELDS = {'position': ('', 'rad'), 'velocity': ('_vel', 'rad/s'), 'effort': ('_effort', 'N*m')}


class Joints(ObsKind):
    """The ``joints`` kind (module docstring)."""

    name = 'joints'
    msg_types = (JOINT_STATE,)
    fields = ('joints', 'field')

    def complete(self, block: Any) -> dict[str, tuple]:
        if block.field not in FIELDS:
            raise ValueError(f'field {block.field!r} is not one of {list(FIELDS)}')
        if not block.joints:
            raise ValueError('joints: a joints block names the JointState joints it reads')
        suffix, unit = FIELDS[block.field]
        derived = {}
        if not block.names:
            derived['names'] = tuple(j + suffix for j in block.joints)
        if not block.units:
            derived['units'] = (unit,) * len(block.joints)
        return derived

    def size(self, block: Any) -> int:
        return len(block.joints)

    def read(self, block: Any, msg: Any) -> list[float] | None:
        array = getattr(msg, block.field)
        if len(array) != len(msg.name):
            return None
        lookup = dict(zip(msg.name, array))
        if not all(j in lookup for j in block.joints):
            return None
        return [lookup[j] for j in block.joints]

    def fill(self, blocks: Sequence[Any], values: Sequence[Values], msg: Any) -> None:
        names = list(dict.fromkeys(j for b in blocks for j in b.joints))
        arrays: dict[str, list[float]] = {}
        for b, v in zip(blocks, values):
            array = arrays.setdefault(b.field, [0.0] * len(names))
            for j, x in zip(b.joints, v):
                array[names.index(j)] = float(x)
        msg.name = names
        for field in FIELDS:
            setattr(msg, field, arrays.get(field, []))

    def jump_columns(self, block: Any) -> tuple[int, ...]:
        if block.field != 'position':
            return ()
        return tuple(j for j, u in enumerate(block.units) if u in ('m', 'rad'))

    def refusal(self, block: Any, topic: str) -> str:
        return f'a joint state on {topic}'


KIND = Joints()
