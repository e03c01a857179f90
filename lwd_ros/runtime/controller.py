# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The controller's logic: validate and swap policies, build obs, run the MLP, clamp, hold.

Shaped like ros2_controllers' forward_command_controller: the subscription drops the newest
validated policy into a box (one reference assignment, atomic under the GIL), and the fast
``tick`` reads the box once and keeps the last good policy when a bad one arrives.

What the robot is comes from its contract (``lwd_ros.contract``): the observation entries
and where they arrive, the commanded joints and their limits, the policy rate. A policy whose
input or output names do not match that contract is refused with the mismatch named.
"""

from __future__ import annotations

from dataclasses import dataclass
import enum
import math
import time
from typing import Any

import numpy as np

from lwd_ros.config import check
from lwd_ros.contract import RobotContract, get_contract, shipped_robots
from lwd_ros.runtime.mlp import MlpPolicy, flops_per_step
from lwd_ros.runtime.observation import ObservationBuilder
from lwd_ros.runtime.policy_msg import InvalidPolicy, policy_from_msg
from lwd_ros.runtime.training_range import outside, widened

EXPIRED_ACTIONS = ('keep', 'hold')


@dataclass
class ControllerConfig:
    """The fast loop's settings (also the ``lwd_controller`` node's parameters).

    Args:
        robot: the robot's contract: a YAML file or a shipped robot's name
            (``config/robots/<name>.yaml``): observation, joints, limits and rates. No
            default: a controller that guessed would command another robot's joints.
        control_rate: loop rate in Hz; 0 = the contract's.
        action_low: per-joint lower command limit; empty = the contract's.
        action_high: per-joint upper command limit; empty = the contract's.
        obs_timeout: seconds (wall) after which a silent input triggers a hold.
        expiry_factor: a policy outlives its ``valid_for_steps`` after this many times its
            validity (``valid_for_steps / policy_rate`` seconds).
        on_expired: what an outlived policy does: ``keep`` running (the MLP is closed loop;
            a diagnostic says so) or ``hold`` position until a fresh one arrives.
        diagnostics_period: seconds between ``/diagnostics`` messages.
        max_policy_flops: policies costing more FLOPs per forward are refused (a generated
            MLP of two 64-wide layers: ~10 k).
        forward_budget: fraction of the control period a policy's measured forward may take
            (median of a few timed runs at swap); slower ones are refused.
        max_generation_jump: a policy whose generation is this far ahead of the current one
            from the same generator is refused, so one forged or corrupt message (generation
            2^32 - 1) cannot lock out every later real policy.
    """

    # What may change while the controller runs (ros2 param set); the rest is read-only.
    RUNTIME = ('obs_timeout', 'expiry_factor', 'on_expired', 'max_policy_flops',
               'forward_budget', 'max_generation_jump')

    robot: str = ''
    control_rate: float = 0.0
    action_low: tuple[float, ...] = ()
    action_high: tuple[float, ...] = ()
    obs_timeout: float = 0.2
    expiry_factor: float = 3.0
    on_expired: str = 'keep'
    diagnostics_period: float = 1.0
    max_policy_flops: int = 1_000_000
    forward_budget: float = 0.25
    max_generation_jump: int = 1000

    def __post_init__(self):
        if not self.robot:
            check(False, 'robot', self.robot, "must name the robot's contract (a YAML file or a "
                  'shipped robot: ' + ', '.join(shipped_robots()) + ')')
        self.action_low = tuple(float(v) for v in self.action_low)
        self.action_high = tuple(float(v) for v in self.action_high)
        contract = self.contract
        n = contract.act_dim
        joints = f'one entry per joint {list(contract.action_names)}, or none (the contract\'s)'
        check(len(self.low) == n, 'action_low', list(self.action_low), joints)
        check(len(self.high) == n, 'action_high', list(self.action_high), joints)
        check(all(lo < hi for lo, hi in zip(self.low, self.high)), 'action_low',
              list(self.low), f'must be below action_high {list(self.high)}, joint by joint')
        check(self.control_rate >= 0, 'control_rate', self.control_rate,
              "must be >= 0 Hz (0: the contract's)")
        check(self.obs_timeout > 0, 'obs_timeout', self.obs_timeout, 'must be > 0 s')
        check(self.expiry_factor > 0, 'expiry_factor', self.expiry_factor, 'must be > 0')
        check(self.max_policy_flops >= 1, 'max_policy_flops', self.max_policy_flops,
              'must be >= 1')
        check(0 < self.forward_budget <= 1, 'forward_budget', self.forward_budget,
              'must be in (0, 1] (a fraction of the control period)')
        check(self.max_generation_jump >= 1, 'max_generation_jump', self.max_generation_jump,
              'must be >= 1')
        check(self.on_expired in EXPIRED_ACTIONS, 'on_expired', self.on_expired,
              f'must be one of {", ".join(EXPIRED_ACTIONS)}')

    @property
    def contract(self) -> RobotContract:
        return get_contract(self.robot)

    @property
    def low(self) -> tuple[float, ...]:
        return self.action_low or self.contract.command.low

    @property
    def high(self) -> tuple[float, ...]:
        return self.action_high or self.contract.command.high

    @property
    def rate(self) -> float:
        return self.control_rate or self.contract.control_rate


class Mode(enum.Enum):
    """What the last tick did."""

    RUN = 'run'                  # policy output, clamped
    EXPIRED = 'expired'          # policy outlived valid_for_steps: kept running (on_expired)
    NO_POLICY = 'no_policy'      # no valid policy yet: publish nothing (see ``tick``)
    NO_OBSERVATION = 'no_obs'    # an observation block never received: publish nothing
    STALE = 'stale'              # an input is older than obs_timeout (or expired + hold)
    FAULT = 'fault'              # the policy produced a non-finite action: hold


@dataclass(frozen=True)
class ActivePolicy:
    policy: MlpPolicy
    generation: int
    generator_id: str
    task: str
    received_at: float
    expires_at: float = float('inf')
    # raw observations the policy was trained on (training_range.widened); None: unknown
    bounds: tuple[np.ndarray, np.ndarray] | None = None


class PolicyController:
    """Owns the current policy and the observation; ``tick`` returns the command to send."""

    def __init__(self, config: ControllerConfig):
        self.config = config
        self.contract = config.contract
        self.obs = ObservationBuilder(self.contract)
        # float64: the command message is float64, and 0.512 as float32 is 0.51200002
        self._low = np.asarray(config.low, np.float64)
        self._high = np.asarray(config.high, np.float64)
        # Position targets hold where the joints are; velocity-like commands hold at zero,
        # so they need no joint feedback.
        self._position = self.contract.command.interface == 'position'
        self._resolution = self.contract.obs_resolution()
        self._active: ActivePolicy | None = None
        self.rejected = 0
        self.swaps = 0
        self.faults = 0
        self.out_of_range = 0  # ticks whose observation left the training range
        self.last_obs: np.ndarray | None = None  # the latest such observation
        # (observation, policy, outside?) of the last training-range check: ``tick`` checks
        # an observation once per policy (it is rebuilt only when an input updates)
        self._range_checked: tuple[Any, Any, bool] = (None, None, False)

    @property
    def active(self) -> ActivePolicy | None:
        return self._active

    def offer_policy(self, msg: Any, now: float) -> ActivePolicy:
        """Validate a PolicyWeights message and make it current, or raise ``InvalidPolicy``."""
        try:
            if msg.action_names:  # empty: a hand-made policy in the robot's own order
                problem = self.contract.policy_mismatch(msg.obs_names, msg.action_names)
                if problem:
                    raise InvalidPolicy(problem)
            sizes = [int(s) for s in msg.layer_sizes]
            if len(sizes) >= 2 and flops_per_step(sizes) > self.config.max_policy_flops:
                raise InvalidPolicy(f'policy {sizes} costs {flops_per_step(sizes):,} FLOPs a '
                                    f'step, over the budget of {self.config.max_policy_flops:,}')
            current = self._active
            if current is not None and msg.generator_id == current.generator_id:
                if msg.generation <= current.generation:
                    raise InvalidPolicy(f'generation {msg.generation} is not newer than '
                                        f'{current.generation} from the same generator')
                if msg.generation - current.generation > self.config.max_generation_jump:
                    raise InvalidPolicy(f'generation jumps from {current.generation} to '
                                        f'{msg.generation} (more than '
                                        f'{self.config.max_generation_jump}): not the generator')
            policy = policy_from_msg(msg, self.contract.obs_names, self.contract.act_dim)
            self._check_forward_time(policy)
        except InvalidPolicy:
            self.rejected += 1
            raise
        valid = int(msg.valid_for_steps)
        expires = (now + self.config.expiry_factor * valid / self.contract.policy_rate
                   if valid > 0 else float('inf'))
        bounds = widened(np.frombuffer(msg.obs_low, np.float32),
                         np.frombuffer(msg.obs_high, np.float32), self._resolution)
        self._active = ActivePolicy(policy, int(msg.generation), msg.generator_id, msg.task,
                                    now, expires, bounds)
        self.swaps += 1
        return self._active

    def outside_training(self, obs: np.ndarray) -> tuple[str, ...]:
        """Observation entries outside the active policy's training range (widened)."""
        active = self._active
        if active is None or obs is None:
            return ()
        return outside(obs, active.bounds, self.contract.obs_names)

    def _check_forward_time(self, policy: MlpPolicy, runs: int = 5) -> None:
        obs = self.obs.observation()
        obs = np.zeros(len(self.contract.obs_names), np.float32) if obs is None else obs
        times = []
        with np.errstate(all='ignore'):
            for _ in range(runs):
                t0 = time.perf_counter()
                policy.act(obs)
                times.append(time.perf_counter() - t0)
        budget = self.config.forward_budget / self.config.rate
        if sorted(times)[runs // 2] > budget:
            raise InvalidPolicy(f'policy forward takes {sorted(times)[runs // 2] * 1e3:.3f} ms,'
                                f' over {budget * 1e3:.3f} ms ({self.config.forward_budget:.0%} '
                                f'of the {1e3 / self.config.rate:.1f} ms control period)')

    def _hold(self, fresh_joints: bool) -> np.ndarray | None:
        # Hold where the joints last were; if they are stale too, stay silent and let the
        # position controller keep its last target. A velocity interface holds by commanding
        # zero (within the limits).
        if not self._position:
            return np.clip(np.zeros(len(self._low)), self._low, self._high)
        if not fresh_joints:
            return None
        return np.clip(self.obs.joints.astype(np.float64), self._low, self._high)

    def tick(self, now: float) -> tuple[np.ndarray | None, Mode]:
        """Return the command to send now (None: publish nothing) and the reason.

        Every command returned is finite and within the limits.

        Kept to what must happen every tick: the observation is concatenated once per
        input update (``ObservationBuilder.latest``), the training-range check runs once
        per new observation or policy (its verdict still counts every tick), and the
        finiteness check and the clamp use the fewest numpy calls, since at 1 kHz each
        small-array call costs about a microsecond of the period.
        """
        obs_in = self.obs
        obs = obs_in.latest()
        if obs is None or (self._position and obs_in.joints is None):
            return None, Mode.NO_OBSERVATION
        joints_age, oldest_age = obs_in.ages(now)
        config = self.config  # read once: a parameter change swaps the whole config
        fresh_joints = joints_age <= config.obs_timeout or not self._position
        if oldest_age > config.obs_timeout or not fresh_joints:
            return self._hold(fresh_joints), Mode.STALE
        active = self._active  # read the box once: a swap mid-tick cannot tear the policy
        if active is None:
            # Silent, not a hold command: a position controller keeps the target it was
            # activated with, and a sim waiting for its first command stays paused until a
            # policy is really running (the episode does not start while a model loads).
            return None, Mode.NO_POLICY
        mode = Mode.RUN
        if now > active.expires_at:
            if config.on_expired == 'hold':
                return self._hold(True), Mode.STALE
            mode = Mode.EXPIRED
        b = active.bounds
        if b is not None:
            checked = self._range_checked
            if checked[0] is not obs or checked[1] is not active:
                checked = (obs, active, bool(((obs < b[0]) | (obs > b[1])).any()))
                self._range_checked = checked
            if checked[2]:
                self.out_of_range += 1  # still run: the diagnostics name the entries
                self.last_obs = obs
        with np.errstate(all='ignore'):  # overflow to inf is caught below, not warned
            action = active.policy.act(obs)
        if not all(map(math.isfinite, action.tolist())):
            self.faults += 1
            return self._hold(True), Mode.FAULT
        # np.clip of the float64 copy, in two ufuncs (float32 promotes to float64 exactly)
        return np.minimum(np.maximum(action, self._low), self._high), mode
