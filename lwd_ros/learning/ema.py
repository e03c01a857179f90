# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Exponential moving average of a module's weights (sampling uses the average)."""

from __future__ import annotations

import copy

import torch
from torch import nn


class Ema:
    """Keep ``shadow = decay_t * shadow + (1 - decay_t) * weights`` after every step.

    ``decay_t = min(decay, (1 + t) / (10 + t))``: the warmup lets early averages follow the
    fast-moving weights instead of remembering the random initialisation (as diffusers'
    ``EMAModel`` does).
    """

    def __init__(self, module: nn.Module, decay: float):
        self.decay = decay
        self.module = copy.deepcopy(module).eval().requires_grad_(False)
        self.num_updates = 0

    @torch.no_grad()
    def update(self, module: nn.Module) -> None:
        self.num_updates += 1
        t = self.num_updates
        decay = min(self.decay, (1 + t) / (10 + t))
        shadow = list(self.module.parameters())
        torch._foreach_lerp_(shadow, [p.detach() for p in module.parameters()], 1.0 - decay)
        for b_shadow, b in zip(self.module.buffers(), module.buffers()):
            b_shadow.copy_(b)
