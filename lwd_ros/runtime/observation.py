# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Assemble the raw observation from the messages a robot contract names.

The spec's ``observation`` blocks say which message fills which entries (e.g. joints from
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

import numpy as np

from lwd_ros.contract import RobotContract


def yaw_from_quaternion(x: float, y: float, z: float, w: float) -> float:
    """Yaw (rotation about world z) of a quaternion, in ``(-pi, pi]``."""
    return math.atan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))


def quaternion_from_yaw(yaw: float) -> tuple[float, float, float, float]:
    """``(x, y, z, w)`` of a rotation by ``yaw`` about world z."""
    return 0.0, 0.0, math.sin(yaw / 2.0), math.cos(yaw / 2.0)


def rotation_columns(x: float, y: float, z: float, w: float) -> tuple[float, ...]:
    """First two columns ``(r00, r10, r20, r01, r11, r21)`` of a unit quaternion's rotation.

    A continuous orientation feature: q and -q give the same six numbers, and nearby
    orientations give nearby numbers (unlike Euler angles).
    """
    return (1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y),
            2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x))


def wrap_angle(angle: float) -> float:
    """Wrap to ``[0, 2 pi)``, the angle convention of planar poses in observations."""
    return angle % (2.0 * math.pi)


class ObservationBuilder:
    """Keeps the newest value of every observation block with its arrival time.

    Why arrival (monotonic) time rather than header stamps for staleness: a publisher with a
    wrong clock must not make data look fresh.

    Args:
        spec: the robot contract (its ``observation`` blocks and commanded joints).
    """

    def __init__(self, spec: RobotContract):
        self.spec = spec
        self.blocks = spec.observation
        self.joint_names = spec.command.joints
        self._values: list[np.ndarray | None] = [None] * len(self.blocks)
        self._times = [-math.inf] * len(self.blocks)
        self._joints: np.ndarray | None = None
        self._joints_time = -math.inf
        self._latest: np.ndarray | None = None  # ``latest()``'s array; None: build anew
        self._pose_blocks = {b.topic: i for i, b in enumerate(self.blocks)
                             if b.kind in ('pose2d', 'point', 'pose')}
        self._vector_blocks = {b.topic: i for i, b in enumerate(self.blocks)
                               if b.kind == 'vector'}

    @property
    def topics(self) -> dict[str, tuple[str, str]]:
        """``{topic: (kind, message type)}`` the node must subscribe to."""
        return {b.topic: (b.kind, b.msg_type) for b in self.blocks}

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

    def update_pose(self, position: Sequence[float], quaternion: Sequence[float], now: float,
                    topic: str | None = None) -> bool:
        """Take a pose (of the one pose block, or ``topic``'s); False if not finite.

        ``position`` is ``(x, y, z)``, ``quaternion`` ``(x, y, z, w)``; a ``pose2d`` block
        keeps ``x, y, yaw``, a ``point`` block ``x, y, z``, a ``pose`` block ``x, y, z`` and
        the first two columns of the rotation matrix.
        """
        i = (next(iter(self._pose_blocks.values()), None) if topic is None
             else self._pose_blocks.get(topic))
        values = (*position, *quaternion)
        if i is None or not all(math.isfinite(v) for v in values):
            return False
        kind = self.blocks[i].kind
        if kind == 'point':
            self._values[i] = np.array(position[:3], np.float32)
        else:
            norm = math.sqrt(sum(q * q for q in quaternion))
            if not 0.5 < norm < 2.0:  # not a rotation (an all-zero quaternion has no yaw)
                return False
            if kind == 'pose':
                columns = rotation_columns(*(q / norm for q in quaternion))
                self._values[i] = np.array([*position[:3], *columns], np.float32)
            else:
                yaw = wrap_angle(yaw_from_quaternion(*quaternion))
                self._values[i] = np.array([position[0], position[1], yaw], np.float32)
        self._times[i] = now
        self._latest = None
        return True

    def update_vector(self, data: Sequence[float], now: float, topic: str) -> bool:
        """Take a ``vector`` block's array; False if its length or a value is wrong."""
        i = self._vector_blocks.get(topic)
        if i is None or len(data) != len(self.blocks[i].names):
            return False
        value = np.asarray(data, np.float32)
        if not np.isfinite(value).all():
            return False
        self._values[i], self._times[i] = value, now
        self._latest = None
        return True

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
        """The raw observation in spec order, or None until every block has arrived."""
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
