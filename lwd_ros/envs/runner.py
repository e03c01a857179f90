# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Episode logic of the shared sim bridge: commands in, policy steps, episode status out.

Any sim plugin whose gymnasium env keeps the protocol below runs behind ROS with no bridge
code of its own (``lwd_ros.ros.gym_bridge``); this part is ROS-free, so what a user relies on
(a NaN command, a silent controller, which seed comes next) is testable without a graph.

The env protocol:

- observations are the robot contract's observation vector, in its order;
- actions are its command vector (one value per commanded joint, contract limits);
- ``reset(seed=..., options={'task': name})`` picks a task (kept otherwise);
  ``env.unwrapped.tasks`` lists them and ``env.unwrapped.task`` is the current one;
- ``info['success']`` every step; ``terminated`` on success, ``truncated`` at the limit;
  ``info['coverage']`` (optional) is a task metric in [0, 1] reported with each step;
- ``env.unwrapped.preload()`` (optional) loads what task switches need, once at start.

Episodes and markers, the protocol every bridge keeps (``EpisodeStatus``): one status per
policy step, ``episode`` counting resets from 1, ``step`` from 0 at the reset, ``done`` true
on exactly one step; with ``wait_for_command`` the sim is paused after a reset, repeating the
step-0 status, until the first command arrives (a controller still loading its policy
does not lose the start of the episode). With ``wait_for_policy`` as well, only a command
sent after a policy arrived following the reset starts the episode: the last episode's
policy, still running in the controller, does not drive the new start (it was generated
from another episode's states), so the episode begins where ``lwd eval`` begins it, whatever
the generation latency. A silent command stream holds by the contract's
interface: position targets stay where they were, velocities and efforts drop to zero.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

import numpy as np

from lwd_ros.config import check
from lwd_ros.contract import RobotContract


@dataclass
class SimBridgeConfig:
    """The ``mujoco_bridge`` node's parameters for a sim without a bridge of its own.

    Args:
        seed: seed of the first episode; each new episode takes the next one.
        task: initial task; '' = the contract's first.
        command_timeout: sim seconds after which a silent command stream is stale (velocity
            and effort commands then drop to zero; position targets are held).
        auto_reset: start the next episode when one ends.
        max_episodes: stop after this many episodes (0: run forever).
        wait_for_command: each episode starts with the first command after its reset.
        wait_for_policy: ... and only with a command sent after a policy (``lwd/policy``)
            arrived since the reset: a sim graph of a generated policy.
        real_time_factor: sim speed relative to wall time (with /clock).
        publish_clock: publish ``/clock`` from the sim, so ``use_sim_time`` nodes follow it.
        frame_id: frame of the published poses and points.
    """

    seed: int = 100000
    task: str = ''
    command_timeout: float = 0.25
    auto_reset: bool = True
    max_episodes: int = 0
    wait_for_command: bool = True
    wait_for_policy: bool = False
    real_time_factor: float = 1.0
    publish_clock: bool = True
    frame_id: str = 'world'

    def __post_init__(self):
        check(self.command_timeout > 0, 'command_timeout', self.command_timeout,
              'must be > 0 s')
        check(self.real_time_factor > 0, 'real_time_factor', self.real_time_factor,
              'must be > 0')
        check(self.max_episodes >= 0, 'max_episodes', self.max_episodes,
              'must be >= 0 (0: never stop)')


@dataclass
class EpisodeState:
    episode: int
    seed: int
    task: str
    step: int = 0
    success: bool = False
    done: bool = False
    coverage: float = 0.0
    max_coverage: float = 0.0


class SimRunner:
    """One gymnasium env stepped at the policy rate with the newest command.

    Args:
        config: the bridge's settings.
        contract: the robot the env simulates (observation order, command limits).
        env: the env (``lwd_ros.envs.make_env``), keeping the module docstring's protocol.
    """

    def __init__(self, config: SimBridgeConfig, contract: RobotContract, env: Any):
        self.config, self.contract, self.env = config, contract, env
        tasks = tuple(env.unwrapped.tasks)
        task = config.task or contract.tasks[0]
        if task not in tasks:
            raise ValueError(f'unknown task {task!r}; valid tasks: {list(tasks)}')
        self.low = np.asarray(contract.command.low)
        self.high = np.asarray(contract.command.high)
        self.position = contract.command.interface == 'position'
        self.action = np.zeros(contract.act_dim)
        self.state = EpisodeState(0, config.seed - 1, task)
        self.sim_time = 0.0
        self._last_command = -math.inf
        self.commanded = False
        self.policy_ready = not config.wait_for_policy
        self.obs = np.zeros(len(contract.obs_names))

    @property
    def finished(self) -> bool:
        n = self.config.max_episodes
        return n > 0 and self.state.episode >= n and self.state.done

    @property
    def waiting(self) -> bool:
        return self.config.wait_for_command and not self.commanded

    @property
    def stale(self) -> bool:
        return self.sim_time - self._last_command > self.config.command_timeout

    def command(self, joints: slice, values: list[float]) -> str | None:
        """Take (part of) a command; returns why it was refused, or None."""
        values = np.asarray(values, np.float64)
        if len(values) != len(range(*joints.indices(self.contract.act_dim))):
            return (f'command has {len(values)} values for joints '
                    f'{list(self.contract.action_names[joints])}')
        if not np.isfinite(values).all():
            return 'non-finite command refused'
        if not self.policy_ready:
            return None  # the last episode's policy: wait for this episode's
        self.action[joints] = np.clip(values, self.low[joints], self.high[joints])
        self._last_command, self.commanded = self.sim_time, True
        return None

    def reset(self, seed: int | None = None, task: str | None = None) -> EpisodeState:
        """A new episode: the next seed (or ``seed``), the current task (or ``task``)."""
        task = task or self.state.task
        if task not in self.env.unwrapped.tasks:
            raise ValueError(f'unknown task {task!r}; valid tasks: '
                             f'{list(self.env.unwrapped.tasks)}')
        seed = self.state.seed + 1 if seed is None else int(seed)
        self.obs, _ = self.env.reset(seed=seed, options={'task': task})
        if self.state.episode:  # the new episode starts a period after the last one ended:
            self.sim_time += 1.0 / self.contract.policy_rate  # its markers stamp later
        self.state = EpisodeState(self.state.episode + 1, seed, task)
        self.commanded = False
        self.policy_ready = not self.config.wait_for_policy
        # Hold semantics before the first command: targets where the joints are, or zero.
        if self.position:  # unobserved joints: mid-range
            q = self.joint_positions()
            q = np.where(np.isnan(q), (self.low + self.high) / 2, q)
            self.action = np.clip(q, self.low, self.high)
        else:
            self.action = np.zeros(self.contract.act_dim)
        return self.state

    def policy_arrived(self) -> None:
        """A policy was published (``wait_for_policy``): commands from now on are its."""
        self.policy_ready = True

    def set_task(self, task: str) -> EpisodeState:
        """A task switch: a new episode of the new task."""
        return self.reset(task=task)

    def step(self) -> None:
        """One policy step with the newest command (velocity/effort zero if it went stale)."""
        action = self.action
        if self.stale and not self.position:
            action = np.zeros_like(action)
        self.obs, _, terminated, truncated, info = self.env.step(action)
        self.sim_time += 1.0 / self.contract.policy_rate
        s = self.state
        s.step += 1
        s.success = s.success or bool(info['success'])
        s.coverage = float(info.get('coverage', float(info['success'])))
        s.max_coverage = max(s.max_coverage, s.coverage)
        s.done = bool(terminated or truncated)

    def joint_positions(self) -> np.ndarray:
        """The commanded joints' observed positions (NaN where the contract has none)."""
        feedback = self.contract.position_feedback()
        names = self.contract.obs_names
        return np.array([self.obs[names.index(feedback[i])] if i in feedback else np.nan
                         for i in range(self.contract.act_dim)])

    def blocks(self) -> list[np.ndarray]:
        """The observation, split into one array per contract block: what each topic carries."""
        out, start = [], 0
        for b in self.contract.observation:
            out.append(np.asarray(self.obs[start:start + len(b.names)], np.float64))
            start += len(b.names)
        return out
