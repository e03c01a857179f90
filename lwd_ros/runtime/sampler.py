# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Diffusion sampling plans in numpy: the whole sampler as three coefficient tables.

With the thresholding/clipping of diffusers switched off (latents are unbounded), one DDIM
(eta = 0) or DDPM step is *linear* in the current sample ``z`` and the model output ``m``:

    z_prev = a_k * z + b_k * m + s_k * noise_k

for every prediction type. Precomputing ``(t_k, a_k, b_k, s_k)`` once removes all scheduler
logic and Python overhead from the sampling loop, and gives the torch and onnxruntime
generators the same arithmetic. ``test_generator.py`` checks each plan step for step against
``diffusers.DDIMScheduler.step`` / ``DDPMScheduler.step``.

Numpy only (no torch, no diffusers): the onnxruntime generator uses it too.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np


def alphas_cumprod(num_train_timesteps: int, beta_schedule: str,
                   beta_start: float = 1e-4, beta_end: float = 0.02) -> np.ndarray:
    """``(T,)`` cumulative products of ``1 - beta``, computed as diffusers does (float32)."""
    T = int(num_train_timesteps)
    if beta_schedule == 'linear':
        betas = np.linspace(beta_start, beta_end, T, dtype=np.float32)
    elif beta_schedule == 'scaled_linear':
        betas = np.linspace(beta_start ** 0.5, beta_end ** 0.5, T, dtype=np.float32) ** 2
    elif beta_schedule == 'squaredcos_cap_v2':
        # Nichol & Dhariwal 2021 cosine schedule, betas capped at 0.999 (diffusers' "GLIDE").
        def alpha_bar(t: float) -> float:
            return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = np.array([min(1 - alpha_bar((i + 1) / T) / alpha_bar(i / T), 0.999)
                          for i in range(T)], dtype=np.float32)
    else:
        raise ValueError(f'unknown {beta_schedule=}')
    return np.cumprod(1.0 - betas, dtype=np.float32)


def _x0_eps_coefficients(ab: float, prediction_type: str) -> tuple[float, float, float, float]:
    """``(p_z, p_m, e_z, e_m)`` with ``x0 = p_z z + p_m m`` and ``eps = e_z z + e_m m``."""
    sa, sb = math.sqrt(ab), math.sqrt(1.0 - ab)
    if prediction_type == 'epsilon':
        return 1.0 / sa, -sb / sa, 0.0, 1.0
    if prediction_type == 'sample':
        return 0.0, 1.0, 1.0 / sb, -sa / sb
    if prediction_type == 'v_prediction':
        return sa, -sb, sb, sa
    raise ValueError(f'unknown {prediction_type=}')


@dataclass(frozen=True)
class SamplerPlan:
    """A reverse-diffusion schedule as coefficient tables (module docstring).

    Args:
        name: e.g. ``ddim-10`` or ``ddpm-1000`` (reported with each generated policy).
        timesteps: ``(K,)`` int64 training timesteps the denoiser is queried at, descending.
        coef_sample: ``(K,)`` float64 ``a_k``.
        coef_model: ``(K,)`` float64 ``b_k``.
        coef_noise: ``(K,)`` float64 ``s_k`` (all zero for deterministic DDIM).
        alphas_cumprod: ``(T,)`` the training schedule, for re-noising warm starts.
    """

    name: str
    timesteps: np.ndarray
    coef_sample: np.ndarray
    coef_model: np.ndarray
    coef_noise: np.ndarray
    alphas_cumprod: np.ndarray

    def __len__(self) -> int:
        return len(self.timesteps)

    @property
    def stochastic(self) -> bool:
        return bool(np.any(self.coef_noise > 0))

    def tail(self, strength: float) -> SamplerPlan:
        """The last ``round(strength * K)`` steps (at least one), for warm starts (SDEdit)."""
        if not 0.0 < strength <= 1.0:
            raise ValueError(f'{strength=} must be in (0, 1]')
        k = max(1, int(round(strength * len(self))))
        if k == len(self):
            return self
        return SamplerPlan(f'{self.name}-warm{k}', self.timesteps[-k:], self.coef_sample[-k:],
                           self.coef_model[-k:], self.coef_noise[-k:], self.alphas_cumprod)

    def renoise(self, latent: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """Diffuse a clean latent forward to this plan's first timestep (``q(z_t | z_0)``)."""
        ab = float(self.alphas_cumprod[self.timesteps[0]])
        return (math.sqrt(ab) * latent + math.sqrt(1.0 - ab) * noise).astype(np.float32)


def ddim_plan(acp: np.ndarray, num_inference_steps: int, prediction_type: str,
              timestep_spacing: str = 'trailing', set_alpha_to_one: bool = True,
              steps_offset: int = 0) -> SamplerPlan:
    """Deterministic DDIM (eta = 0) with diffusers' timestep spacings and step rule."""
    T, n = len(acp), int(num_inference_steps)
    if not 1 <= n <= T:
        raise ValueError(f'{num_inference_steps=} must be in [1, {T}]')
    if timestep_spacing == 'linspace':
        ts = np.linspace(0, T - 1, n).round()[::-1].astype(np.int64)
    elif timestep_spacing == 'leading':
        ts = (np.arange(n) * (T // n)).round()[::-1].astype(np.int64) + steps_offset
    elif timestep_spacing == 'trailing':
        ts = np.round(np.arange(T, 0, -T / n)).astype(np.int64) - 1
    else:
        raise ValueError(f'unknown {timestep_spacing=}')
    final = 1.0 if set_alpha_to_one else float(acp[0])
    a, b = np.zeros(n), np.zeros(n)
    for k, t in enumerate(ts):
        prev = t - T // n  # diffusers' DDIM rule, whatever the spacing
        ab, ab_prev = float(acp[t]), (float(acp[prev]) if prev >= 0 else final)
        p_z, p_m, e_z, e_m = _x0_eps_coefficients(ab, prediction_type)
        sp, sd = math.sqrt(ab_prev), math.sqrt(1.0 - ab_prev)
        a[k], b[k] = sp * p_z + sd * e_z, sp * p_m + sd * e_m
    return SamplerPlan(f'ddim-{n}', ts, a, b, np.zeros(n), acp)


def ddpm_plan(acp: np.ndarray, prediction_type: str) -> SamplerPlan:
    """The full ancestral DDPM chain (every training timestep), "fixed_small" variance."""
    T = len(acp)
    ts = np.arange(T - 1, -1, -1, dtype=np.int64)
    a, b, s = np.zeros(T), np.zeros(T), np.zeros(T)
    for k, t in enumerate(ts):
        ab = float(acp[t])
        ab_prev = float(acp[t - 1]) if t > 0 else 1.0
        alpha_t = ab / ab_prev
        beta_t = 1.0 - alpha_t
        c_x0 = math.sqrt(ab_prev) * beta_t / (1.0 - ab)
        c_z = math.sqrt(alpha_t) * (1.0 - ab_prev) / (1.0 - ab)
        p_z, p_m, _, _ = _x0_eps_coefficients(ab, prediction_type)
        a[k], b[k] = c_x0 * p_z + c_z, c_x0 * p_m
        if t > 0:
            s[k] = math.sqrt(max((1.0 - ab_prev) / (1.0 - ab) * beta_t, 1e-20))
    return SamplerPlan(f'ddpm-{T}', ts, a, b, s, acp)


def make_plan(num_train_timesteps: int, beta_schedule: str, prediction_type: str,
              sampler: str, num_inference_steps: int = 10,
              timestep_spacing: str = 'trailing') -> SamplerPlan:
    """The plan for a checkpoint's diffusion config: ``ddim`` (K steps) or ``ddpm`` (all)."""
    acp = alphas_cumprod(num_train_timesteps, beta_schedule)
    if sampler == 'ddim':
        return ddim_plan(acp, num_inference_steps, prediction_type, timestep_spacing)
    if sampler == 'ddpm':
        return ddpm_plan(acp, prediction_type)
    raise ValueError(f"unknown {sampler=}; valid: 'ddim', 'ddpm'")
