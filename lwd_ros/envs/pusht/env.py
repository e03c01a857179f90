# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd_ros/PushT-v0``: the Diffusion Policy PushT task in MuJoCo, with named goal poses.

## Description
A round pusher on a 2-DoF XY gantry pushes a T-shaped block onto a goal pose on a table. The
scene is the original PushT (Chi et al. 2023, huggingface/gym-pusht) at 1 px = 1 mm: the same
512 x 512 workspace (0.512 m), T (120 x 30 mm crossbar, 30 x 90 mm stem), pusher radius
(15 mm), classic goal pose, PD gains, 100 Hz physics and 10 Hz control, quasi-static block.
Replaying the same random pushes (60 steps, ~107 mm of block travel), the block ends a
median 0.8 mm / 0.4 degrees (p90 1.7 mm / 1.4 degrees) from a pymunk rebuild of the original
(``bench/bench_pusht.py --fidelity``).

## Tasks
A task is a named goal pose (``TASKS`` / ``config.tasks``; ``env.unwrapped.tasks`` lists
them): ``classic`` (the original goal), ``goal_left`` and ``goal_right``. Pick one per
episode with ``reset(options={'task': name})``; the last one is kept otherwise.

## Action space
``Box(0, 0.512, (2,), float32)``: the pusher target ``(x, y)`` in world metres, held for
``frame_skip`` physics steps (0.1 s) by the gantry's position servos. It is also the command
of the gantry joints ``gantry_x``, ``gantry_y`` (joint position = pusher xy).

## Observation space
``Box((0,) * 5, (0.512,) * 4 + (2 pi,), (5,), float64)``: ``[agent_x, agent_y, block_x,
block_y, block_yaw]``, metres in the world frame (z up) and radians. ``block_x, block_y`` is
the origin of the T's body frame (middle of the crossbar's outer edge, stem along local +y)
and ``block_yaw`` its counter-clockwise angle wrapped to ``[0, 2 pi)`` -- the original's
pymunk body position and angle divided by 1000 (see ``lwd_ros.envs.pusht.geometry``).

## Rewards
``clip(coverage / success_threshold, 0, 1)`` with ``coverage = area(block ∩ goal) /
area(goal)`` computed exactly with shapely, as the original.

## Starting state
Pusher uniform in ``[0.05, 0.45]^2``, block origin uniform in ``[0.1, 0.4]^2``, yaw uniform in
``[-pi, pi)``, rejection-sampled so the T lies inside the walls, the pusher is clear of it and
the episode is not already solved (the original draws integers, a near-uniform angle, and lets
the first physics step resolve overlaps). ``options={'reset_to_state': obs5}`` sets an exact
state. The same seed gives the same initial state.

## Episode end
Terminates when ``coverage > success_threshold`` (0.95); truncated after
``max_episode_steps`` (300) by the registered ``TimeLimit``.

## Info
``coverage``, ``success`` (also ``is_success``), ``task``, ``goal_pose``, ``block_pose``
(unwrapped yaw), ``agent_vel`` (m/s).

## Version history
* v0: initial version.
"""

from __future__ import annotations

from collections.abc import Sequence
import os
from typing import Any

from gymnasium import spaces
import numpy as np

from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht.config import DEFAULT_CONFIG, PushTConfig, load_pusht_config
from lwd_ros.envs.pusht.sim import PushTSim
from lwd_ros.envs.task_env import TaskEnv

WALL_INNER = (0.007, 0.504)  # inner faces of the original's walls, metres


def placeable(block, agent, clearance: float) -> bool:
    """The T at ``block`` lies inside the walls, at least ``clearance`` m from the pusher."""
    corners = geom.to_world(block, geom.T_OUTLINE)
    gap = geom.distance_to_t(block, np.asarray(agent)[None])[0] - geom.AGENT_RADIUS
    return corners.min() > WALL_INNER[0] and corners.max() < WALL_INNER[1] and gap > clearance


class PushTEnv(TaskEnv):
    """PushT with named goal poses; see the module docstring for spaces, units and rewards.

    Args:
        render_mode: ``None`` or ``'rgb_array'`` (headless via EGL or OSMesa).
        config: a ``PushTConfig``, or a YAML path (default: the shipped
            ``config/envs/pusht.yaml``).
        overrides: ``key=value`` strings applied on top of the YAML.
        task: the initial task (default ``config.default_task``).
    """

    metadata = {'render_modes': ['rgb_array'], 'render_fps': 10}
    LABEL = 'PushT'

    def __init__(self, render_mode: str | None = None,
                 config: PushTConfig | str | os.PathLike | None = None,
                 overrides: Sequence[str] = (), task: str | None = None):
        self.check_render_mode(render_mode)
        if not isinstance(config, PushTConfig):
            config = load_pusht_config(DEFAULT_CONFIG if config is None else config, overrides)
        self.config = config
        self.render_mode = render_mode
        self.metadata = {**self.metadata, 'render_fps': round(1.0 / config.control_dt)}
        self.sim = PushTSim(config)
        self._task = self.check_task(task or config.default_task)
        self.sim.set_goal(config.tasks[self._task])
        hi = geom.WORKSPACE
        self.action_space = spaces.Box(0.0, hi, (2,), np.float32)
        self.observation_space = spaces.Box(
            np.zeros(5), np.array([hi, hi, hi, hi, 2 * np.pi]), (5,), np.float64)

    @property
    def tasks(self) -> tuple[str, ...]:
        """Names of the goal poses this env can be reset to."""
        return tuple(self.config.tasks)

    def set_task(self, task: str) -> None:
        """Switch the goal pose mid-episode (a live task switch; ``reset`` keeps it)."""
        self._task = self.check_task(task)
        self.sim.set_goal(self.config.tasks[self._task])

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        if options.get('task') is not None:
            self._task = self.check_task(options['task'])
        self.sim.set_goal(self.config.tasks[self._task])
        if options.get('reset_to_state') is not None:
            state = np.asarray(options['reset_to_state'], np.float64)
            self.sim.reset_state(state[:2], state[2:5])
        else:
            self.sim.reset_state(*self._sample_initial_state())
        return self._get_obs(), self._get_info(self.sim.coverage())

    def _sample_initial_state(self) -> tuple[np.ndarray, np.ndarray]:
        cfg, rng = self.config, self.np_random
        while True:
            agent = rng.uniform(cfg.agent_init_low, cfg.agent_init_high)
            block = np.r_[rng.uniform(cfg.block_init_low, cfg.block_init_high),
                          rng.uniform(-np.pi, np.pi)]
            solved = geom.coverage(block, self.sim.goal_pose) > cfg.success_threshold
            if placeable(block, agent, cfg.reset_clearance) and not solved:
                return agent, block

    def step(self, action):
        self.sim.set_target(np.asarray(action, np.float64))
        self.sim.step_physics(self.config.frame_skip)
        coverage = self.sim.coverage()
        terminated = coverage > self.config.success_threshold
        return self._get_obs(), self.reward(coverage), terminated, False, self._get_info(coverage)

    # The sim bridge's sub-stepping (``lwd_ros.envs.runner``): the newest command acts at every
    # physics step, as the gantry's servo loop takes a controller faster than the policy.

    @property
    def frame_skip(self) -> int:
        """Physics steps per policy step."""
        return self.config.frame_skip

    def physics_step(self, action) -> np.ndarray:
        """One physics step toward the pusher target ``action``; returns the observation."""
        self.sim.set_target(np.asarray(action, np.float64))
        self.sim.step_physics(1)
        return self._get_obs()

    def step_info(self) -> dict[str, Any]:
        """``info`` of the policy step the last ``frame_skip`` physics steps made."""
        return self._get_info(self.sim.coverage())

    def joint_velocities(self) -> np.ndarray:
        """The gantry joints' velocities (m/s), what ``/joint_states`` carries beside positions."""
        return self.sim.joint_velocities()

    def render_frame(self, size: int) -> np.ndarray:
        """An RGB frame ``(size, size, 3)`` from the top camera (the bridge's episode videos)."""
        return self.sim.render(size, size)

    def reward(self, coverage: float) -> float:
        """``clip(coverage / success_threshold, 0, 1)``, the original PushT reward."""
        return float(np.clip(coverage / self.config.success_threshold, 0.0, 1.0))

    def move_block(self, pose) -> tuple[np.ndarray, dict[str, Any]]:
        """Teleport the block to ``pose`` mid-episode (a disturbance); returns (obs, info).

        The pusher keeps its position, velocity and target.
        """
        sim = self.sim
        sim.reset_state(sim.agent_xy(), pose, agent_vel=sim.agent_vel(), target=sim.target)
        return self._get_obs(), self._get_info(sim.coverage())

    def push(self, object_xy, robot, clearance: float = 0.005):
        """Move the T by ``object_xy`` and the pusher by ``robot`` (m); None if not placeable.

        For ``lwd_ros.envs.pushes.Pushes`` (which redraws a push this refuses: the T through
        a wall or onto the pusher). The T comes to rest, the pusher too if it was pushed; its
        target stays where the policy put it. Returns ``(obs, reward, terminated, info)`` of
        the pushed state.
        """
        sim = self.sim
        block = sim.block_pose() + np.r_[np.asarray(object_xy, np.float64), 0.0]
        agent = sim.agent_xy() + np.asarray(robot, np.float64)
        inside = np.all(agent > WALL_INNER[0]) and np.all(agent < WALL_INNER[1])
        if not (inside and placeable(block, agent, clearance)):
            return None
        vel = (0.0, 0.0) if np.any(robot) else sim.agent_vel()
        sim.reset_state(agent, block, agent_vel=vel, target=sim.target)
        obs, info = self._get_obs(), self._get_info(sim.coverage())
        return obs, self.reward(info['coverage']), info['success'], info

    def _get_obs(self) -> np.ndarray:
        # The gantry's soft joint limits can overshoot by micrometres; keep obs in its space.
        return np.clip(self.sim.obs(), self.observation_space.low, self.observation_space.high)

    def _get_info(self, coverage: float) -> dict[str, Any]:
        success = bool(coverage > self.config.success_threshold)
        return {'coverage': coverage, 'success': success, 'is_success': success,
                'task': self._task, 'goal_pose': self.sim.goal_pose,
                'block_pose': self.sim.block_pose(), 'agent_vel': self.sim.agent_vel()}

    def render(self):
        if self.render_mode == 'rgb_array':
            return self.sim.render()
        return None

    def close(self):
        self.sim.close()


PUSHT_ID = 'lwd_ros/PushT-v0'
