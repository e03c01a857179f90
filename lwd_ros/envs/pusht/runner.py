# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Episode logic of the sim bridge: commands in, physics steps, episode status out.

The bridge node only moves data between topics and this object, so the behaviour a robot
user relies on (what happens to a NaN command, when an episode ends, which seed comes next)
is testable without ROS. Initial states come from ``PushTEnv.reset(seed)``, so an episode
driven through ROS starts exactly where ``lwd eval`` starts for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from lwd_ros.config import check, load_config
from lwd_ros.envs.pusht.config import PushTConfig
from lwd_ros.envs.pusht.env import PushTEnv


@dataclass
class RunnerConfig:
    """What the bridge does between commands.

    Args:
        env_config: PushT YAML (physics, tasks); relative paths resolve to shipped configs.
        seed: seed of the first episode; each automatic reset takes the next one.
        task: initial task (goal pose name).
        command_timeout: sim seconds after which a silent command stream is reported stale
            (the last target is kept: a position servo holds still).
        command_period: sim seconds between command samples; 0 applies the newest command
            every physics step, ``0.1`` reproduces ``PushTEnv``'s 10 Hz zero-order hold.
        auto_reset: start the next episode when one ends.
        max_episodes: stop after this many episodes (0: run forever).
        wait_for_command: each episode's clock starts with the first command after its
            reset, so a policy that takes seconds to load, or a teleoperator slow to plan
            its first move, does not lose the start of the episode (a real robot also stands
            still until its controller is up). As the shared ``lwd_ros.envs.runner`` does.
    """

    env_config: str = 'config/envs/pusht.yaml'
    seed: int = 0
    task: str = 'classic'
    command_timeout: float = 0.5
    command_period: float = 0.0
    auto_reset: bool = True
    max_episodes: int = 0
    wait_for_command: bool = False

    def __post_init__(self):
        check(self.command_timeout > 0, 'command_timeout', self.command_timeout,
              'must be > 0 s')
        check(self.command_period >= 0, 'command_period', self.command_period,
              'must be >= 0 s (0: every step)')
        check(self.max_episodes >= 0, 'max_episodes', self.max_episodes,
              'must be >= 0 (0: never stop)')


@dataclass
class BridgeConfig(RunnerConfig):
    """The ``mujoco_bridge`` node's parameters: the runner's plus how it meets ROS.

    Args:
        real_time_factor: sim speed relative to wall time (> 1 runs faster, with /clock).
        physics_steps_per_tick: physics steps per timer tick.
        publish_clock: publish ``/clock`` from the sim, so ``use_sim_time`` nodes follow it.
        frame_id: frame of the published poses.
        video_path: write episode videos here (``.mp4``/``.gif``; '' = none).
        video_size: video frame size in pixels (square).
    """

    real_time_factor: float = 1.0
    physics_steps_per_tick: int = 1
    publish_clock: bool = True
    frame_id: str = 'world'
    video_path: str = ''
    video_size: int = 256

    def __post_init__(self):
        super().__post_init__()
        check(self.real_time_factor > 0, 'real_time_factor', self.real_time_factor,
              'must be > 0')
        check(self.physics_steps_per_tick >= 1, 'physics_steps_per_tick',
              self.physics_steps_per_tick, 'must be >= 1')
        check(self.video_size >= 16, 'video_size', self.video_size, 'must be >= 16 px')

    def runner(self) -> RunnerConfig:
        return RunnerConfig(**{f.name: getattr(self, f.name) for f in fields(RunnerConfig)})


@dataclass
class EpisodeState:
    episode: int = 0
    seed: int = 0
    task: str = ''
    step: int = 0
    coverage: float = 0.0
    max_coverage: float = 0.0
    success: bool = False
    done: bool = False


class SimRunner:
    """Steps ``PushTEnv``'s simulator one physics step at a time, holding the newest command."""

    def __init__(self, config: RunnerConfig):
        self.config = config
        self.env = PushTEnv(config=load_config(PushTConfig, config.env_config))
        self.sim = self.env.sim
        self.frame_skip = self.env.config.frame_skip
        self.max_steps = self.env.config.max_episode_steps
        self.state = EpisodeState(seed=config.seed - 1, task=self.env.check_task(config.task))
        self._pending: np.ndarray | None = None
        self._command_time = 0.0
        self._next_sample = 0.0
        self._physics_steps = 0
        self.stale = False
        self.waiting = config.wait_for_command
        self._time_base = 0.0  # sim seconds of the episodes before this one

    @property
    def tasks(self) -> tuple[str, ...]:
        return self.env.tasks

    @property
    def sim_time(self) -> float:
        """Simulated seconds since start, across episodes: /clock never runs backwards."""
        return self._time_base + self.sim.time

    @property
    def finished(self) -> bool:
        """All ``max_episodes`` episodes are done."""
        n = self.config.max_episodes
        return n > 0 and self.state.episode >= n and self.state.done

    def reset(self, seed: int | None = None, task: str | None = None) -> EpisodeState:
        """Start a new episode (next seed by default); raises ValueError on an unknown task."""
        task = self.env.check_task(task or self.state.task)
        seed = self.state.seed + 1 if seed is None or seed < 0 else int(seed)
        # MuJoCo restarts its time at every reset; the new episode starts one physics step
        # after the last one ended, so no stamp names two different states.
        if self.state.episode:
            self._time_base += self.sim.time + self.sim.model.opt.timestep
        _, info = self.env.reset(seed=seed, options={'task': task})
        self.state = EpisodeState(episode=self.state.episode + 1, seed=seed, task=task,
                                  coverage=info['coverage'], max_coverage=info['coverage'])
        self._pending, self._physics_steps, self._next_sample = None, 0, 0.0
        self._command_time, self.stale = self.sim.time, False
        self.waiting = self.config.wait_for_command
        return self.state

    def set_task(self, task: str) -> None:
        """Move the goal mid-episode (a task switch); raises ValueError naming valid tasks."""
        self.env.set_task(task)
        self.state.task = task

    def command(self, target) -> str | None:
        """Queue a pusher target; returns why it was ignored or clamped, None if taken as is."""
        target = np.asarray(target, np.float64).ravel()
        if target.shape != (2,):
            return f'command needs 2 entries (one per joint), got {target.size}; ignored'
        if not np.isfinite(target).all():
            return f'command {target.tolist()} is not finite; ignored'
        low, high = self.env.action_space.low, self.env.action_space.high
        clipped = np.clip(target, low, high)
        self._pending, self._command_time = clipped, self.sim.time
        self.waiting = False
        if not np.array_equal(clipped, target):
            return f'command {target.tolist()} outside [{low.tolist()}, {high.tolist()}]; clamped'
        return None

    def step(self) -> bool:
        """Advance physics by one timestep; True when that completed a policy step.

        Nothing moves while ``waiting`` for the first command.
        """
        if self.state.done or self.waiting:
            return False
        if self._pending is not None and self.sim.time + 1e-9 >= self._next_sample:
            self.sim.set_target(self._pending)
            self._next_sample = self.sim.time + self.config.command_period
        self.stale = self.sim.time - self._command_time > self.config.command_timeout
        self.sim.step_physics(1)
        self._physics_steps += 1
        if self._physics_steps % self.frame_skip:
            return False
        s = self.state
        s.step += 1
        s.coverage = self.sim.coverage()
        s.max_coverage = max(s.max_coverage, s.coverage)
        s.success = s.coverage > self.env.config.success_threshold
        s.done = s.success or s.step >= self.max_steps
        return True
