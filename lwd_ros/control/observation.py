# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Assemble the policy observation from the latest joint state and object pose.

PushT observation (lwd_ros/envs): ``[agent_x, agent_y, block_x, block_y, block_angle]`` in
metres and radians, ``block_angle`` = yaw of the block wrapped to ``[0, 2 pi)`` as in the
original PushT. On hardware the joint states come from ros2_control's
joint_state_broadcaster and the pose from a mocap/camera node; both carry their own stamps.
"""

from __future__ import annotations

from collections.abc import Sequence
import math

import numpy as np


def yaw_from_quaternion(x: float, y: float, z: float, w: float) -> float:
    """Yaw (rotation about world z) of a quaternion, in ``(-pi, pi]``."""
    return math.atan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))


def quaternion_from_yaw(yaw: float) -> tuple[float, float, float, float]:
    """``(x, y, z, w)`` of a rotation by ``yaw`` about world z."""
    return 0.0, 0.0, math.sin(yaw / 2.0), math.cos(yaw / 2.0)


def wrap_angle(angle: float) -> float:
    """Wrap to ``[0, 2 pi)``, the block-angle convention of the PushT observation."""
    return angle % (2.0 * math.pi)


class ObservationBuilder:
    """Keeps the newest joint positions and object pose with their arrival times.

    Why arrival (monotonic) time rather than header stamps for staleness: a publisher with a
    wrong clock must not make data look fresh; stamps are still kept for logging.
    """

    def __init__(self, joint_names: Sequence[str]):
        self.joint_names = tuple(joint_names)
        self._joints: np.ndarray | None = None
        self._pose: np.ndarray | None = None
        self._joints_time = -math.inf
        self._pose_time = -math.inf

    def update_joints(self, names: Sequence[str], positions: Sequence[float], now: float) -> bool:
        """Take the configured joints from a JointState; False if any is missing."""
        lookup = dict(zip(names, positions))
        if not all(n in lookup for n in self.joint_names):
            return False
        self._joints = np.array([lookup[n] for n in self.joint_names], np.float32)
        self._joints_time = now
        return True

    def update_pose(self, x: float, y: float, quaternion: Sequence[float], now: float) -> None:
        yaw = wrap_angle(yaw_from_quaternion(*quaternion))
        self._pose = np.array([x, y, yaw], np.float32)
        self._pose_time = now

    @property
    def joints(self) -> np.ndarray | None:
        return self._joints

    def ages(self, now: float) -> tuple[float, float]:
        """Seconds since the last joint state and the last object pose."""
        return now - self._joints_time, now - self._pose_time

    def observation(self) -> np.ndarray | None:
        """``[joints..., pose...]`` or None until both have arrived."""
        if self._joints is None or self._pose is None:
            return None
        return np.concatenate([self._joints, self._pose])
