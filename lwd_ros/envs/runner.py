# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Episode logic of the sim bridge: commands in, physics steps, episode status out.

Every sim plugin whose gymnasium env keeps the protocol below runs behind ROS with no bridge
code of its own (``lwd_ros.ros.gym_bridge``); this part is ROS-free, so what a user relies on
(a NaN command, a silent controller, which seed comes next) is testable without a graph.

The env protocol:

- observations are the robot contract's observation vector, in its order, without the
  entries of frame blocks (a camera's features, which perception computes from pictures);
- actions are its command vector (one value per commanded joint, contract limits);
- ``reset(seed=..., options={'task': name})`` picks a task (kept otherwise);
  ``env.unwrapped.tasks`` lists them and ``env.unwrapped.task`` is the current one;
- ``info['success']`` every step; ``terminated`` on success, ``truncated`` at the limit;
  ``info['coverage']`` (optional) is a task metric in [0, 1] reported with each step (and
  after ``reset``, where its info has one);
- ``env.unwrapped.preload()`` (optional) loads what task switches need, once at start.

Optional, on ``env.unwrapped``, for what only some sims do:

- ``set_task(name)``: a task switch moves the goal within the running episode; without it a
  switch starts a new episode of that task;
- sub-stepping: ``frame_skip`` (physics steps per policy step), ``physics_step(action) ->
  observation`` (one physics step toward ``action``) and ``step_info()`` (``info`` of the
  policy step ending now). The newest command then acts at every physics step (or every
  ``command_period``), as a robot's servo loop takes a controller faster than the policy;
  a policy step ends after ``frame_skip`` of them, truncated at gymnasium's
  ``max_episode_steps``. Without it one env ``step`` is one physics step;
- ``joint_velocities()``: the commanded joints' velocities, sent in ``JointState`` beside the
  contract's positions (a ``joint_state_broadcaster`` sends both; an expert may read them);
- ``render_frame(size)``: an RGB frame ``(size, size, 3)`` for ``video_path``;
- ``camera_frame(block)``: the picture of a frame block (``kind: image``) in the current
  state, ``(height, width, channels)`` uint8 at the block's ``image_size`` and
  ``encoding``: what the bridge publishes on the block's topic (required for such blocks).

Episodes and markers, the protocol every bridge keeps (``EpisodeStatus``): one status per
policy step, ``episode`` counting resets from 1, ``step`` from 0 at the reset, ``done`` true
on exactly one step; with ``wait_for_command`` the sim is paused after a reset, repeating the
step-0 status, until the first command arrives (a controller still loading its policy, or a
teleoperator slow to plan its first move, does not lose the start of the episode). With
``wait_for_policy`` as well, only a command sent after a policy arrived following the reset
starts the episode: the last episode's policy, still running in the controller, does not
drive the new start (it was generated from another episode's states), so the episode begins
where ``lwd eval`` begins it, whatever the generation latency. A silent command stream holds
by the contract's interface: position targets stay where they were, velocities and efforts
drop to zero. Sim time runs on across episodes (``/clock`` never runs backwards): a new
episode starts one physics step after the last one ended, so no stamp names two states.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

import numpy as np

from lwd_ros.config import check
from lwd_ros.contract import RobotContract
from lwd_ros.observations import get_kind


@dataclass
class SimBridgeConfig:
    """The ``mujoco_bridge`` node's parameters, for every sim plugin.

    Args:
        env_config: the env's own config file (``make_env(config=...)``, for envs that take
            one: physics, tasks; relative paths resolve to shipped configs); '' = its default.
        seed: seed of the first episode; each new episode takes the next one.
        task: initial task; '' = the contract's first.
        command_timeout: sim seconds after which a silent command stream is stale (velocity
            and effort commands then drop to zero; position targets are held).
        command_period: sim seconds between command samples of a sub-stepping env; 0 takes
            the newest command at every physics step (a policy period reproduces the env's
            own zero-order hold).
        auto_reset: start the next episode when one ends.
        max_episodes: stop after this many episodes (0: run forever).
        wait_for_command: each episode starts with the first command after its reset.
        wait_for_policy: ... and only with a command sent after a policy (``lwd/policy``)
            arrived since the reset: a sim graph of a generated policy.
        real_time_factor: sim speed relative to wall time (with /clock).
        physics_steps_per_tick: physics steps per timer tick (each tick publishes the state).
        publish_clock: publish ``/clock`` from the sim, so ``use_sim_time`` nodes follow it.
        frame_id: frame of the published poses and points.
        video_path: write episode videos here (``.mp4``/``.gif``; '' = none; needs the env's
            ``render_frame``).
        video_size: video frame size in pixels (square).
        camera_rate: Hz (sim time) a camera block's frames are published at, as a real
            camera runs (0: every tick; a 200 Hz camera would cost a core in rendering).
    """

    env_config: str = ''
    seed: int = 100000
    task: str = ''
    command_timeout: float = 0.25
    command_period: float = 0.0
    auto_reset: bool = True
    max_episodes: int = 0
    wait_for_command: bool = True
    wait_for_policy: bool = False
    real_time_factor: float = 1.0
    physics_steps_per_tick: int = 1
    publish_clock: bool = True
    frame_id: str = 'world'
    video_path: str = ''
    video_size: int = 256
    camera_rate: float = 30.0

    def __post_init__(self):
        check(self.command_timeout > 0, 'command_timeout', self.command_timeout,
              'must be > 0 s')
        check(self.command_period >= 0, 'command_period', self.command_period,
              'must be >= 0 s (0: every step)')
        check(self.real_time_factor > 0, 'real_time_factor', self.real_time_factor,
              'must be > 0')
        check(self.max_episodes >= 0, 'max_episodes', self.max_episodes,
              'must be >= 0 (0: never stop)')
        check(self.physics_steps_per_tick >= 1, 'physics_steps_per_tick',
              self.physics_steps_per_tick, 'must be >= 1')
        check(self.video_size >= 16, 'video_size', self.video_size, 'must be >= 16 px')
        check(self.camera_rate >= 0, 'camera_rate', self.camera_rate, 'must be >= 0 Hz')


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
    """One gymnasium env stepped physics step by physics step with the newest command.

    Args:
        config: the bridge's settings.
        contract: the robot the env simulates (observation order, command limits).
        env: the env (``lwd_ros.envs.make_env``), keeping the module docstring's protocol.
    """

    def __init__(self, config: SimBridgeConfig, contract: RobotContract, env: Any):
        self.config, self.contract, self.env = config, contract, env
        task = config.task or contract.tasks[0]
        self._check_task(task)
        u = env.unwrapped
        self.substeps = callable(getattr(u, 'physics_step', None))
        self.frame_skip = int(u.frame_skip) if self.substeps else 1
        self.physics_dt = 1.0 / (contract.policy_rate * self.frame_skip)  # sim s
        self.max_steps = getattr(env.spec, 'max_episode_steps', None)  # sub-stepping's limit
        self.live_task_switch = callable(getattr(u, 'set_task', None))
        self.low = np.asarray(contract.command.low)
        self.high = np.asarray(contract.command.high)
        self.position = contract.command.interface == 'position'
        self.action = np.zeros(contract.act_dim)
        self.state = EpisodeState(0, config.seed - 1, task)
        self.sim_time = 0.0
        self._last_command = -math.inf
        self._applied = self.action.copy()  # the command the physics acts on
        self._next_sample = 0.0
        self._physics_steps = 0
        self.commanded = False
        self.policy_ready = not config.wait_for_policy
        self.vector_blocks = [not get_kind(b.kind).frames for b in contract.observation]
        self.vector_names = tuple(n for b, v in zip(contract.observation, self.vector_blocks)
                                  if v for n in b.names)  # the env's observation vector
        self.obs = np.zeros(len(self.vector_names))

    def _check_task(self, task: str) -> None:
        tasks = list(self.env.unwrapped.tasks)
        if task not in tasks:
            raise ValueError(f'unknown task {task!r}; valid tasks: {tasks}')

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
        """A new episode: the next seed (or ``seed`` >= 0), the current task (or ``task``)."""
        task = task or self.state.task
        self._check_task(task)
        seed = self.state.seed + 1 if seed is None or seed < 0 else int(seed)
        self.obs, info = self.env.reset(seed=seed, options={'task': task})
        if self.state.episode:  # the new episode starts a physics step after the last ended
            self.sim_time += self.physics_dt
        coverage = float(info.get('coverage', 0.0))
        self.state = EpisodeState(self.state.episode + 1, seed, task, coverage=coverage,
                                  max_coverage=coverage)
        self.commanded = False
        self.policy_ready = not self.config.wait_for_policy
        self._physics_steps, self._next_sample = 0, self.sim_time
        # Hold semantics before the first command: targets where the joints are, or zero.
        if self.position:  # unobserved joints: mid-range
            q = self.joint_positions()
            q = np.where(np.isnan(q), (self.low + self.high) / 2, q)
            self.action = np.clip(q, self.low, self.high)
        else:
            self.action = np.zeros(self.contract.act_dim)
        self._applied = self.action.copy()
        return self.state

    def policy_arrived(self) -> None:
        """A policy was published (``wait_for_policy``): commands from now on are its."""
        self.policy_ready = True

    def set_task(self, task: str) -> EpisodeState:
        """A task switch: the goal moves within the episode (``env.set_task``) or a new one."""
        if not self.live_task_switch:
            return self.reset(task=task)
        self._check_task(task)
        self.env.unwrapped.set_task(task)
        self.state.task = task
        return self.state

    def step(self) -> bool:
        """One physics step with the newest command; True when it ended a policy step.

        Velocity and effort commands drop to zero when they went stale. Nothing moves while
        ``waiting`` for the first command or once the episode is done.
        """
        if self.state.done or self.waiting:
            return False
        if self.commanded and self.sim_time + 1e-9 >= self._next_sample:  # the newest
            self._applied = self.action.copy()
            self._next_sample = self.sim_time + self.config.command_period
        action = self._applied
        if self.stale and not self.position:
            action = np.zeros_like(action)
        if self.substeps:
            self.obs = self.env.unwrapped.physics_step(action)
            self.sim_time += self.physics_dt
            self._physics_steps += 1
            if self._physics_steps % self.frame_skip:
                return False
            info = self.env.unwrapped.step_info()
            terminated = bool(info['success'])
            truncated = bool(self.max_steps) and self.state.step + 1 >= self.max_steps
        else:
            self.obs, _, terminated, truncated, info = self.env.step(action)
            self.sim_time += self.physics_dt
        s = self.state
        s.step += 1
        s.success = s.success or bool(info['success'])
        s.coverage = float(info.get('coverage', float(info['success'])))
        s.max_coverage = max(s.max_coverage, s.coverage)
        s.done = bool(terminated or truncated)
        return True

    def joint_positions(self) -> np.ndarray:
        """The commanded joints' observed positions (NaN where the contract has none)."""
        feedback = self.contract.position_feedback()
        names = self.vector_names
        return np.array([self.obs[names.index(feedback[i])] if i in feedback else np.nan
                         for i in range(self.contract.act_dim)])

    def blocks(self) -> list[np.ndarray]:
        """The observation, split into one array per contract block: what each topic carries.

        A frame block's array is empty: its topic carries the env's ``camera_frame``.
        """
        out, start = [], 0
        for b, vector in zip(self.contract.observation, self.vector_blocks):
            n = len(b.names) if vector else 0
            out.append(np.asarray(self.obs[start:start + n], np.float64))
            start += n
        return out
