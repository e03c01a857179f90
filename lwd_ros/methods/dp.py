# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The Diffusion Policy peer's hyperparameters: the ``dp:`` section and its ``train:`` budget.

Torch-free; the torch side is ``lwd_ros.learning.methods.dp`` (and the model,
``lwd_ros.learning.diffusion_policy``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lwd_ros.config import check


@dataclass
class DpConfig:
    """The Diffusion Policy peer (Chi et al. 2023, state input; ``models.diffusion_policy``).

    Defaults are the paper's settings for its state-based benchmark, except for the task embedding,
    ``clip_sample_range`` and ``ema_decay`` (DP's power EMA tends to 0.9999 over ~10^5
    steps; ``lwd_ros.learning.ema.Ema`` warms up to this value instead).

    Args:
        horizon: predicted action sequence length H (policy steps).
        n_obs_steps: observations (current one included) in the global condition.
        n_action_steps: actions executed per sampled sequence, from the current step on.
        down_dims: UNet width per level; each level after the first halves the time axis.
        kernel_size: temporal convolution kernel (odd, so convolutions keep the length).
        n_groups: GroupNorm groups (must divide every width).
        diffusion_step_embed_dim: sinusoidal diffusion-step embedding size.
        task_embed_dim: learned task embedding in the global condition (a task's goal need
            not be part of the observation).
        num_train_timesteps: DDPM chain length in training.
        num_inference_steps: DDIM steps when sampling.
        clip_sample_range: each denoising step clips the predicted clean actions to
            +-this, in normalised units. DP clips to 1 because it min-max scales actions to
            [-1, 1]; z-scored actions rarely leave +-3 (a uniformly covered box spans
            +-1.7), and training warns when demonstrations do.
        ema_decay: decay of the EMA weights used for sampling.
        adam_betas: AdamW betas (DP's: 0.95, 0.999).
    """

    horizon: int = 16
    n_obs_steps: int = 2
    n_action_steps: int = 8
    down_dims: tuple[int, ...] = (256, 512, 1024)
    kernel_size: int = 5
    n_groups: int = 8
    diffusion_step_embed_dim: int = 256
    task_embed_dim: int = 16
    num_train_timesteps: int = 100
    num_inference_steps: int = 10
    clip_sample_range: float = 3.0
    ema_decay: float = 0.999
    adam_betas: tuple[float, float] = (0.95, 0.999)

    def __post_init__(self):
        self.down_dims = tuple(int(d) for d in self.down_dims)
        self.adam_betas = tuple(float(b) for b in self.adam_betas)
        if self.n_groups < 1 or self.kernel_size < 1 or self.kernel_size % 2 == 0:
            raise ValueError(f'{self.n_groups=} must be >= 1 and {self.kernel_size=} odd')
        if not self.down_dims or any(d < 1 or d % self.n_groups for d in self.down_dims):
            raise ValueError(f'{self.down_dims=} must be positive multiples of {self.n_groups=}')
        if min(self.n_obs_steps, self.n_action_steps, self.task_embed_dim) < 1:
            raise ValueError(f'{self.n_obs_steps=}, {self.n_action_steps=} and '
                             f'{self.task_embed_dim=} must be >= 1')
        if self.horizon < self.n_obs_steps - 1 + self.n_action_steps:
            raise ValueError(f'{self.horizon=} must cover {self.n_obs_steps=} - 1 past and '
                             f'{self.n_action_steps=} executed steps')
        if self.horizon % 2 ** (len(self.down_dims) - 1):
            raise ValueError(f'{self.horizon=} must divide by 2 ** (levels - 1) for '
                             f'{self.down_dims=}')
        if self.diffusion_step_embed_dim < 2 or self.diffusion_step_embed_dim % 2:
            raise ValueError(f'{self.diffusion_step_embed_dim=} must be even and >= 2')
        if not 1 <= self.num_inference_steps <= self.num_train_timesteps:
            raise ValueError(f'{self.num_inference_steps=} must be in [1, '
                             f'{self.num_train_timesteps=}]')
        if self.clip_sample_range <= 0 or not 0.0 <= self.ema_decay < 1.0:
            raise ValueError(f'{self.clip_sample_range=} must be > 0, {self.ema_decay=} '
                             'in [0, 1)')
        if len(self.adam_betas) != 2 or not all(0.0 <= b < 1.0 for b in self.adam_betas):
            raise ValueError(f'{self.adam_betas=} must be two values in [0, 1)')

    @property
    def current_index(self) -> int:
        """Index of the current step in a window or sampled sequence (the rest is history)."""
        return self.n_obs_steps - 1


@dataclass
class DpTrain:
    """DP's keys of the ``train:`` section.

    Args:
        dp_steps: optimiser steps (a cap under ``train.epochs``).
        dp_lr: peak learning rate (DP: 1e-4).
    """

    dp_steps: int = 8000
    dp_lr: float = 1e-4

    def __post_init__(self):
        check(self.dp_steps >= 0, 'train.dp_steps', self.dp_steps, 'must be >= 0')
        check(self.dp_lr > 0, 'train.dp_lr', self.dp_lr, 'must be > 0')
