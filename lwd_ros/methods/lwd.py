# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""LWD's hyperparameters: the ``vae:`` and ``diffusion:`` sections and its ``train:`` budgets.

Torch-free (as is every module of ``lwd_ros.methods``): a checkpoint's ``config.yaml`` is
read by the numpy runtime too, whose ONNX generator samples with ``DiffusionConfig``. The
torch side is ``lwd_ros.learning.methods.lwd``. WARPD shares these sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from lwd_ros.config import check

BETA_SCHEDULES = ('squaredcos_cap_v2', 'linear', 'scaled_linear')
PREDICTION_TYPES = ('epsilon', 'sample', 'v_prediction')
SAMPLERS = ('ddim', 'ddpm')
SPACINGS = ('trailing', 'leading', 'linspace')


@dataclass
class VaeConfig:
    """Stage 1: snippet encoder and hypernetwork decoder.

    Args:
        latent_dim: size of z.
        task_embed_dim: task embedding size (encoder and decoder).
        encoder_hidden: width of the per-step and pooled encoder MLPs.
        decoder_hidden: width of the hypernetwork trunk.
        chunk_size: generated weights per chunk; the flat weight vector is cut into
            ``ceil(num_params / chunk_size)`` chunks produced by one shared head.
        head_hidden: hidden width of the shared chunk head.
        delta_scale: initial size of the z-dependent part relative to a standard init.
        beta: KL weight (small: the latent must carry the snippet's behaviour).
        camera_width: channels of each camera's image encoder (``image`` blocks), trained
            in this stage through the generated MLP's inputs (or before it, frozen here:
            ``train.camera_steps``).
        camera_shift: pixels a training frame is randomly moved by (0: off).
        camera_action_weight: weight of the cameras' action head in this stage's loss
            (``lwd_ros.learning.cameras.Cameras.action_loss``: the features must tell what
            to do, which the generator's condition needs); 0: off. Unused with
            ``train.camera_steps``, which trains the encoders on the head alone.
    """

    latent_dim: int = 16
    task_embed_dim: int = 16
    encoder_hidden: int = 256
    decoder_hidden: int = 256
    chunk_size: int = 256
    head_hidden: int = 64
    delta_scale: float = 0.1
    beta: float = 1e-4
    camera_width: int = 32
    camera_shift: int = 4
    camera_action_weight: float = 1.0

    def __post_init__(self):
        sizes = (self.latent_dim, self.task_embed_dim, self.encoder_hidden,
                 self.decoder_hidden, self.chunk_size, self.head_hidden, self.camera_width)
        if min(sizes) < 1:
            raise ValueError(f'{sizes=} (latent, task embed, widths, chunk) must be positive')
        if self.camera_shift < 0 or self.camera_action_weight < 0:
            raise ValueError(f'{self.camera_shift=} and {self.camera_action_weight=} must be '
                             '>= 0')
        if self.beta < 0 or self.delta_scale <= 0:
            raise ValueError(f'{self.beta=} must be >= 0 and {self.delta_scale=} > 0')


@dataclass
class DiffusionConfig:
    """Stage 2: latent denoiser, noise schedule and default sampler.

    Args:
        num_train_timesteps: diffusion chain length (the "full DDPM" sampler runs all of it).
        beta_schedule: diffusers beta schedule name.
        prediction_type: what the denoiser predicts (diffusers naming).
        hidden: denoiser width.
        num_blocks: residual FiLM blocks.
        task_embed_dim: task embedding size.
        time_embed_dim: sinusoidal timestep embedding size.
        sampler: default sampler, ``ddim`` (fast) or ``ddpm`` (full chain, paper fidelity).
        num_inference_steps: DDIM steps.
        timestep_spacing: DDIM timestep spacing; ``trailing`` starts at the last train step.
        ema_decay: EMA decay of the denoiser weights used for sampling.
        warm_start: default warm-start strength in (0, 1]: the previous latent is re-noised
            to this fraction of the DDIM chain; 0 disables warm starts.
    """

    num_train_timesteps: int = 1000
    beta_schedule: str = 'squaredcos_cap_v2'
    prediction_type: str = 'epsilon'
    hidden: int = 256
    num_blocks: int = 3
    task_embed_dim: int = 16
    time_embed_dim: int = 64
    sampler: str = 'ddim'
    num_inference_steps: int = 10
    timestep_spacing: str = 'trailing'
    ema_decay: float = 0.999
    warm_start: float = 0.0

    def __post_init__(self):
        if self.beta_schedule not in BETA_SCHEDULES:
            raise ValueError(f'{self.beta_schedule=} must be one of {BETA_SCHEDULES}')
        if self.prediction_type not in PREDICTION_TYPES:
            raise ValueError(f'{self.prediction_type=} must be one of {PREDICTION_TYPES}')
        if self.sampler not in SAMPLERS:
            raise ValueError(f'{self.sampler=} must be one of {SAMPLERS}')
        if self.timestep_spacing not in SPACINGS:
            raise ValueError(f'{self.timestep_spacing=} must be one of {SPACINGS}')
        if not 1 <= self.num_inference_steps <= self.num_train_timesteps:
            raise ValueError(f'{self.num_inference_steps=} must be in [1, '
                             f'{self.num_train_timesteps=}]')
        if min(self.hidden, self.num_blocks, self.task_embed_dim, self.time_embed_dim) < 1:
            raise ValueError(f'{self.hidden=}, {self.num_blocks=} and embed sizes must be >= 1')
        if self.time_embed_dim % 2:
            raise ValueError(f'{self.time_embed_dim=} must be even (sin and cos halves)')
        if not 0.0 <= self.ema_decay < 1.0 or not 0.0 <= self.warm_start <= 1.0:
            raise ValueError(f'{self.ema_decay=} must be in [0, 1), {self.warm_start=} in [0, 1]')


@dataclass
class LwdTrain:
    """LWD's keys of the ``train:`` section: each stage's budget (the loop's settings are shared).

    Args:
        vae_steps: stage-1 optimiser steps (a cap under ``train.epochs``).
        vae_lr: stage-1 peak learning rate (AdamW, warmup then cosine decay).
        diffusion_steps: stage-2 optimiser steps.
        diffusion_lr: stage-2 peak learning rate.
        camera_steps: a robot with cameras only: steps of a first stage that trains the
            image encoders with the action head alone, then freezes them for the VAE
            (``lwd_ros.learning.cameras``); 0: the encoders train with the VAE instead.
        camera_lr: that stage's peak learning rate.
        camera_batch_size: that stage's batch (0: ``train.batch_size``); a step encodes
            one frame per sample, not a snippet's, so it affords a larger one.
    """

    vae_steps: int = 6000
    vae_lr: float = 1e-3
    diffusion_steps: int = 8000
    diffusion_lr: float = 1e-3
    camera_steps: int = 0
    camera_lr: float = 1e-3
    camera_batch_size: int = 0

    def __post_init__(self):
        for stage, steps, lr in (('vae', self.vae_steps, self.vae_lr),
                                 ('diffusion', self.diffusion_steps, self.diffusion_lr),
                                 ('camera', self.camera_steps, self.camera_lr)):
            check(steps >= 0, f'train.{stage}_steps', steps, 'must be >= 0')
            check(lr > 0, f'train.{stage}_lr', lr, 'must be > 0')
        check(self.camera_batch_size >= 0, 'train.camera_batch_size', self.camera_batch_size,
              'must be >= 0')
