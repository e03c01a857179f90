# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Behaviour cloning: one task-conditioned MLP fitted to single steps by action MSE.

The baseline deploys on the same numpy MLP as a generated policy. Checkpoint tensors:
``bc.*``. Hyperparameters: the shared ``policy:`` section and ``train.bc_*``
(``lwd_ros.methods.bc``).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from lwd_ros.experiment import LwdConfig
from lwd_ros.learning.batch import Batch
from lwd_ros.learning.bc import BcMlp
from lwd_ros.learning.checkpoint_io import load_module
from lwd_ros.learning.methods.base import Learner, Stage
from lwd_ros.runtime.checkpoint import CheckpointMeta


def build_bc(cfg: LwdConfig, meta: CheckpointMeta) -> BcMlp:
    return BcMlp(meta.num_features, meta.act_dim, len(meta.tasks), cfg.policy.hidden_sizes,
                 cfg.policy.activation)


class BcLearner(Learner):
    """The MLP on single (observation, action) steps (``Learner`` has the args)."""

    def __init__(self, cfg, meta, train, val, rng, device):
        super().__init__(cfg, meta, train, val, rng, device)
        self.bc = build_bc(cfg, meta).to(device)

    def modules(self) -> dict[str, nn.Module]:
        return {'bc.': self.bc}

    def stage(self, name: str) -> Stage:
        tc = self.cfg.train
        return Stage(name, tc.bc_steps, tc.bc_lr, self.bc, self.loss, self.train, self.validate,
                     select='val_mse')

    def loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        loss = (self.bc(b.obs[:, 0], b.task) - b.act[:, 0]).square().mean()
        return loss, {'loss': loss.detach()}

    def validate(self) -> dict:
        if self.val is None:
            return {}
        v = self.val
        with torch.no_grad():
            return {'val_mse': float((self.bc(v.obs[:, 0], v.task) - v.act[:, 0])
                                     .square().mean())}

    @classmethod
    def load(cls, cfg, meta, tensors, path: Path, use_ema: bool = True) -> dict[str, nn.Module]:
        """The MLP (there is no average of it: ``use_ema`` changes nothing)."""
        bc = build_bc(cfg, meta)
        load_module(bc, tensors, 'bc.', path)
        return {'bc': bc.eval()}
