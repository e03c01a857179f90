# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A robot's cameras as a method trains them: one image encoder per ``image`` block.

Why jointly (docs/cameras.md): the features a policy needs (where the T is) are not what a
picture shows most of, so each encoder learns from the losses of the models that read its
features: for LWD, the VAE's reconstruction of the demonstrated actions through the
generated MLP, and an action head (``action_loss``) standing in for the generator's
condition, which the VAE's loss alone leaves untrained. Features enter the model space
unchanged (``ModelSpace.fit``'s ``learned``), so the deployed MLP reads exactly what the
perception node publishes.

A batch holds frame rows, not frames (``Batch.rows``): each distinct row of a batch is
encoded once and its features are written into the rows' feature entries of ``obs``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from lwd_ros.contract import RobotContract
from lwd_ros.learning.image_encoder import ImageEncoder
from lwd_ros.observations import get_kind, image


class Cameras(nn.Module):
    """The encoders of a robot's image blocks, and where their features go.

    Args:
        contract: the robot.
        features: the model's feature names (``CheckpointMeta.features``).
        width: channels of each encoder's conv stack.
        shift: while training, each frame moves by up to this many pixels (DrQ's random
            shift; Diffusion Policy's random crop): a few hundred demonstrations do not
            teach an encoder that a picture one pixel off means the same state.
        act_dim, horizon: the action head's output, ``horizon`` steps of ``act_dim``
            actions (no head if either is 0).
        hidden: the action head's width.
        tasks: the number of tasks, an input of the action head: one picture may ask for
            different actions under different goals.
    """

    def __init__(self, contract: RobotContract, features: Sequence[str], width: int,
                 shift: int = 0, act_dim: int = 0, horizon: int = 0, hidden: int = 256,
                 tasks: int = 1):
        super().__init__()
        self.shift, self.horizon, self.act_dim, self.tasks = shift, horizon, act_dim, tasks
        blocks = [b for b in contract.observation if get_kind(b.kind).frames]
        self.encoders = nn.ModuleDict({
            image.key(b): ImageEncoder(tuple(b.image_size), image.ENCODINGS[b.encoding],
                                       b.features, width) for b in blocks})
        features = list(features)
        # The action head (``action_loss``): the first state and the task -> the snippet's
        # actions
        self.head = (nn.Sequential(nn.Linear(len(features) + tasks, hidden), nn.ReLU(),
                                   nn.Linear(hidden, hidden), nn.ReLU(),
                                   nn.Linear(hidden, horizon * act_dim))
                     if blocks and act_dim and horizon else None)
        for b in blocks:
            self.register_buffer(f'columns_{image.key(b)}',
                                 torch.tensor([features.index(n) for n in b.names]),
                                 persistent=False)

    def __bool__(self) -> bool:
        return len(self.encoders) > 0

    def fill(self, obs: torch.Tensor, rows: torch.Tensor,
             frames: dict[str, torch.Tensor]) -> torch.Tensor:
        """``obs (..., F)`` with every camera's features of the frames at ``rows (...)``."""
        if not self:
            return obs
        unique, inverse = torch.unique(rows, return_inverse=True)
        obs = obs.clone()
        for key, encoder in self.encoders.items():
            seen = frames[key][unique]
            if self.training and self.shift:
                seen = random_shift(seen, self.shift)
            features = encoder(seen)[inverse]  # (..., features)
            obs[..., getattr(self, f'columns_{key}')] = features.to(obs.dtype)
        return obs

    def action_loss(self, obs: torch.Tensor, act: torch.Tensor, mask: torch.Tensor,
                    task: torch.Tensor) -> torch.Tensor:
        """MSE of the snippets' actions predicted from their first state ``obs (B, F)``.

        Why: LWD's VAE reconstructs a snippet's actions from a latent that has seen them, so
        its loss does not need the picture, and an encoder trained by it alone collapses to
        features that never move. The generator's condition does need it: it must tell
        which latent fits the state. This head asks the features for what acting needs, from
        the demonstrations alone (no privileged state).
        """
        steps = min(self.horizon, act.shape[1])
        goal = nn.functional.one_hot(task.long(), self.tasks).to(obs.dtype)
        pred = self.head(torch.cat([obs, goal], -1))
        pred = pred.reshape(len(obs), self.horizon, self.act_dim)[:, :steps]
        m = mask[:, :steps, None]
        return ((pred - act[:, :steps]).square() * m).sum() / (m.sum() * self.act_dim).clamp(min=1)

    @torch.no_grad()
    def fill_all(self, obs: torch.Tensor, rows: torch.Tensor, frames: dict[str, torch.Tensor],
                 chunk: int = 2048) -> torch.Tensor:
        """``fill`` for a whole set (frozen encoders): every frame row encoded once."""
        if not self:
            return obs
        total = len(next(iter(frames.values())))
        table = torch.zeros(total, obs.shape[-1], dtype=obs.dtype, device=obs.device)
        every = torch.arange(total, device=obs.device)
        for i in range(0, total, chunk):
            table[i:i + chunk] = self.fill(table[i:i + chunk], every[i:i + chunk], frames)
        columns = torch.cat([getattr(self, f'columns_{k}') for k in self.encoders])
        obs = obs.clone()
        obs[..., columns] = table[rows][..., columns]
        return obs


def random_shift(frames: torch.Tensor, pad: int) -> torch.Tensor:
    """``(B, H, W, C)`` frames each moved by up to ``pad`` pixels (edges repeated)."""
    b, h, w, _ = frames.shape
    padded = torch.nn.functional.pad(frames.permute(0, 3, 1, 2).float(), (pad,) * 4,
                                     mode='replicate')
    dx, dy = torch.randint(0, 2 * pad + 1, (2, b), device=frames.device)
    rows = (dy[:, None] + torch.arange(h, device=frames.device))[:, :, None]  # (B, H, 1)
    cols = (dx[:, None] + torch.arange(w, device=frames.device))[:, None, :]  # (B, 1, W)
    out = padded[torch.arange(b, device=frames.device)[:, None, None], :, rows, cols]
    return out.to(frames.dtype)  # (B, H, W, C): advanced indexing puts channels last
