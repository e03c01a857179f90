# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Push the object and the robot mid-episode: the perturbation test of the LWD paper's claim.

The paper claims that generated closed-loop policies stay robust under perturbations and at
long action horizons. A policy that replays a plan open loop cannot recover when the object
or the arm is moved under it; a closed-loop MLP can, if it learnt to act from the states it
is pushed into. ``Pushes`` moves the object by ``object`` metres in a random planar direction
and displaces every joint of the robot by up to ``robot`` (command units, rad for an arm) at
fixed policy steps, so every method sees the same pushes for the same reset seed. The env
does the moving (``push(object_xy, robot)``: a sim knows its own state layout; it returns
None for a push it cannot place, which is drawn again); an env without it cannot be pushed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np


@dataclass
class PushConfig:
    """When and how hard an episode is pushed.

    Args:
        steps: policy steps (after ``env.step``) at which the pushes happen.
        object: metres the object moves, in a uniformly random direction (0: not pushed).
        robot: every joint moves by a uniform offset in ``[-robot, robot]`` (command units;
            0: not pushed); its velocity is zeroed, as after a shove that the drives caught.
        seed_offset: pushes of episode seed ``s`` draw from ``s + seed_offset``.
    """

    steps: tuple[int, ...] = (30, 60)
    object: float = 0.0
    robot: float = 0.0
    seed_offset: int = 20_000

    def __post_init__(self):
        self.steps = tuple(int(s) for s in self.steps)
        if any(s < 1 for s in self.steps):
            raise ValueError(f'push steps {self.steps} must be >= 1')
        if self.object < 0 or self.robot < 0:
            raise ValueError(f'push strengths must be >= 0 (object {self.object}, robot '
                             f'{self.robot})')


class Pushes(gym.Wrapper):
    """Wrap an env that has ``push``; ``info['pushed']`` is true on the steps it was pushed."""

    MAX_DRAWS = 100  # a push the env refuses (``None``: e.g. into a wall) is drawn again

    def __init__(self, env: gym.Env, config: PushConfig):
        if not callable(getattr(env.unwrapped, 'push', None)):
            raise ValueError(f'{env.unwrapped.__class__.__name__} cannot be pushed (no push '
                             'method)')
        super().__init__(env)
        self.config = config
        self._rng = np.random.default_rng(config.seed_offset)
        self._t = 0
        self.pushes = 0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self._t = 0
        if seed is not None:
            self._rng = np.random.default_rng(seed + self.config.seed_offset)
        return self.env.reset(seed=seed, options=options)

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._t += 1
        info = {**info, 'pushed': False}
        cfg = self.config
        if self._t in cfg.steps and (cfg.object or cfg.robot) and not (terminated or truncated):
            n = self.env.action_space.shape[0]
            for _ in range(self.MAX_DRAWS):
                heading = self._rng.uniform(-np.pi, np.pi)  # both drawn: same pushes per seed
                offsets = self._rng.uniform(-1.0, 1.0, n)
                pushed = self.env.unwrapped.push(
                    cfg.object * np.array([np.cos(heading), np.sin(heading)]),
                    cfg.robot * offsets)
                if pushed is not None:
                    obs, reward, terminated, info = pushed
                    info = {**info, 'pushed': True}
                    self.pushes += 1
                    break
        return obs, reward, terminated, truncated, info
