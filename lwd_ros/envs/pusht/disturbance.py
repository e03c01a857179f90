# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Kick the T mid-episode: the disturbance test the LWD reviewers asked for.

A policy that only replays an open-loop plan cannot recover when the block is moved under
it; a closed-loop policy can. ``BlockKick`` teleports the block by a random translation and
rotation at fixed policy steps (the pusher, its velocity and its target stay as they were),
so every method sees the same kicks for the same seed. A kick that would put the T through a
wall or onto the pusher is redrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from lwd_ros.envs.pusht.env import placeable


@dataclass
class KickConfig:
    """When and how hard the block is kicked (``config/envs/pusht_disturbance.yaml``).

    Args:
        steps: policy steps (after ``env.step``) at which the block is moved.
        translation: metres the block's origin moves, in a uniformly random direction.
        rotation: the block turns by a uniform angle in ``[-rotation, rotation]`` rad.
        clearance: metres kept between the moved T and the pusher.
        seed_offset: kicks of episode seed ``s`` draw from ``seed + seed_offset``.
    """

    steps: tuple[int, ...] = (20, 50)
    translation: float = 0.04
    rotation: float = 0.5
    clearance: float = 0.005
    seed_offset: int = 10_000

    def __post_init__(self):
        self.steps = tuple(int(s) for s in self.steps)
        if any(s < 1 for s in self.steps):
            raise ValueError(f'kick steps {self.steps} must be >= 1')
        if self.translation < 0 or self.rotation < 0:
            raise ValueError('kick translation and rotation must be >= 0')


class BlockKick(gym.Wrapper):
    """Wrap a PushT env; ``info['kicked']`` is true on the steps the block was moved."""

    MAX_DRAWS = 100

    def __init__(self, env: gym.Env, config: KickConfig | None = None):
        super().__init__(env)
        self.config = config or KickConfig()
        self._rng = np.random.default_rng(self.config.seed_offset)
        self._t = 0
        self.kicks = 0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self._t = 0
        if seed is not None:
            self._rng = np.random.default_rng(seed + self.config.seed_offset)
        return self.env.reset(seed=seed, options=options)

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._t += 1
        info = {**info, 'kicked': False}
        pose = None
        if self._t in self.config.steps and not (terminated or truncated):
            pose = self._draw_kick()
        if pose is not None:
            env = self.env.unwrapped
            obs, info = env.move_block(pose)
            info['kicked'] = True
            reward, terminated = env.reward(info['coverage']), info['success']
            self.kicks += 1
        return obs, reward, terminated, truncated, info

    def _draw_kick(self) -> np.ndarray | None:
        """A new block pose, or None if no admissible kick was found (no kick this time)."""
        sim, cfg = self.env.unwrapped.sim, self.config
        pose, agent = sim.block_pose(), sim.agent_xy()
        for _ in range(self.MAX_DRAWS):
            heading = self._rng.uniform(-np.pi, np.pi)
            new = pose + np.r_[cfg.translation * np.cos(heading),
                               cfg.translation * np.sin(heading),
                               self._rng.uniform(-cfg.rotation, cfg.rotation)]
            new[2] = np.mod(new[2], 2 * np.pi)
            if placeable(new, agent, cfg.clearance):
                return new
        return None
