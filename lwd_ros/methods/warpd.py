# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""WARPD's own hyperparameters: the ``world_model:`` section (LWD's sections are shared).

Torch-free; the torch side is ``lwd_ros.learning.methods.warpd``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class WorldModelConfig:
    """WARPD's dynamics model and how it shapes the VAE (``learning.methods.warpd``).

    Args:
        hidden: width of the dynamics MLP ``(state, action, task) -> next state``.
        num_layers: its hidden layers.
        steps: optimiser steps of its own stage (before the VAE's).
        lr: its peak learning rate.
        weight: weight of the rollout loss beside the VAE's ELBO: the squared distance of
            the states a decoded policy reaches in the model from the demonstrated ones.
    """

    hidden: int = 256
    num_layers: int = 3
    steps: int = 4000
    lr: float = 1e-3
    weight: float = 0.1

    def __post_init__(self):
        if min(self.hidden, self.num_layers, self.steps) < 1 or self.lr <= 0 or self.weight < 0:
            raise ValueError(f'world_model: hidden, num_layers, steps >= 1, lr > 0 and weight '
                             f'>= 0 (got {self.hidden}, {self.num_layers}, {self.steps}, '
                             f'{self.lr}, {self.weight})')
