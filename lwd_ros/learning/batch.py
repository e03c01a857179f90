# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What the training loop draws batches from: torch views of the cut demonstrations.

Anything with ``len()`` and ``take(idx)`` is a dataset to ``Trainer.train_stage``: a method
trains on ``Batch`` (snippets, steps or windows) or on tensors derived from them
(``LatentBatch``). The whole set sits on the training device, so drawing a batch is one
indexing op and no loader runs per step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch

from lwd_ros.data.snippets import Snippets

VAL_LIMIT = 4096  # validation samples evaluated (enough for a stable mean, bounded cost)


@dataclass
class Batch:
    """Torch views of ``Snippets`` (shapes in ``lwd_ros.data.snippets``)."""

    obs: torch.Tensor
    act: torch.Tensor
    mask: torch.Tensor
    cond: torch.Tensor  # (N, K * obs_dim): history flattened for the denoiser
    task: torch.Tensor

    @classmethod
    def from_snippets(cls, s: Snippets) -> Batch:
        return cls(torch.from_numpy(s.obs), torch.from_numpy(s.act), torch.from_numpy(s.mask),
                   torch.from_numpy(s.cond.reshape(len(s), -1)), torch.from_numpy(s.task))

    def __len__(self) -> int:
        return len(self.obs)

    def to(self, device: torch.device | str) -> Batch:
        return Batch(*(getattr(self, f.name).to(device) for f in dataclasses.fields(self)))

    def take(self, idx: torch.Tensor) -> Batch:
        return Batch(self.obs[idx], self.act[idx], self.mask[idx], self.cond[idx], self.task[idx])

    def head(self, n: int) -> Batch:
        return self.take(torch.arange(min(n, len(self))))


@dataclass
class LatentBatch:
    """Standardised latents ``u (N, L)`` with their conditioning (LWD's second stage)."""

    u: torch.Tensor
    cond: torch.Tensor
    task: torch.Tensor

    def __len__(self) -> int:
        return len(self.u)

    def take(self, idx: torch.Tensor) -> LatentBatch:
        return LatentBatch(self.u[idx], self.cond[idx], self.task[idx])


def spread(data: Batch, n: int) -> Batch:
    """At most ``n`` items evenly spaced over ``data``: every episode, not just the first."""
    idx = torch.linspace(0, len(data) - 1, min(n, len(data)), device=data.obs.device)
    return data.take(idx.round().long())
