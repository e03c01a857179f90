# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A 2-D reaching task with two ways around an obstacle: for tests, smoke runs and examples.

It follows the env contract of ``lwd_ros.evaluation.rollout`` (``reset(seed,
options={'task'})``, target-position actions, ``info['coverage'|'success'|'task']``,
``unwrapped.tasks``) at a fraction of the cost, and its demonstrations are bimodal: from
the same start the expert passes above or below a disc obstacle. Averaging the two modes
(what a single-step MSE policy is pulled towards near the start) drives into the obstacle;
committing to one mode does not.

Observation ``[x, y]`` (metres); action: target position ``[x, y]``; each step the point
moves towards the target by at most ``MAX_STEP``. Tasks are goal positions. Importing this
module registers it as ``lwd_ros/ToyReach-v0`` (e.g. ``lwd eval --robot lwd_ros/ToyReach-v0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym
from gymnasium import spaces
import numpy as np

from lwd_ros.config import load_config
from lwd_ros.data.episode import Episode
from lwd_ros.envs.toy.spec import SUCCESS_RADIUS, TOY_ID
from lwd_ros.experiment import LwdConfig

GOALS = {'high': np.array([0.8, 0.25]), 'low': np.array([0.8, -0.25])}
OBSTACLE_RADIUS = 0.3
MAX_STEP = 0.1


class ToyReachEnv(gym.Env):
    """Point mass reaching a goal around a disc at the origin (module docstring)."""

    metadata = {'render_modes': ['rgb_array'], 'render_fps': 10}

    def __init__(self, max_episode_steps: int = 60, render_mode: str | None = 'rgb_array'):
        self.max_episode_steps = max_episode_steps
        self.render_mode = render_mode
        self.tasks = tuple(GOALS)
        self.task = self.tasks[0]
        self.observation_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.action_space = spaces.Box(-1.0, 1.0, (2,), np.float32)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if (options or {}).get('task') is not None:
            if options['task'] not in GOALS:
                raise ValueError(f"unknown task {options['task']!r}; valid: {self.tasks}")
            self.task = options['task']
        self.pos = np.array([-0.8, 0.0]) + self.np_random.uniform(-0.05, 0.05, 2)
        self._d0 = float(np.linalg.norm(GOALS[self.task] - self.pos))
        self._t = 0
        return self.pos.astype(np.float32), self._info()

    def _info(self) -> dict[str, Any]:
        d = float(np.linalg.norm(GOALS[self.task] - self.pos))
        return {'coverage': float(np.clip(1.0 - d / self._d0, 0.0, 1.0)),
                'success': d < SUCCESS_RADIUS, 'task': self.task}

    def step(self, action: np.ndarray):
        move = np.asarray(action, np.float64) - self.pos
        norm = np.linalg.norm(move)
        self.pos = self.pos + (move * min(1.0, MAX_STEP / norm) if norm > 0 else 0.0)
        r = np.linalg.norm(self.pos)
        if r < OBSTACLE_RADIUS:  # blocked: stay on the disc's rim
            self.pos = self.pos * (OBSTACLE_RADIUS / max(r, 1e-9))
        self._t += 1
        info = self._info()
        truncated = self._t >= self.max_episode_steps and not info['success']
        return self.pos.astype(np.float32), info['coverage'], info['success'], truncated, info

    def render(self) -> np.ndarray:
        """A 64x64 RGB frame: point white, goal green, obstacle grey."""
        img = np.zeros((64, 64, 3), np.uint8)
        yy, xx = np.mgrid[0:64, 0:64]
        wx, wy = (xx - 32) / 32.0, (32 - yy) / 32.0
        img[wx ** 2 + wy ** 2 < OBSTACLE_RADIUS ** 2] = 128
        g = GOALS[self.task]
        img[(wx - g[0]) ** 2 + (wy - g[1]) ** 2 < 0.003] = (0, 200, 0)
        img[(wx - self.pos[0]) ** 2 + (wy - self.pos[1]) ** 2 < 0.003] = 255
        return img


if TOY_ID not in gym.registry:
    gym.register(TOY_ID, entry_point=ToyReachEnv, disable_env_checker=True)


def expert_action(pos: np.ndarray, goal: np.ndarray, side: float) -> np.ndarray:
    """Go to a waypoint above (``side=1``) or below (``-1``) the obstacle, then to the goal."""
    waypoint = np.array([0.0, side * (OBSTACLE_RADIUS + 0.15)])
    target = waypoint if pos[0] < -0.02 else goal
    move = target - pos
    return pos + move * min(1.0, MAX_STEP / max(np.linalg.norm(move), 1e-9))


def toy_demonstrations(num_episodes: int, seed: int = 0, noise: float = 0.005) -> list[Episode]:
    """Expert episodes, tasks alternating, side (mode) random per episode."""
    rng = np.random.default_rng(seed)
    env, episodes = ToyReachEnv(), []
    for i in range(num_episodes):
        task = env.tasks[i % len(env.tasks)]
        obs, _ = env.reset(seed=seed * 100003 + i, options={'task': task})
        side = rng.choice([-1.0, 1.0])
        observations, actions = [obs], []
        for _ in range(env.max_episode_steps):
            act = expert_action(env.pos, GOALS[task], side) + rng.normal(0, noise, 2)
            obs, _, terminated, truncated, _ = env.step(act)
            observations.append(obs)
            actions.append(act)
            if terminated or truncated:
                break
        episodes.append(Episode(np.array(observations), np.array(actions), task,
                                seed=seed * 100003 + i, success=bool(terminated)))
    return episodes


def toy_config(overrides: Sequence[str] = ()) -> LwdConfig:
    """``config/train/toy.yaml``: seconds of training."""
    return load_config(LwdConfig, 'config/train/toy.yaml', list(overrides))
