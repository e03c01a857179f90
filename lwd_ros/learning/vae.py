# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Stage 1 of LWD: a trajectory VAE whose decoder is a hypernetwork.

``q(z | snippet)`` encodes H steps of (state, action) into a latent; the decoder maps ``z``
(and the task) to *every weight and bias* of a small MLP policy ``obs -> action``, laid out
exactly as ``lwd_ros.runtime.mlp`` expects. The reconstruction loss is the MSE between that
generated policy's actions on the snippet's states and the demonstrated actions, so a latent
means "a feedback policy that reproduces this piece of behaviour" (Hegde et al. 2023; LWD).

Everything here works in normalised units (``lwd_ros.runtime.normalisation.NormStats``); the
generator folds the normalisation into the emitted weights.
"""

from __future__ import annotations

from collections.abc import Sequence
import math

import torch
from torch import nn
import torch.nn.functional as F

from lwd_ros.methods.lwd import VaeConfig
from lwd_ros.runtime.mlp import check_layer_sizes, num_params

TORCH_ACTIVATIONS = {'relu': F.relu, 'tanh': torch.tanh, 'elu': F.elu, 'silu': F.silu}


def sinusoidal_embedding(x: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """``(...,)`` positions or timesteps -> ``(..., dim)`` [sin | cos] features (Vaswani 2017)."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    angles = x.float().unsqueeze(-1) * freqs  # (..., half)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


def batched_mlp(weights: torch.Tensor, x: torch.Tensor, layer_sizes: Sequence[int],
                activation: str) -> torch.Tensor:
    """Run B generated MLPs, each on its own T inputs, with one ``baddbmm`` per layer.

    Args:
        weights: ``(B, P)`` flat weights in the ``lwd_ros.runtime.mlp`` layout.
        x: ``(B, T, obs_dim)`` inputs.
        layer_sizes: ``(obs_dim, hidden..., act_dim)``.
        activation: key of ``TORCH_ACTIVATIONS``; not applied after the last layer.

    Returns:
        ``(B, T, act_dim)``, equal to ``MlpPolicy(layer_sizes, weights[b]).act(x[b])``.
    """
    sizes = check_layer_sizes(layer_sizes)
    act = TORCH_ACTIVATIONS[activation]
    pairs = list(zip(sizes[:-1], sizes[1:]))
    # One split, not slicing: slice backward zero-fills a (B, P) gradient per slice.
    parts = weights.split([n for i, o in pairs for n in (i * o, o)], dim=1)
    B, last = weights.shape[0], len(pairs) - 1
    for layer, (fan_in, fan_out) in enumerate(pairs):
        w = parts[2 * layer].reshape(B, fan_out, fan_in)
        b = parts[2 * layer + 1]
        x = torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))  # (B, T, fan_out)
        if layer != last:
            x = act(x)
    return x


def standard_init(layer_sizes: Sequence[int],
                  generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """A flat ``nn.Linear``-style init and the per-parameter scale ``1/sqrt(fan_in)``.

    Returns ``(base, gain)``, both ``(P,)`` in the ``lwd_ros.runtime.mlp`` layout.
    """
    sizes = check_layer_sizes(layer_sizes)
    base, gain = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        n = fan_in * fan_out + fan_out
        base.append((torch.rand(n, generator=generator) * 2 - 1) * bound)
        gain.append(torch.full((n,), bound))
    return torch.cat(base), torch.cat(gain)


class SnippetEncoder(nn.Module):
    """``q(z | snippet, task)``: per-step MLP, masked mean+max pooling, MLP to (mu, log-var).

    Pooling (with a sinusoidal step-position feature) handles fixed-H snippets and variable
    length full trajectories with the same weights.
    """

    def __init__(self, obs_dim: int, act_dim: int, num_tasks: int, cfg: VaeConfig,
                 pos_dim: int = 16):
        super().__init__()
        D = cfg.encoder_hidden
        self.pos_dim = pos_dim
        self.step = nn.Sequential(nn.Linear(obs_dim + act_dim + pos_dim, D), nn.SiLU(),
                                  nn.Linear(D, D), nn.SiLU())
        self.task = nn.Embedding(num_tasks, cfg.task_embed_dim)
        self.head = nn.Sequential(nn.Linear(2 * D + cfg.task_embed_dim, D), nn.SiLU(),
                                  nn.Linear(D, 2 * cfg.latent_dim))

    def forward(self, obs: torch.Tensor, act: torch.Tensor, mask: torch.Tensor,
                task: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        B, T, _ = obs.shape
        pos = sinusoidal_embedding(torch.arange(T), self.pos_dim).expand(B, T, self.pos_dim)
        h = self.step(torch.cat([obs, act, pos], dim=-1))  # (B, T, D)
        m = mask.unsqueeze(-1)  # (B, T, 1)
        mean = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        peak = h.masked_fill(m == 0, -1e4).amax(1)
        out = self.head(torch.cat([mean, peak, self.task(task)], dim=-1))  # (B, 2L)
        mu, logvar = out.chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 6.0)


class HyperDecoder(nn.Module):
    """``(z, task) -> (B, P)`` flat policy weights, generated in chunks by one shared head.

    ``weights = base + gain * delta(z, task)``: ``base`` is a learned, normally initialised
    MLP and ``gain = 1/sqrt(fan_in)`` per target layer, so at initialisation every latent
    decodes to a well-scaled network (Chang et al. 2020 on hypernetwork init) and the latent
    only has to learn the deviation. ``delta`` is cut into ``C = ceil(P / S)`` chunks of ``S``
    values; chunk ``c`` is ``head(silu(trunk(z, task) + e_c))`` with a learned chunk embedding
    ``e_c`` (von Oswald et al. 2020). Output cost is ``P * head_hidden`` multiply-adds and the
    parameter count is ``C * head_hidden + head_hidden * S``, instead of ``P * width`` for one
    linear layer producing every weight.
    """

    def __init__(self, layer_sizes: Sequence[int], num_tasks: int, cfg: VaeConfig):
        super().__init__()
        self.layer_sizes = check_layer_sizes(layer_sizes)
        self.num_params = num_params(self.layer_sizes)
        self.chunk_size = cfg.chunk_size
        num_chunks = math.ceil(self.num_params / cfg.chunk_size)
        D, Hh = cfg.decoder_hidden, cfg.head_hidden
        self.task = nn.Embedding(num_tasks, cfg.task_embed_dim)
        self.trunk = nn.Sequential(
            nn.Linear(cfg.latent_dim + cfg.task_embed_dim, D), nn.SiLU(),
            nn.Linear(D, D), nn.SiLU(), nn.Linear(D, Hh))
        self.chunk_embed = nn.Parameter(torch.randn(num_chunks, Hh))
        self.head = nn.Linear(Hh, cfg.chunk_size)
        nn.init.normal_(self.head.weight, std=cfg.delta_scale / math.sqrt(Hh))
        nn.init.zeros_(self.head.bias)
        base, gain = standard_init(self.layer_sizes)
        self.base = nn.Parameter(base)
        self.register_buffer('gain', gain)

    def forward(self, z: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        h = self.trunk(torch.cat([z, self.task(task)], dim=-1))  # (B, Hh)
        hidden = F.silu(h.unsqueeze(1) + self.chunk_embed)  # (B, C, Hh)
        delta = self.head(hidden).flatten(1)  # (B, C * S)
        delta = delta.split([self.num_params, delta.shape[1] - self.num_params], dim=1)[0]
        return torch.addcmul(self.base, self.gain, delta)  # (B, P)


class TrajectoryVae(nn.Module):
    """Snippet encoder + hypernetwork decoder + the action-reconstruction ELBO."""

    def __init__(self, obs_dim: int, act_dim: int, num_tasks: int,
                 hidden_sizes: Sequence[int], activation: str, cfg: VaeConfig):
        super().__init__()
        self.cfg = cfg
        self.activation = activation
        self.layer_sizes = check_layer_sizes((obs_dim, *hidden_sizes, act_dim))
        self.encoder = SnippetEncoder(obs_dim, act_dim, num_tasks, cfg)
        self.decoder = HyperDecoder(self.layer_sizes, num_tasks, cfg)

    def encode(self, obs: torch.Tensor, act: torch.Tensor, mask: torch.Tensor,
               task: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.encoder(obs, act, mask, task)

    def decode(self, z: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        return self.decoder(z, task)

    def policy_actions(self, weights: torch.Tensor, obs: torch.Tensor) -> torch.Tensor:
        """Actions ``(B, T, act_dim)`` of the generated policies ``(B, P)`` on ``(B, T, obs)``."""
        return batched_mlp(weights, obs, self.layer_sizes, self.activation)

    def action_mse(self, weights: torch.Tensor, obs: torch.Tensor, act: torch.Tensor,
                   mask: torch.Tensor) -> torch.Tensor:
        """Masked mean squared action error of generated policies on snippets."""
        se = (self.policy_actions(weights, obs) - act).square().mean(-1)  # (B, T)
        return (se * mask).sum() / mask.sum().clamp(min=1.0)

    def forward(self, obs: torch.Tensor, act: torch.Tensor, mask: torch.Tensor,
                task: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Negative ELBO ``recon + beta * KL`` for a batch of snippets, and its parts."""
        mu, logvar = self.encode(obs, act, mask, task)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        recon = self.action_mse(self.decode(z, task), obs, act, mask)
        kl = 0.5 * (mu.square() + logvar.exp() - 1.0 - logvar).sum(-1).mean()
        loss = recon + self.cfg.beta * kl
        return loss, {'loss': loss.detach(), 'recon': recon.detach(), 'kl': kl.detach()}
