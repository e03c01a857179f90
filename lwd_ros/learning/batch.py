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
    """Torch views of ``Snippets`` (shapes in ``lwd_ros.data.snippets``).

    With cameras, ``rows``/``cond_rows`` are indexed with the samples and ``frames`` (every
    row's frames, per camera) is shared whole by every batch drawn.
    """

    obs: torch.Tensor
    act: torch.Tensor
    mask: torch.Tensor
    cond: torch.Tensor  # (N, K * obs_dim): history flattened for the denoiser
    task: torch.Tensor
    rows: torch.Tensor | None = None
    cond_rows: torch.Tensor | None = None
    frames: dict[str, torch.Tensor] = dataclasses.field(default_factory=dict, repr=False)

    @classmethod
    def from_snippets(cls, s: Snippets) -> Batch:
        def tensor(a):
            return None if a is None else torch.from_numpy(a)
        return cls(torch.from_numpy(s.obs), torch.from_numpy(s.act), torch.from_numpy(s.mask),
                   torch.from_numpy(s.cond.reshape(len(s), -1)), torch.from_numpy(s.task),
                   tensor(s.rows), tensor(s.cond_rows),
                   {k: torch.from_numpy(v) for k, v in s.frames.items()})

    def __len__(self) -> int:
        return len(self.obs)

    def to(self, device: torch.device | str) -> Batch:
        return Batch(*(None if v is None else v.to(device) for v in self._sampled()),
                     frames={k: v.to(device) for k, v in self.frames.items()})

    def take(self, idx: torch.Tensor) -> Batch:
        return Batch(*(None if v is None else v[idx] for v in self._sampled()),
                     frames=self.frames)

    def _sampled(self) -> list[torch.Tensor | None]:
        """The per-sample tensors, in field order."""
        return [getattr(self, f.name) for f in dataclasses.fields(self) if f.name != 'frames']

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
