# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Where tensors live while training on ``train.device``.

The modules and the data sit on the training device; the models' own code creates tensors
(positions, timesteps, noise) without naming a device, and the samplers build CPU tensors
from numpy. These two helpers reconcile the two without touching the model code.
"""

from __future__ import annotations

import contextlib
import copy

import torch
from torch import nn

from lwd_ros.learning.batch import Batch


def placed(device: torch.device) -> contextlib.AbstractContextManager:
    """Make tensors the models create (positions, timesteps, noise) on ``device``.

    The model code calls ``torch.arange``/``randint`` without a device; inside this context
    they land on ``device``. A no-op on the CPU, where the mode's cost on every torch call
    would buy nothing.
    """
    return device if device.type != 'cpu' else contextlib.nullcontext()


def on_cpu(device: torch.device, *items: nn.Module | Batch) -> tuple:
    """``items`` themselves when ``device`` is the CPU, else CPU copies of them, for samplers.

    Why: sampling builds CPU tensors from numpy (the plan's timesteps, the diffusers
    schedulers'), so validation samples where those are; its cost is the CPU run's.
    """
    if device.type == 'cpu':
        return items
    return tuple(copy.deepcopy(x).cpu() if isinstance(x, nn.Module) else x.to('cpu')
                 for x in items)
