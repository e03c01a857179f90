# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Noise injected into a demonstrator's *executed* actions, never into the recorded ones (DART).

Laskey et al. 2017 ("DART: Noise Injection for Robust Imitation Learning"): a learner that
copies clean demonstrations drifts off them and meets states no demonstration shows. Perturbing
what the demonstrator executes, while recording what it *meant* to do, puts the demonstrator's
corrections from those off-tube states into the data. It needs nothing but a closed-loop
demonstrator, so it works for the MPC expert here and for a human at a teleop stick alike.

White noise on a position target is mostly filtered out by the robot's own dynamics, so the
noise is an AR(1) process: ``n_t = rho n_{t-1} + sqrt(1 - rho^2) std eps_t`` keeps ``std`` as
its stationary deviation while drifting for about ``1 / (1 - rho)`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ActionNoise:
    """Correlated Gaussian noise on executed actions.

    Args:
        std: stationary standard deviation per action dimension, in action units.
        correlation: AR(1) coefficient ``rho`` in [0, 1): 0 = white noise.
    """

    std: float
    correlation: float = 0.7

    def __post_init__(self):
        if self.std < 0 or not 0 <= self.correlation < 1:
            raise ValueError(f'{self.std=} must be >= 0 and {self.correlation=} in [0, 1)')

    def sequence(self, rng: np.random.Generator, steps: int, act_dim: int) -> np.ndarray:
        """``(steps, act_dim)`` noise starting from its stationary distribution."""
        out = rng.standard_normal((steps, act_dim)) * self.std
        scale = np.sqrt(1 - self.correlation ** 2)
        for t in range(1, steps):
            out[t] = self.correlation * out[t - 1] + scale * out[t]
        return out
