# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Episode logic of the MT10 sim bridge: commands in, policy steps, episode status out.

ROS-free, so what a user relies on (a NaN command, a task switch mid-episode, which seed
comes next) is testable without a graph. Episodes come from ``MT10Env.reset(seed, task)``, so
an episode driven through ROS starts exactly where ``lwd eval`` starts for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import math

import numpy as np

from lwd_ros.envs.mt10.env import MT10Env
from lwd_ros.envs.mt10.spec import MT10, TASKS

ARM_JOINTS = ('right_j0', 'right_j1', 'right_j2', 'right_j3', 'right_j4', 'right_j5',
              'right_j6', 'r_close', 'l_close')  # the Sawyer MJCF's joints
GRIPPER_JOINT = 'gripper'  # the normalised opening (0 closed, 1 open), as a JointState entry


@dataclass
class Mt10BridgeConfig:
    """The ``mujoco_bridge`` node's parameters with ``env: mt10``.

    Args:
        seed: seed of the first episode; each new episode takes the next one.
        task: initial task.
        command_timeout: sim seconds after which a silent command stream counts as stale:
            the arm then gets zero motion (a servo stops when its input stops).
        auto_reset: start the next episode when one ends.
        max_episodes: stop after this many episodes (0: run forever).
        wait_for_command: the first episode starts with the first command.
        real_time_factor: sim speed relative to wall time (with /clock).
        publish_clock: publish ``/clock`` from the sim, so ``use_sim_time`` nodes follow it.
        frame_id: frame of the published poses.
    """

    seed: int = 100000
    task: str = TASKS[0]
    command_timeout: float = 0.25
    auto_reset: bool = True
    max_episodes: int = 0
    wait_for_command: bool = True
    real_time_factor: float = 1.0
    publish_clock: bool = True
    frame_id: str = 'world'

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f'unknown MT10 task {self.task!r}; valid tasks: {list(TASKS)}')
        if self.command_timeout <= 0 or self.max_episodes < 0 or self.real_time_factor <= 0:
            raise ValueError(f'{self.command_timeout=} and {self.real_time_factor=} must be '
                             f'> 0, {self.max_episodes=} >= 0')


@dataclass
class EpisodeState:
    episode: int
    seed: int
    task: str
    step: int = 0
    success: bool = False
    done: bool = False


@dataclass
class Mt10Runner:
    """One MT10 env stepped at the policy rate with the newest command."""

    config: Mt10BridgeConfig
    env: MT10Env = field(default_factory=MT10Env)

    def __post_init__(self):
        self.action = np.zeros(MT10.act_dim)
        self.state = EpisodeState(0, self.config.seed - 1, self.config.task)
        self.sim_time = 0.0
        self._last_command = -math.inf
        self.commanded = False
        self.obs = np.zeros(len(MT10.obs_names))

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
        if len(values) != len(range(*joints.indices(MT10.act_dim))):
            return f'command has {len(values)} values for joints {MT10.action_names[joints]}'
        if not np.isfinite(values).all():
            return 'non-finite command refused'
        self.action[joints] = np.clip(values, -1.0, 1.0)
        self._last_command, self.commanded = self.sim_time, True
        return None

    def reset(self, seed: int | None = None, task: str | None = None) -> EpisodeState:
        """A new episode: the next seed (or ``seed``), the current task (or ``task``)."""
        task = self.env.check_task(task or self.state.task)
        seed = self.state.seed + 1 if seed is None else int(seed)
        self.obs, _ = self.env.reset(seed=seed, options={'task': task})
        self.state = EpisodeState(self.state.episode + 1, seed, task)
        self.action[:] = 0.0
        return self.state

    def set_task(self, task: str) -> EpisodeState:
        """A task switch: the arm gets the new task's scene (a new episode)."""
        return self.reset(task=task)

    def step(self) -> None:
        """One policy step with the newest command (zero motion if it went stale)."""
        action = np.zeros_like(self.action) if self.stale else self.action
        self.obs, _, terminated, truncated, info = self.env.step(action)
        self.sim_time += 1.0 / MT10.policy_rate
        s = self.state
        s.step += 1
        s.success = s.success or bool(info['success'])
        s.done = bool(terminated or truncated)

    def joint_positions(self) -> tuple[list[str], list[float]]:
        """The Sawyer's MJCF joints and the gripper opening, as ``/joint_states`` carries them."""
        qpos = self.env.sawyer.data.qpos
        names = [*ARM_JOINTS, GRIPPER_JOINT]
        return names, [float(v) for v in qpos[:len(ARM_JOINTS)]] + [float(self.obs[3])]

    def points(self) -> dict[str, np.ndarray]:
        """``{topic: xyz}`` of the hand, the task object and the goal (spec order)."""
        blocks = [b for b in MT10.observation if b.kind == 'point']
        index = {n: i for i, n in enumerate(MT10.obs_names)}
        return {b.topic: self.obs[[index[n] for n in b.names]] for b in blocks}
