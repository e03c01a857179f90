# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Baseline: a single-step behaviour-cloning MLP ``[obs, one_hot(task)] -> action``.

It deploys on the same numpy ``MlpPolicy`` as a generated policy (``lwd_ros.runtime.baseline``):
for a fixed task the one-hot input is a constant, so its column of the first weight matrix
folds into the first bias, and normalisation folds in as for LWD.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
import torch.nn.functional as F

from lwd_ros.learning.vae import TORCH_ACTIVATIONS


class BcMlp(nn.Module):
    """The baseline network, in normalised units (same layer structure as the deployed MLP)."""

    def __init__(self, obs_dim: int, act_dim: int, num_tasks: int,
                 hidden_sizes: Sequence[int], activation: str):
        super().__init__()
        self.obs_dim, self.num_tasks = obs_dim, num_tasks
        self.activation = activation
        sizes = (obs_dim + num_tasks, *hidden_sizes, act_dim)
        self.layers = nn.ModuleList(nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:]))

    def forward(self, obs: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        x = torch.cat([obs, F.one_hot(task, self.num_tasks).to(obs.dtype)], dim=-1)
        act = TORCH_ACTIVATIONS[self.activation]
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i != len(self.layers) - 1:
                x = act(x)
        return x
