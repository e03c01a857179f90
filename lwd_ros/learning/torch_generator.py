# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The torch backend of ``PolicyGenerator``: runs a training checkpoint directly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from lwd_ros.learning.checkpoint_io import LoadedCheckpoint, load_checkpoint
from lwd_ros.runtime.checkpoint import META_FILE, CheckpointError
from lwd_ros.runtime.generator import PolicyGenerator
from lwd_ros.runtime.sampler import SamplerPlan


class TorchPolicyGenerator(PolicyGenerator):
    """``PolicyGenerator`` on the checkpoint's torch modules (EMA denoiser by default)."""

    backend = 'torch'

    def __init__(self, ckpt: LoadedCheckpoint, **kwargs):
        super().__init__(ckpt.meta, ckpt.cfg.diffusion, **kwargs)
        self.ckpt = ckpt
        self.vae, self.diffusion = ckpt.vae, ckpt.diffusion

    @classmethod
    def load(cls, path: str | Path, use_ema: bool = True, num_threads: int | None = 1,
             **kwargs) -> TorchPolicyGenerator:
        """Load a checkpoint directory.

        ``num_threads`` sets torch's (process-wide) intra-op thread count; one thread is the
        fastest for these batch-1 matrices and leaves the other cores to the controller.
        """
        if num_threads is not None:
            torch.set_num_threads(int(num_threads))
        ckpt = load_checkpoint(path, use_ema=use_ema)
        if ckpt.meta.method != 'lwd':
            raise CheckpointError(Path(path) / META_FILE, f'method is {ckpt.meta.method!r}: '
                                  'a baseline has no generator (evaluate it with lwd eval)')
        return cls(ckpt, **kwargs)

    def _sample(self, plan: SamplerPlan, u: np.ndarray, cond: np.ndarray, task: np.ndarray,
                noise: np.ndarray | None) -> np.ndarray:
        with torch.inference_mode():
            out = self.diffusion.sample(
                plan, torch.from_numpy(u), torch.from_numpy(cond), torch.from_numpy(task),
                None if noise is None else torch.from_numpy(noise))
        return out.numpy()

    def _decode(self, u: np.ndarray, task: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            z = self.diffusion.unstandardize(torch.from_numpy(u))
            return self.vae.decode(z, torch.from_numpy(task)).numpy()
