# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A human teleoperator's imperfections on a scripted expert: what a lab's own bag looks like.

A lab records 50-200 demonstrations by hand, not by an MPC: its commands wander slowly around
what the operator means, stop now and then while the operator looks or thinks, and some
episodes fail and are left in. Unlike DART (``action_noise``), the dataset records what was
*executed*: a bag holds the commands the robot got, nothing cleaner. ``Operator`` turns a
scripted expert into such a demonstrator, so the sim-free benchmark (issue 33) trains on data
shaped like a lab's while the sim only evaluates:

- ``drift``: AR(1) noise with stationary std ``drift`` (command units) and coefficient
  ``smoothness``: a hand's slow wander, not white jitter;
- ``hesitation``: the probability per step that the operator pauses, holding the last
  command for ``pause_steps`` steps (a position target: the robot stops);
- failures stay in the dataset when ``lwd collect --include-failures`` keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Operator:
    """How a simulated operator deviates from the expert (module docstring).

    Args:
        drift: stationary std of the slow command noise, in command units (0: none).
        smoothness: its AR(1) coefficient in [0, 1): 0.95 wanders over ~20 steps.
        hesitation: probability per step of starting a pause (0: never).
        pause_steps: shortest and longest pause, in policy steps.
    """

    drift: float = 0.0
    smoothness: float = 0.95
    hesitation: float = 0.0
    pause_steps: tuple[int, int] = (3, 10)

    def __post_init__(self):
        lo, hi = self.pause_steps
        if self.drift < 0 or not 0 <= self.smoothness < 1 or not 0 <= self.hesitation < 1 \
                or not 1 <= lo <= hi:
            raise ValueError(f'operator: drift >= 0, smoothness in [0, 1), hesitation in '
                             f'[0, 1) and 1 <= pause_steps[0] <= pause_steps[1] (got '
                             f'{self.drift}, {self.smoothness}, {self.hesitation}, '
                             f'{self.pause_steps})')

    @property
    def active(self) -> bool:
        return self.drift > 0 or self.hesitation > 0

    def episode(self, seed: int, act_dim: int) -> OperatorEpisode:
        """The operator for one episode: a pure function of ``seed``."""
        return OperatorEpisode(self, np.random.default_rng([seed, 0x0E7]), act_dim)


class OperatorEpisode:
    """``executed = step(meant)``, one call per policy step (``Operator`` has the model)."""

    def __init__(self, model: Operator, rng: np.random.Generator, act_dim: int):
        self.model, self.rng = model, rng
        self.noise = rng.standard_normal(act_dim) * model.drift
        self.held: np.ndarray | None = None
        self.pause_left = 0
        self.pauses = 0

    def step(self, meant: np.ndarray) -> np.ndarray:
        m = self.model
        rho = m.smoothness
        self.noise = rho * self.noise + np.sqrt(1 - rho ** 2) * m.drift * \
            self.rng.standard_normal(self.noise.shape)
        if self.pause_left == 0 and self.held is not None and self.rng.random() < m.hesitation:
            self.pause_left = int(self.rng.integers(m.pause_steps[0], m.pause_steps[1] + 1))
            self.pauses += 1
        if self.pause_left > 0:
            self.pause_left -= 1
            return self.held.copy()
        self.held = np.asarray(meant, np.float64) + self.noise
        return self.held.copy()
