# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""BC's hyperparameters: its ``train:`` budget (the MLP is the shared ``policy:`` section).

Torch-free; the torch side is ``lwd_ros.learning.methods.bc``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lwd_ros.config import check


@dataclass
class BcTrain:
    """BC's keys of the ``train:`` section.

    Args:
        bc_steps: optimiser steps (a cap under ``train.epochs``).
        bc_lr: peak learning rate.
    """

    bc_steps: int = 8000
    bc_lr: float = 1e-3

    def __post_init__(self):
        check(self.bc_steps >= 0, 'train.bc_steps', self.bc_steps, 'must be >= 0')
        check(self.bc_lr > 0, 'train.bc_lr', self.bc_lr, 'must be > 0')
