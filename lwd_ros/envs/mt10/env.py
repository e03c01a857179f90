# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd_ros/MT10-v0``: MetaWorld's MT10 tasks on one Sawyer arm, one gymnasium env.

## Tasks
The ten MT10 tasks (``spec.TASKS``; ``env.unwrapped.tasks``), one per episode with
``reset(options={'task': name})``; the last one is kept otherwise. Each task is MetaWorld's
goal-observable v3 env; they are built on first use and kept.

## Starting state
MetaWorld's random object and goal positions for the task, drawn from the reset ``seed``
(the same seed gives the same scene; MT10's fixed 50 variants are not used, so evaluation
seeds are scenes no demonstration saw).

## Observation space
``Box(-inf, inf, (10,), float64)``: hand ``x, y, z`` (m), gripper opening (0 closed .. 1
open), the task object's ``x, y, z`` and the goal's ``x, y, z`` (m), world frame: the
entries of MetaWorld's 39-D observation its scripted experts read (``spec`` docstring).
``info['raw_obs']`` is the full 39-D vector.

## Action space
``Box(-1, 1, (4,), float32)``: end-effector displacement (x ``ACTION_SCALE`` m per step) and
gripper effort.

## Episode end
Terminates on ``info['success']``; truncated after ``MAX_EPISODE_STEPS`` (500). Rewards are
MetaWorld's v2 shaped rewards.
"""

from __future__ import annotations

from typing import Any
import warnings

from gymnasium import spaces
import numpy as np

from lwd_ros.envs.mt10.spec import MAX_EPISODE_STEPS, MT10, TASKS
from lwd_ros.envs.task_env import TaskEnv

# indices of the spec's observation in MetaWorld's 39-D vector
RAW_INDEX = np.r_[0:3, 3, 4:7, 36:39]


def make_task_env(task: str, render_mode: str | None = None, camera: str = 'corner2',
                  size: int = 240) -> Any:
    """One MetaWorld v3 env, goal observable, its scene drawn from ``seed()`` at reset."""
    from metaworld.env_dict import ALL_V3_ENVIRONMENTS

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        env = ALL_V3_ENVIRONMENTS[task](render_mode=render_mode, camera_name=camera,
                                        width=size, height=size)
    env._partially_observable = False  # the goal is part of the observation
    env._freeze_rand_vec = False       # a new scene each reset ...
    env.seeded_rand_vec = True         # ... drawn from the env's own seeded generator
    env._set_task_called = True
    del env.sawyer_observation_space   # recomputed with the goal visible
    return env


class MT10Env(TaskEnv):
    """The ten MT10 tasks behind one env; see the module docstring for spaces and units.

    Args:
        render_mode: ``None`` or ``'rgb_array'`` (headless via EGL or OSMesa).
        task: the initial task (default the first).
        camera: MetaWorld camera for ``render``.
        size: rendered image side in pixels.
    """

    metadata = {'render_modes': ['rgb_array'], 'render_fps': int(MT10.policy_rate)}
    TASKS, LABEL = TASKS, 'MT10'

    def __init__(self, render_mode: str | None = None, task: str | None = None,
                 camera: str = 'corner2', size: int = 240):
        self.render_mode = self.check_render_mode(render_mode)
        self._camera, self._size = camera, size
        self._envs: dict[str, Any] = {}
        self._task = self.check_task(task or TASKS[0])
        self._steps = 0
        self.action_space = spaces.Box(-1.0, 1.0, (4,), np.float32)
        self.observation_space = spaces.Box(-np.inf, np.inf, (len(RAW_INDEX),), np.float64)

    @property
    def sawyer(self) -> Any:
        """The MetaWorld env of the current task."""
        if self._task not in self._envs:
            self._envs[self._task] = make_task_env(self._task, self.render_mode, self._camera,
                                                   self._size)
        return self._envs[self._task]

    def preload(self) -> None:
        """Build every task's MetaWorld env now (~0.1 s each).

        A live task switch then costs a reset, not loading a scene.
        """
        current = self._task
        for task in TASKS:
            self._task = task
            _ = self.sawyer
        self._task = current

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        if options.get('task') is not None:
            self._task = self.check_task(options['task'])
        env = self.sawyer
        env.seed(int(self.np_random.integers(2**31)))
        raw, _ = env.reset()
        self._steps = 0
        return self._obs(raw), self._info(raw, success=False)

    def step(self, action):
        action = np.clip(np.asarray(action, np.float64), -1.0, 1.0)
        raw, reward, _, _, info = self.sawyer.step(action)
        self._steps += 1
        success = bool(info['success'])
        truncated = self._steps >= MAX_EPISODE_STEPS and not success
        return self._obs(raw), float(reward), success, truncated, self._info(raw, success)

    @staticmethod
    def _obs(raw: np.ndarray) -> np.ndarray:
        return np.asarray(raw, np.float64)[RAW_INDEX]

    def _info(self, raw: np.ndarray, success: bool) -> dict[str, Any]:
        # 'coverage' is the harness's per-step progress signal; MetaWorld has only success
        return {'success': success, 'is_success': success, 'coverage': float(success),
                'task': self._task, 'raw_obs': np.asarray(raw, np.float64)}

    def render(self):
        if self.render_mode == 'rgb_array':
            return self.sawyer.render()
        return None

    def close(self):
        for env in self._envs.values():
            env.close()
        self._envs.clear()
