# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Diffusion Policy (Chi et al. 2023), state input: the action-space diffusion peer of LWD.

DP denoises a whole action sequence ``(B, H, act_dim)`` with a 1-D temporal convolution UNet
conditioned (FiLM) on the diffusion step and a *global condition*: the model-space features
(``lwd_ros.runtime.features``) of the last ``n_obs_steps`` observations. At run time it
executes ``n_action_steps`` of every sampled sequence, starting at the current step (index
``n_obs_steps - 1``), then samples again.

The network follows ``diffusion_policy/model/diffusion/conditional_unet1d.py`` of
real-stanford/diffusion_policy with the settings of its state-based (low-dim) configs
(``train_diffusion_unet_lowdim_workspace``, ``obs_as_global_cond``): kernel 5, 8 groups,
scale-and-bias FiLM (``cond_predict_scale``), DDPM with 100 ``squaredcos_cap_v2`` steps,
epsilon prediction, clipped sample. Deliberate differences, each because of this harness:

- a learned task embedding joins the global condition: our envs have several tasks and the
  observation need not show which one is active;
- actions are z-scored in the shared model space rather than min-max scaled to [-1, 1], so
  the predicted clean sample is clipped to ``clip_sample_range`` instead of 1;
- sampling runs DDIM with 10 steps (the paper's low-dim configs sample 100 DDPM steps), the
  fast sampler LWD is compared with; ``set_sampler('ddpm')`` runs the paper's chain.
"""

from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from lwd_ros.learning.vae import sinusoidal_embedding
from lwd_ros.methods.dp import DpConfig


class Conv1dBlock(nn.Sequential):
    """Conv1d -> GroupNorm -> Mish over ``(B, C, T)``; odd kernels keep ``T``."""

    def __init__(self, c_in: int, c_out: int, kernel_size: int, n_groups: int):
        super().__init__(nn.Conv1d(c_in, c_out, kernel_size, padding=kernel_size // 2),
                         nn.GroupNorm(n_groups, c_out), nn.Mish())


class ResidualBlock1D(nn.Module):
    """Two conv blocks with the condition's per-channel scale and bias applied between them."""

    def __init__(self, c_in: int, c_out: int, cond_dim: int, kernel_size: int, n_groups: int):
        super().__init__()
        self.conv1 = Conv1dBlock(c_in, c_out, kernel_size, n_groups)
        self.conv2 = Conv1dBlock(c_out, c_out, kernel_size, n_groups)
        self.film = nn.Sequential(nn.Mish(), nn.Linear(cond_dim, 2 * c_out))
        self.skip = nn.Conv1d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """``x (B, C_in, T)``, ``cond (B, cond_dim)`` -> ``(B, C_out, T)``."""
        scale, bias = self.film(cond).unsqueeze(-1).chunk(2, dim=1)  # (B, C_out, 1) each
        return self.conv2(self.conv1(x) * scale + bias) + self.skip(x)


class ConditionalUnet1D(nn.Module):
    """``(x (B, T, A), t (B,), global_cond (B, G)) -> (B, T, A)`` noise prediction.

    Level ``k`` has width ``down_dims[k]``; every level but the last halves ``T`` on the way
    down (strided conv) and doubles it on the way up (transposed conv), so ``T`` must divide
    by ``2 ** (len(down_dims) - 1)``. Every residual block is FiLM-conditioned on
    ``[step embedding, global_cond]``.
    """

    def __init__(self, act_dim: int, global_cond_dim: int, cfg: DpConfig):
        super().__init__()
        dsed, k, g = cfg.diffusion_step_embed_dim, cfg.kernel_size, cfg.n_groups
        self.step_embed_dim = dsed
        self.step_encoder = nn.Sequential(nn.Linear(dsed, 4 * dsed), nn.Mish(),
                                          nn.Linear(4 * dsed, dsed))
        cond_dim = dsed + global_cond_dim

        def block(c_in: int, c_out: int) -> ResidualBlock1D:
            return ResidualBlock1D(c_in, c_out, cond_dim, k, g)

        dims = (act_dim, *cfg.down_dims)
        pairs = list(zip(dims[:-1], dims[1:]))
        self.down = nn.ModuleList(
            nn.ModuleList([block(c_in, c_out), block(c_out, c_out),
                           nn.Conv1d(c_out, c_out, 3, 2, 1) if i < len(pairs) - 1
                           else nn.Identity()])
            for i, (c_in, c_out) in enumerate(pairs))
        self.mid = nn.ModuleList([block(dims[-1], dims[-1]), block(dims[-1], dims[-1])])
        self.up = nn.ModuleList(
            nn.ModuleList([block(2 * c_out, c_in), block(c_in, c_in),
                           nn.ConvTranspose1d(c_in, c_in, 4, 2, 1)])
            for c_in, c_out in reversed(pairs[1:]))
        width = cfg.down_dims[0]
        self.final = nn.Sequential(Conv1dBlock(width, width, k, g), nn.Conv1d(width, act_dim, 1))

    def forward(self, x: torch.Tensor, t: torch.Tensor,
                global_cond: torch.Tensor) -> torch.Tensor:
        step = self.step_encoder(sinusoidal_embedding(t, self.step_embed_dim))  # (B, dsed)
        cond = torch.cat([step, global_cond], dim=-1)  # (B, cond_dim)
        x = x.transpose(1, 2)  # (B, A, T): channels first for Conv1d
        skips = []
        for res1, res2, down in self.down:
            x = res2(res1(x, cond), cond)
            skips.append(x)
            x = down(x)
        for res in self.mid:
            x = res(x, cond)
        # The finest skip (level 0) goes unused, as in the reference implementation.
        for res1, res2, up in self.up:
            x = torch.cat([x, skips.pop()], dim=1)
            x = up(res2(res1(x, cond), cond))
        return self.final(x).transpose(1, 2)  # (B, T, A)


class DiffusionPolicyModel(nn.Module):
    """The UNet with a task embedding, its DDPM training loss and its DDIM sampler.

    Everything is in model space: ``obs_cond (B, n_obs_steps * F)`` the flattened features
    of the observation history (oldest first), ``actions (B, H, A)`` normalised actions.

    Args:
        obs_cond_dim: width of ``obs_cond``.
        act_dim: action size A.
        num_tasks: size of the task embedding table.
        cfg: architecture and schedule.
    """

    def __init__(self, obs_cond_dim: int, act_dim: int, num_tasks: int, cfg: DpConfig):
        super().__init__()
        from diffusers import DDPMScheduler  # heavy import, only where used

        self.cfg, self.act_dim = cfg, act_dim
        self.task = nn.Embedding(num_tasks, cfg.task_embed_dim)
        self.unet = ConditionalUnet1D(act_dim, obs_cond_dim + cfg.task_embed_dim, cfg)
        schedule = {'num_train_timesteps': cfg.num_train_timesteps,
                    'beta_schedule': 'squaredcos_cap_v2', 'prediction_type': 'epsilon',
                    'clip_sample': True, 'clip_sample_range': cfg.clip_sample_range}
        self.train_scheduler = DDPMScheduler(**schedule)
        self._schedule = schedule
        self.set_sampler('ddim', cfg.num_inference_steps)

    def set_sampler(self, sampler: str, num_steps: int | None = None) -> None:
        """Sample by DDIM in ``num_steps`` or by the full DDPM chain.

        DDPM is the DP paper's low-dim setting (100 steps); it checks that the fast
        sampler is not what limits DP.
        """
        from diffusers import DDIMScheduler, DDPMScheduler

        if sampler not in ('ddim', 'ddpm'):
            raise ValueError(f'unknown sampler {sampler!r}; valid: ddim, ddpm')
        steps = (num_steps or self.cfg.num_inference_steps if sampler == 'ddim'
                 else self.cfg.num_train_timesteps)
        if not 1 <= steps <= self.cfg.num_train_timesteps:
            raise ValueError(f'{steps} sampling steps: must be in [1, '
                             f'{self.cfg.num_train_timesteps}]')
        scheduler = (DDIMScheduler if sampler == 'ddim' else DDPMScheduler)(**self._schedule)
        scheduler.set_timesteps(steps)
        self.sample_scheduler, self.sampler_name = scheduler, f'{sampler}-{steps}'

    def global_cond(self, obs_cond: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        return torch.cat([obs_cond, self.task(task)], dim=-1)  # (B, G)

    def loss(self, obs_cond: torch.Tensor, task: torch.Tensor,
             actions: torch.Tensor) -> torch.Tensor:
        """Epsilon-prediction MSE over every step of the sequence, as DP trains."""
        noise = torch.randn_like(actions)
        t = torch.randint(0, self.cfg.num_train_timesteps, (len(actions),))
        noisy = self.train_scheduler.add_noise(actions, noise, t)
        return F.mse_loss(self.unet(noisy, t, self.global_cond(obs_cond, task)), noise)

    @torch.no_grad()
    def sample(self, obs_cond: torch.Tensor, task: torch.Tensor,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """Action sequences ``(B, H, A)`` from noise drawn with ``generator``.

        DDIM with eta 0 is deterministic given the initial noise; DDPM draws its per-step
        noise from ``generator`` too, so ``generator`` fixes the result either way.
        """
        cond = self.global_cond(obs_cond, task)
        x = torch.randn(len(cond), self.cfg.horizon, self.act_dim, generator=generator)
        for t in self.sample_scheduler.timesteps:
            eps = self.unet(x, t.expand(len(x)).to(x.device), cond)
            x = self.sample_scheduler.step(eps, t, x, generator=generator).prev_sample
        return x
