# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The torch backend of ``PolicyGenerator``: runs a training checkpoint directly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from lwd_ros.learning import distributed
from lwd_ros.learning.checkpoint_io import LoadedCheckpoint, load_checkpoint
from lwd_ros.learning.placement import placed
from lwd_ros.runtime.checkpoint import META_FILE, CheckpointError
from lwd_ros.runtime.generator import PolicyGenerator
from lwd_ros.runtime.sampler import SamplerPlan


class TorchPolicyGenerator(PolicyGenerator):
    """``PolicyGenerator`` on the checkpoint's torch modules (EMA denoiser by default).

    ``device``: where the modules run (``auto`` | ``cpu`` | ``cuda`` | ``cuda:N``). Sampling
    and decoding happen there; what leaves is numpy on the CPU, so a fleet's batched
    generations can use a GPU while every controller stays numpy-only.
    """

    backend = 'torch'

    def __init__(self, ckpt: LoadedCheckpoint, device: str = 'cpu', **kwargs):
        super().__init__(ckpt.meta, ckpt.cfg.diffusion, **kwargs)
        self.ckpt = ckpt
        self.device = distributed.device(device, what='device')
        self.vae = ckpt.module('vae').to(self.device)
        self.diffusion = ckpt.module('diffusion').to(self.device)

    @classmethod
    def load(cls, path: str | Path, use_ema: bool = True, num_threads: int | None = 1,
             **kwargs) -> TorchPolicyGenerator:
        """Load a checkpoint directory (on the CPU, then moved to ``device``).

        ``num_threads`` sets torch's (process-wide) intra-op thread count; one thread is the
        fastest for these batch-1 matrices and leaves the other cores to the controller.
        """
        if num_threads is not None:
            torch.set_num_threads(int(num_threads))
        ckpt = load_checkpoint(path, use_ema=use_ema)
        if ckpt.meta.latent_dim < 1:  # a baseline (BC, DP)
            raise CheckpointError(Path(path) / META_FILE, f'method is {ckpt.meta.method!r}: '
                                  'a baseline has no generator (evaluate it with lwd eval)')
        return cls(ckpt, **kwargs)

    def _sample(self, plan: SamplerPlan, u: np.ndarray, cond: np.ndarray, task: np.ndarray,
                noise: np.ndarray | None) -> np.ndarray:
        with torch.inference_mode(), placed(self.device):
            out = self.diffusion.sample(
                plan, self._tensor(u), self._tensor(cond), self._tensor(task),
                None if noise is None else self._tensor(noise))
        return out.cpu().numpy()

    def _decode(self, u: np.ndarray, task: np.ndarray) -> np.ndarray:
        with torch.inference_mode(), placed(self.device):
            z = self.diffusion.unstandardize(self._tensor(u))
            return self.vae.decode(z, self._tensor(task)).cpu().numpy()

    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(a).to(self.device)
