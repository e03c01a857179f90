# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Assemble the raw observation from the messages a robot contract names.

The contract's ``observation`` blocks say which message fills which entries (e.g. joints from
``/joint_states``, then an object's ``x, y, yaw`` from a ``PoseStamped``, yaw wrapped to
``[0, 2 pi)``; or the hand, object and goal
positions from three poses and the gripper opening from ``/joint_states``). On hardware the
joint states come from ros2_control's joint_state_broadcaster and poses from a mocap/camera
node.

A message with a non-finite value is refused (the caller counts and logs it) and does not
refresh its block, so a sensor that starts sending NaN makes the controller hold exactly as
a silent one does.
"""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any

import numpy as np

from lwd_ros.contract import RobotContract
from lwd_ros.observations import get_kind


class ObservationBuilder:
    """Keeps the newest value of every observation block with its arrival time.

    Why arrival (monotonic) time rather than header stamps for staleness: a publisher with a
    wrong clock must not make data look fresh.

    Args:
        contract: the robot contract (its ``observation`` blocks and commanded joints).
    """

    def __init__(self, contract: RobotContract):
        self.contract = contract
        self.blocks = contract.observation
        self.joint_names = contract.command.joints
        self._values: list[np.ndarray | None] = [None] * len(self.blocks)
        self._times = [-math.inf] * len(self.blocks)
        self._joints: np.ndarray | None = None
        self._joints_time = -math.inf
        self._latest: np.ndarray | None = None  # ``latest()``'s array; None: build anew
        self._kinds = [get_kind(b.kind) for b in self.blocks]
        self._sources = [k.subscription(b) for k, b in zip(self._kinds, self.blocks)]
        # topic -> the one block a message on it fills (joints go through update_joints)
        self._single = {topic: i for i, (topic, _) in enumerate(self._sources)
                        if self.blocks[i].kind != 'joints'}

    @property
    def topics(self) -> dict[str, tuple[str, str]]:
        """``{topic: (kind, message type)}`` the node must subscribe to (each kind's choice)."""
        sources = zip(self.blocks, self._sources)
        return {topic: (b.kind, msg_type) for b, (topic, msg_type) in sources}

    def update_joints(self, names: Sequence[str], positions: Sequence[float], now: float,
                      topic: str | None = None, velocities: Sequence[float] = (),
                      efforts: Sequence[float] = ()) -> bool:
        """Take the contract's joints from a JointState; False if one is missing or not finite.

        Each ``joints`` block on ``topic`` reads its ``field`` (positions, velocities or
        efforts) of its joints; the commanded joints' positions are kept for holds.
        """
        arrays = {'position': positions, 'velocity': velocities, 'effort': efforts}
        lookups = {f: dict(zip(names, a)) for f, a in arrays.items() if len(a) == len(names)}
        if 'position' not in lookups:
            return False
        updates = []
        for i, b in enumerate(self.blocks):
            if b.kind != 'joints' or (topic is not None and b.topic != topic):
                continue
            lookup = lookups.get(b.field, {})
            if not all(n in lookup for n in b.joints):
                return False
            updates.append((i, np.array([lookup[n] for n in b.joints], np.float32)))
        command = None
        if all(n in lookups['position'] for n in self.joint_names):
            command = np.array([lookups['position'][n] for n in self.joint_names], np.float32)
        values = [v for _, v in updates] + ([] if command is None else [command])
        if not values or not all(np.isfinite(v).all() for v in values):
            return False
        for i, v in updates:
            self._values[i], self._times[i] = v, now
        self._latest = None
        if command is not None:
            self._joints, self._joints_time = command, now
        return True

    def update(self, topic: str, msg: Any, now: float) -> bool:
        """Take a message for ``topic``'s block, read by its kind; False if refused.

        Refused: no such block, a message its kind cannot read (a wrong length, a quaternion
        that is no rotation) or a value that is not finite.
        """
        i = self._single.get(topic)
        return i is not None and self._store(i, self._kinds[i].read(self.blocks[i], msg), now)

    def update_pose(self, position: Sequence[float], quaternion: Sequence[float], now: float,
                    topic: str | None = None) -> bool:
        """Take a pose for the first spatial block, or ``topic``'s; False if refused.

        ``position`` is ``(x, y, z)``, ``quaternion`` ``(x, y, z, w)``: what a caller holding
        a pose rather than a message (a test, a bench, a fleet's host) has.
        """
        i = (next((i for i, k in enumerate(self._kinds) if k.spatial), None) if topic is None
             else self._single.get(topic))
        if i is None or not self._kinds[i].spatial:
            return False
        return self._store(i, self._kinds[i].from_pose(position, quaternion), now)

    def _store(self, i: int, values: Sequence[float] | None, now: float) -> bool:
        if values is None:
            return False
        value = np.asarray(values, np.float32)
        if not np.isfinite(value).all():
            return False
        self._values[i], self._times[i] = value, now
        self._latest = None
        return True

    def refusal(self, topic: str) -> str:
        """What a refused message on ``topic`` was, in words (its kind's)."""
        i = self._single.get(topic)
        return (f'a message on {topic}' if i is None
                else self._kinds[i].refusal(self.blocks[i], topic))

    def names_on(self, topic: str) -> tuple[str, ...]:
        """The observation entries ``topic`` fills."""
        return tuple(n for b in self.blocks if b.topic == topic for n in b.names)

    def joints_on(self, topic: str) -> tuple[str, ...]:
        """The JointState names read from ``topic`` (each once)."""
        return tuple(dict.fromkeys(j for b in self.blocks if b.kind == 'joints'
                                   and b.topic == topic for j in b.joints))

    def bad_joints(self, names: Sequence[str], positions: Sequence[float], topic: str,
                   velocities: Sequence[float] = (), efforts: Sequence[float] = ()) -> str:
        """Which entries made ``update_joints`` refuse a JointState, in words.

        Only on the refusal path, so a warning names ``j2 position nan`` (or ``j3 missing``)
        rather than every joint the topic carries.
        """
        arrays = {'position': positions, 'velocity': velocities, 'effort': efforts}
        wanted = [(b.field, j) for b in self.blocks
                  if b.kind == 'joints' and b.topic == topic for j in b.joints]
        wanted += [('position', j) for j in self.joint_names]
        problems = []
        for field, joint in dict.fromkeys(wanted):
            values = arrays[field]
            if len(values) != len(names):
                problems.append(f'{field} has {len(values)} entries for {len(names)} names')
            elif joint not in names:
                problems.append(f'{joint} missing')
            elif not np.isfinite(values[list(names).index(joint)]):
                problems.append(f'{joint} {field} {values[list(names).index(joint)]}')
        return ', '.join(dict.fromkeys(problems)) or 'no position of the commanded joints'

    @property
    def joints(self) -> np.ndarray | None:
        """The commanded joints' latest positions: what a hold command sends."""
        return self._joints

    def ages(self, now: float) -> tuple[float, float]:
        """Seconds since the commanded joints' last update and since the oldest block's."""
        return now - self._joints_time, now - min(self._times)

    def observation(self) -> np.ndarray | None:
        """The raw observation in contract order, or None until every block has arrived."""
        if any(v is None for v in self._values):
            return None
        return np.concatenate(self._values)

    def latest(self) -> np.ndarray | None:
        """``observation()`` built once per update and shared, read-only, until the next.

        Why: the controller ticks at 1 kHz while the inputs arrive at ~200 Hz, so four ticks
        in five would concatenate the same blocks again; the same array object also tells
        the controller that an observation it already checked (the training range) has not
        changed. Read-only so no caller can alter what the next tick reads. Call it from
        the thread that updates the builder (the controller's executor thread).
        """
        latest = self._latest
        if latest is None:
            latest = self.observation()
            if latest is not None:
                latest.flags.writeable = False
                self._latest = latest
        return latest
