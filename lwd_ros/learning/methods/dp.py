# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The Diffusion Policy peer (Chi et al. 2023): a 1-D UNet denoising action sequences.

Data: one window per step, aligned as Diffusion Policy trains (``dp.horizon`` actions,
``dp.n_obs_steps`` observations). Checkpoint tensors: ``dp.*`` and the EMA model
``ema.dp.*``, which sampling uses. Hyperparameters (``dp:``, ``train.dp_*``):
``lwd_ros.methods.dp``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch
from torch import nn

from lwd_ros.data.snippets import cut_action_windows
from lwd_ros.experiment import LwdConfig
from lwd_ros.learning.batch import VAL_LIMIT, Batch, spread
from lwd_ros.learning.checkpoint_io import load_module
from lwd_ros.learning.diffusion_policy import DiffusionPolicyModel
from lwd_ros.learning.ema import Ema
from lwd_ros.learning.methods.base import Learner, Stage
from lwd_ros.learning.placement import on_cpu
from lwd_ros.runtime.checkpoint import CheckpointMeta

log = logging.getLogger(__name__)
DP_SAMPLES = 512  # windows sampled for validation: 10 UNet passes each, so fewer


def build_dp(cfg: LwdConfig, meta: CheckpointMeta) -> DiffusionPolicyModel:
    return DiffusionPolicyModel(meta.cond_dim, meta.act_dim, len(meta.tasks), cfg.dp)


class DpLearner(Learner):
    """The UNet model and its EMA copy (``Learner`` has the args)."""

    def __init__(self, cfg, meta, train, val, rng, device):
        super().__init__(cfg, meta, train, val, rng, device)
        self.dp = build_dp(cfg, meta).to(device)
        self.ema = Ema(self.dp, cfg.dp.ema_decay)

    @classmethod
    def cut(cls, cfg, episodes, space, tasks):
        return cut_action_windows(episodes, space, tasks, cfg.dp.horizon, cfg.dp.n_obs_steps)

    @classmethod
    def meta_fields(cls, cfg):
        return {**super().meta_fields(cfg), 'obs_history': cfg.dp.n_obs_steps}

    def modules(self) -> dict[str, nn.Module]:
        return {'dp.': self.dp, 'ema.dp.': self.ema.module}

    def stage(self, name: str) -> Stage:
        tc, d = self.cfg.train, self.cfg.dp
        peak = float(self.train.act.abs().max())
        if peak > d.clip_sample_range:
            log.warning('normalised demo actions reach %.2f: sampling clips them to +-%.2f '
                        '(raise dp.clip_sample_range)', peak, d.clip_sample_range)
        return Stage(name, tc.dp_steps, tc.dp_lr, self.dp, self.loss, self.train, self.validate,
                     ema=self.ema, betas=d.adam_betas, select='val_sampled_mse')

    def loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        loss = self.dp.loss(b.cond, b.task, b.act)
        return loss, {'loss': loss.detach()}

    @torch.no_grad()
    def sampled_mse(self, data: Batch, seed: int = 0) -> float:
        """Action MSE of DDIM-sampled (EMA) sequences over the steps a rollout executes.

        The end-to-end figure, in normalised action units like LWD's ``generated_mse``.
        """
        d = self.cfg.dp
        dp, data = on_cpu(self.device, self.ema.module, data)
        with torch.device('cpu'):
            pred = dp.sample(data.cond, data.task, torch.Generator().manual_seed(seed))
        run = slice(d.current_index, d.current_index + d.n_action_steps)
        return float((pred[:, run] - data.act[:, run]).square().mean())

    def validate(self) -> dict:
        if self.val is None:
            return {}
        v = spread(self.val, VAL_LIMIT)
        with torch.random.fork_rng(), torch.no_grad():
            torch.manual_seed(0)
            loss = float(self.dp.loss(v.cond, v.task, v.act))
        return {'val_diffusion': loss, 'val_sampled_mse': self.sampled_mse(spread(v, DP_SAMPLES))}

    @classmethod
    def load(cls, cfg, meta, tensors, path: Path, use_ema: bool = True) -> dict[str, nn.Module]:
        """The model with the EMA weights, or the raw ones with ``use_ema=False``."""
        dp = build_dp(cfg, meta)
        load_module(dp, tensors, 'ema.dp.' if use_ema else 'dp.', path)
        return {'dp': dp.eval()}
