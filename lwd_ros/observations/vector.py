# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``vector``: the entries of a ``std_msgs/Float64MultiArray``, in order.

Whatever a lab's own node computes (a gripper opening, a force reading, a detector's
output): the block names each entry, and a message of another length is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lwd_ros.observations.kind import VECTOR, ObsKind, Values


class Vector(ObsKind):
    """The ``vector`` kind (module docstring)."""

    name = 'vector'
    msg_types = (VECTOR,)

    def complete(self, block: Any) -> dict[str, tuple]:
        if not block.names:
            raise ValueError('names: a vector block names each entry of the array')
        return {} if block.units else {'units': ('1',) * len(block.names)}

    def size(self, block: Any) -> int:
        return len(block.names)

    def read(self, block: Any, msg: Any) -> list[float] | None:
        return list(msg.data) if len(msg.data) == len(block.names) else None

    def fill(self, blocks: Sequence[Any], values: Sequence[Values], msg: Any) -> None:
        msg.data = [float(x) for x in values[0]]

    def refusal(self, block: Any, topic: str) -> str:
        return f'a vector on {topic} that is not {len(block.names)} finite values'


KIND = Vector()
