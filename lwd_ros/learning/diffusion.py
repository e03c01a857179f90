# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Stage 2 of LWD: diffusion over VAE latents, conditioned on the observation and the task.

The denoiser is a small residual MLP with FiLM conditioning (Perez et al. 2018) on
``[timestep embedding + (obs history, task) embedding]``: the latent is 16-D, so a U-Net or a
transformer would buy nothing but latency. Training uses ``diffusers.DDPMScheduler`` for the
forward process; sampling runs a precomputed ``lwd_ros.runtime.sampler.SamplerPlan`` so the
loop is a handful of tensor ops per step.

Latents are standardised with per-dimension statistics of the training set (stored as
buffers) before diffusion, as latent diffusion models scale their latents (Rombach 2022).
"""

from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from lwd_ros.learning.vae import sinusoidal_embedding
from lwd_ros.methods.lwd import DiffusionConfig
from lwd_ros.runtime.sampler import SamplerPlan


class FilmBlock(nn.Module):
    """Pre-norm residual MLP block whose normalised input is scaled and shifted by ``c``."""

    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(dim, elementwise_affine=False)
        self.film = nn.Linear(dim, 2 * dim)
        self.fc1 = nn.Linear(dim, 2 * dim)
        self.fc2 = nn.Linear(2 * dim, dim)
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)

    def forward(self, x: torch.Tensor, modulation: torch.Tensor) -> torch.Tensor:
        """``x (B, D)``, ``modulation = film(c) (B, 2D)`` (precomputable: it ignores x)."""
        scale, shift = modulation.chunk(2, dim=-1)  # (B, D) each
        h = self.norm(x) * (1.0 + scale) + shift
        return x + self.fc2(F.silu(self.fc1(h)))


class LatentDenoiser(nn.Module):
    """``(z_t (B, L), t (B,), cond_obs (B, cond_dim), task (B,)) -> (B, L)`` prediction."""

    def __init__(self, latent_dim: int, cond_dim: int, num_tasks: int, cfg: DiffusionConfig):
        super().__init__()
        D = cfg.hidden
        self.time_embed_dim = cfg.time_embed_dim
        self.time = nn.Sequential(nn.Linear(cfg.time_embed_dim, D), nn.SiLU(), nn.Linear(D, D))
        self.task = nn.Embedding(num_tasks, cfg.task_embed_dim)
        self.cond = nn.Sequential(nn.Linear(cond_dim + cfg.task_embed_dim, D), nn.SiLU(),
                                  nn.Linear(D, D))
        self.inp = nn.Linear(latent_dim, D)
        self.blocks = nn.ModuleList(FilmBlock(D) for _ in range(cfg.num_blocks))
        self.out_norm = nn.LayerNorm(D)
        self.out = nn.Linear(D, latent_dim)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def condition(self, cond_obs: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        """The timestep-independent part of the conditioning, ``(B, D)``: once per sample."""
        return self.cond(torch.cat([cond_obs, self.task(task)], dim=-1))

    def time_embedding(self, t: torch.Tensor) -> torch.Tensor:
        return self.time(sinusoidal_embedding(t, self.time_embed_dim))  # (B, D)

    def modulations(self, time_emb: torch.Tensor, cond_emb: torch.Tensor) -> list[torch.Tensor]:
        """Return every block's FiLM parameters ``(..., 2D)`` for these conditionings."""
        c = F.silu(time_emb + cond_emb)
        return [block.film(c) for block in self.blocks]

    def denoise(self, z: torch.Tensor, modulations: list[torch.Tensor]) -> torch.Tensor:
        x = self.inp(z)  # (B, D)
        for block, modulation in zip(self.blocks, modulations):
            x = block(x, modulation)
        return self.out(self.out_norm(x))

    def forward(self, z: torch.Tensor, t: torch.Tensor, cond_obs: torch.Tensor,
                task: torch.Tensor) -> torch.Tensor:
        mods = self.modulations(self.time_embedding(t), self.condition(cond_obs, task))
        return self.denoise(z, mods)


class LatentDiffusion(nn.Module):
    """The denoiser, its training loss and its sampler over standardised latents."""

    def __init__(self, latent_dim: int, cond_dim: int, num_tasks: int, cfg: DiffusionConfig):
        super().__init__()
        self.cfg = cfg
        self.denoiser = LatentDenoiser(latent_dim, cond_dim, num_tasks, cfg)
        self.register_buffer('latent_mean', torch.zeros(latent_dim))
        self.register_buffer('latent_std', torch.ones(latent_dim))
        self._scheduler = None

    @property
    def scheduler(self):
        """The DDPM forward process (diffusers') of the training loss, built on first use.

        Only the loss adds noise with it (sampling runs the numpy ``SamplerPlan``), and
        importing diffusers pulls in ``torch._dynamo``: ~1.2 s that a generator node, which
        only samples, paid at every start before its first policy.
        """
        if self._scheduler is None:
            from diffusers import DDPMScheduler

            self._scheduler = DDPMScheduler(
                num_train_timesteps=self.cfg.num_train_timesteps,
                beta_schedule=self.cfg.beta_schedule, prediction_type=self.cfg.prediction_type,
                clip_sample=False)
        return self._scheduler

    def set_latent_stats(self, latents: torch.Tensor) -> None:
        """Standardise with the statistics of ``(N, L)`` training latents."""
        self.latent_mean.copy_(latents.mean(0))
        self.latent_std.copy_(latents.std(0).clamp(min=1e-4))

    def standardize(self, z: torch.Tensor) -> torch.Tensor:
        return (z - self.latent_mean) / self.latent_std

    def unstandardize(self, u: torch.Tensor) -> torch.Tensor:
        return u * self.latent_std + self.latent_mean

    def forward(self, u0: torch.Tensor, cond_obs: torch.Tensor,
                task: torch.Tensor) -> torch.Tensor:
        """Denoising loss on standardised latents ``u0 (B, L)`` (diffusers' forward process)."""
        noise = torch.randn_like(u0)
        t = torch.randint(0, self.cfg.num_train_timesteps, (u0.shape[0],))
        u_t = self.scheduler.add_noise(u0, noise, t)
        if self.cfg.prediction_type == 'epsilon':
            target = noise
        elif self.cfg.prediction_type == 'sample':
            target = u0
        else:
            target = self.scheduler.get_velocity(u0, noise, t)
        return F.mse_loss(self.denoiser(u_t, t, cond_obs, task), target)

    @torch.inference_mode()
    def sample(self, plan: SamplerPlan, u_init: torch.Tensor, cond_obs: torch.Tensor,
               task: torch.Tensor, noise: torch.Tensor | None = None,
               denoiser: LatentDenoiser | None = None) -> torch.Tensor:
        """Run ``plan`` from ``u_init (B, L)``; ``noise (K, B, L)`` for stochastic plans.

        The conditioning does not depend on the latent, so the FiLM parameters of every step
        are computed in one batch up front and each step runs only the latent path of the
        denoiser. ``denoiser`` overrides ``self.denoiser`` (e.g. EMA weights in training).
        """
        den = self.denoiser if denoiser is None else denoiser
        cond_emb = den.condition(cond_obs, task)  # (B, D)
        steps = torch.from_numpy(plan.timesteps).to(u_init.device)
        time_emb = den.time_embedding(steps)  # (K, D)
        upfront = len(plan) * len(u_init) <= 4096  # bounded memory for large batches
        if upfront:
            mods = den.modulations(time_emb.unsqueeze(1), cond_emb)  # per block (K, B, 2D)
        a, b, s = plan.coef_sample.tolist(), plan.coef_model.tolist(), plan.coef_noise.tolist()
        u = u_init
        for k in range(len(plan)):
            m = den.denoise(u, [mod[k] for mod in mods] if upfront
                            else den.modulations(time_emb[k], cond_emb))
            u = a[k] * u + b[k] * m
            if s[k] > 0.0:
                u = u + s[k] * noise[k]
        return u
