# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The controller's logic: validate and swap policies, build obs, run the MLP, clamp, hold.

Shaped like ros2_controllers' forward_command_controller: the subscription drops the newest
validated policy into a box (one reference assignment, atomic under the GIL), and the fast
``tick`` reads the box once and keeps the last good policy when a bad one arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
import enum
from typing import Any

import numpy as np

from lwd_ros.control.observation import ObservationBuilder
from lwd_ros.policy.mlp import MlpPolicy
from lwd_ros.ros.convert import InvalidPolicy, policy_from_msg


@dataclass
class ControllerConfig:
    """Limits and timing of the fast loop.

    Args:
        joint_names: commanded joints, in action order (PushT: the gantry's x and y joints).
        obs_names: names of the observation entries this controller builds (joint positions
            then the object pose x, y, yaw); a policy's features are computed by these names.
        action_low: per-joint lower command limit (PushT: workspace bounds, metres).
        action_high: per-joint upper command limit.
        obs_timeout_s: joint state or object pose older than this triggers a hold.
    """

    joint_names: tuple[str, ...] = ('gantry_x', 'gantry_y')
    obs_names: tuple[str, ...] = ('agent_x', 'agent_y', 'block_x', 'block_y', 'block_angle')
    action_low: tuple[float, ...] = (0.0, 0.0)
    action_high: tuple[float, ...] = (0.512, 0.512)
    obs_timeout_s: float = 0.2

    def __post_init__(self):
        n = len(self.joint_names)
        if n == 0 or len(self.action_low) != n or len(self.action_high) != n:
            raise ValueError(f'{self.joint_names=}, {self.action_low=}, {self.action_high=} '
                             'must be non-empty and of equal length')
        if any(lo >= hi for lo, hi in zip(self.action_low, self.action_high)):
            raise ValueError(f'{self.action_low=} must be below {self.action_high=}')
        if len(self.obs_names) != n + 3:
            raise ValueError(f'{self.obs_names=} must name the {n} joints then x, y, yaw')
        if self.obs_timeout_s <= 0:
            raise ValueError(f'{self.obs_timeout_s=} must be positive')

    @property
    def act_dim(self) -> int:
        return len(self.joint_names)


class Mode(enum.Enum):
    """What the last tick did."""

    RUN = 'run'                  # policy output, clamped
    NO_POLICY = 'no_policy'      # no valid policy yet: publish nothing (see ``tick``)
    NO_OBSERVATION = 'no_obs'    # joint state or object pose never received: publish nothing
    STALE = 'stale'              # an input is older than obs_timeout_s: hold position


@dataclass(frozen=True)
class ActivePolicy:
    policy: MlpPolicy
    generation: int
    generator_id: str
    task: str
    received_at: float


class PolicyController:
    """Owns the current policy and the observation; ``tick`` returns the command to send."""

    def __init__(self, config: ControllerConfig):
        self.config = config
        self.obs = ObservationBuilder(config.joint_names)
        self._low = np.asarray(config.action_low, np.float32)
        self._high = np.asarray(config.action_high, np.float32)
        self._active: ActivePolicy | None = None
        self.rejected = 0
        self.swaps = 0

    @property
    def active(self) -> ActivePolicy | None:
        return self._active

    def offer_policy(self, msg: Any, now: float) -> ActivePolicy:
        """Validate a PolicyWeights message and make it current, or raise ``InvalidPolicy``."""
        try:
            policy = policy_from_msg(msg, self.config.obs_names, self.config.act_dim)
            current = self._active
            if (current is not None and msg.generator_id == current.generator_id
                    and msg.generation <= current.generation):
                raise InvalidPolicy(f'generation {msg.generation} is not newer than '
                                    f'{current.generation} from the same generator')
        except InvalidPolicy:
            self.rejected += 1
            raise
        self._active = ActivePolicy(policy, int(msg.generation), msg.generator_id, msg.task, now)
        self.swaps += 1
        return self._active

    def tick(self, now: float) -> tuple[np.ndarray | None, Mode]:
        """Return the command to send now (None: publish nothing) and the reason."""
        obs = self.obs.observation()
        if obs is None:
            return None, Mode.NO_OBSERVATION
        joints_age, pose_age = self.obs.ages(now)
        hold = self.obs.joints
        if max(joints_age, pose_age) > self.config.obs_timeout_s:
            # Hold where the joints last were; if they are stale too, stay silent and let the
            # position controller keep its last target.
            fresh = joints_age <= self.config.obs_timeout_s
            return (np.clip(hold, self._low, self._high) if fresh else None), Mode.STALE
        active = self._active  # read the box once: a swap mid-tick cannot tear the policy
        if active is None:
            # Silent, not a hold command: a position controller keeps the target it was
            # activated with, and a sim waiting for its first command stays paused until a
            # policy is really running (the episode does not start while a model loads).
            return None, Mode.NO_POLICY
        return np.clip(active.policy.act(obs), self._low, self._high), Mode.RUN
