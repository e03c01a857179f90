# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The runtime face of LWD: ``(observation, task) -> GeneratedPolicy``.

``lwd_ros.runtime.loader.load_generator(path)`` opens a training checkpoint (torch backend,
``lwd_ros.learning.torch_generator``) or an ONNX export (onnxruntime backend, no torch
import); both subclass this one and share its ``generate``:

1. map the observation (history) into the model space (features in the task frame,
   normalised: ``lwd_ros.runtime.features``) and look up the task index;
2. draw the initial latent and all sampler noise from the caller's ``numpy`` RNG, so the two
   backends produce the same policy from the same seed;
3. run the sampling plan (``lwd_ros.runtime.sampler``) through the backend's denoiser;
4. decode the latent into normalised-space MLP weights with the hypernetwork;
5. fold the task frame and normalisation into the first and last layer (``fold_affine``;
   relative actions add an exact skip path, ``carry_skip``),
   so the numpy ``MlpPolicy`` takes the named features of raw observations and returns raw
   actions.

Warm start (beyond the paper; cf. SDEdit, Meng et al. 2022): given the previous policy of the
same task, re-noise its latent to ``strength`` of the chain and run only that tail. Neighbouring
states call for similar policies, so a partial chain suffices and keeps consecutive policies
consistent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import time
from typing import Any

import numpy as np

from lwd_ros.config import check
from lwd_ros.methods.lwd import DiffusionConfig
from lwd_ros.runtime.checkpoint import CheckpointMeta
from lwd_ros.runtime.features import FeatureMap, horizon_feature
from lwd_ros.runtime.mlp import MlpPolicy, flops_per_step, num_params
from lwd_ros.runtime.sampler import SamplerPlan, make_plan


@dataclass
class GeneratorConfig:
    """How a generator node samples (also the ``policy_generator`` node's parameters).

    Args:
        checkpoint: training checkpoint (torch) or ONNX export directory; relative paths
            may name shipped models (``models/<robot>``). No default: the launch file
            or params file says which.
        backend: ``auto`` (by content), ``torch`` or ``onnx``.
        sampler: '' = the checkpoint's (ddim); ``ddpm`` = the full chain.
        num_steps: DDIM steps; 0 = the checkpoint's.
        warm_start: re-noise strength of the previous latent in [0, 1] (0 = cold start).
        seed: seed of the sampling noise.
        task: initial task; '' = the checkpoint's first.
        action_horizon: policy steps between generations (H); 0 = the trained horizon.
        policy_rate: Hz of policy steps; 0 = the robot contract's (the rate it was trained at).
        noise_scale: initial latent noise scale (1 = as trained).
        robots: 0 = one robot in the node's namespace; N = a fleet under ``/robot_0`` ...
            ``/robot_{N-1}``, the generations due at a step batched in one call.
        robot: the robot contract served (YAML file or shipped name); '' = the checkpoint's.
            A checkpoint trained on another contract is refused, the difference named.
        device: where the torch backend samples: ``cpu``, ``auto`` (a GPU if there is
            one), ``cuda`` or ``cuda:N``; a fleet's batched generations gain on a GPU.
    """

    checkpoint: str = ''
    backend: str = 'auto'
    sampler: str = ''
    num_steps: int = 0
    warm_start: float = 0.0
    seed: int = 0
    task: str = ''
    action_horizon: int = 0
    policy_rate: float = 0.0
    noise_scale: float = 1.0
    robots: int = 0
    robot: str = ''
    device: str = 'cpu'

    def __post_init__(self):
        check(bool(self.checkpoint), 'checkpoint', self.checkpoint, 'must name a trained '
              'checkpoint or ONNX export directory (e.g. models/<robot>)')
        check(self.robots >= 0, 'robots', self.robots, 'must be >= 0 (0: one robot)')
        check(0.0 <= self.warm_start <= 1.0, 'warm_start', self.warm_start,
              'must be in [0, 1] (0: cold)')
        for name in ('num_steps', 'action_horizon', 'policy_rate'):
            check(getattr(self, name) >= 0, name, getattr(self, name),
                  "must be >= 0 (0: the checkpoint's)")


@dataclass
class GeneratedPolicy:
    """One generated policy, ready for ``MlpPolicy`` or a ``PolicyWeights`` message.

    Args:
        layer_sizes: ``(num_features, hidden..., act_dim)``.
        weights: ``(P,)`` float32 in the ``lwd_ros.runtime.mlp`` layout, frame and
            normalisation folded.
        activation: hidden-layer activation name.
        features: computes the MLP's input from a raw observation (its names go into
            ``PolicyWeights.obs_names``).
        latent: ``(latent_dim,)`` float32 standardised diffusion latent that was decoded.
        latency_s: wall time of ``generate`` (sampling + decoding + folding).
        task: the task it was generated for.
        sampler: the sampling plan, e.g. ``ddim-10``, ``ddpm-1000``, ``ddim-10-warm3``.
    """

    layer_sizes: tuple[int, ...]
    weights: np.ndarray
    activation: str
    features: FeatureMap
    latent: np.ndarray
    latency_s: float
    task: str
    sampler: str = ''

    @property
    def num_params(self) -> int:
        return int(self.weights.size)

    def policy(self) -> MlpPolicy:
        """Build the numpy ``MlpPolicy`` (raw obs in, raw action out)."""
        return MlpPolicy(self.layer_sizes, self.weights, self.activation, self.features)


class PolicyGenerator:
    """Generate MLP policies from observations; the backends implement ``_sample``/``_decode``.

    Args:
        meta: the checkpoint's metadata (tasks, normalisation, policy layout).
        diffusion: the checkpoint's diffusion config (schedule, default sampler).
        sampler: ``ddim`` or ``ddpm`` (full chain); default from the config.
        num_steps: DDIM steps; default from the config.
        warm_start: default warm-start strength in [0, 1] (0 = off); default from the config.
        seed: seed of the RNG used when ``generate`` gets no ``rng``.
        noise_scale: scale of the initial latent noise (1 = the trained distribution; < 1
            trades diversity for typicality, as truncation sampling does).
    """

    backend = 'base'

    def __init__(self, meta: CheckpointMeta, diffusion: DiffusionConfig,
                 sampler: str | None = None, num_steps: int | None = None,
                 warm_start: float | None = None, seed: int | None = None,
                 noise_scale: float = 1.0):
        if meta.latent_dim < 1:  # a baseline (BC, DP): no latent to generate from
            raise ValueError(f'method {meta.method!r}: a baseline checkpoint has no generator')
        self.meta = meta
        self.diffusion_cfg = diffusion
        self._task_index = {name: i for i, name in enumerate(meta.tasks)}
        self._rng = np.random.default_rng(seed)
        strength = diffusion.warm_start if warm_start is None else float(warm_start)
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f'{warm_start=} must be in [0, 1]')
        self.warm_start = strength
        if not noise_scale > 0:
            raise ValueError(f'{noise_scale=} must be positive')
        self.noise_scale = float(noise_scale)
        self.plan = self.set_sampler(sampler or diffusion.sampler, num_steps)

    # -- what a node needs -------------------------------------------------------------
    @property
    def tasks(self) -> tuple[str, ...]:
        return self.meta.tasks

    @property
    def obs_dim(self) -> int:
        return self.meta.obs_dim

    @property
    def act_dim(self) -> int:
        return self.meta.act_dim

    @property
    def feature_names(self) -> tuple[str, ...]:
        """What the generated MLP takes, by name (``PolicyWeights.obs_names``)."""
        return self.meta.features

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self.meta.layer_sizes

    @property
    def activation(self) -> str:
        return self.meta.activation

    @property
    def latent_dim(self) -> int:
        return self.meta.latent_dim

    @property
    def obs_history(self) -> int:
        return self.meta.obs_history

    @property
    def deployed_layer_sizes(self) -> tuple[int, ...]:
        """The emitted MLP's layers (wider than ``layer_sizes`` by any skip path)."""
        return self.meta.deployed_layer_sizes

    @property
    def num_params(self) -> int:
        return num_params(self.deployed_layer_sizes)

    @property
    def flops_per_step(self) -> int:
        return flops_per_step(self.deployed_layer_sizes)

    def task_index(self, task: str) -> int:
        if task not in self._task_index:
            raise ValueError(f'unknown task {task!r}; valid tasks: {list(self.tasks)}')
        return self._task_index[task]

    def set_sampler(self, sampler: str, num_steps: int | None = None) -> SamplerPlan:
        """Switch between ``ddim`` (``num_steps``, default from config) and full ``ddpm``."""
        d = self.diffusion_cfg
        self.plan = make_plan(d.num_train_timesteps, d.beta_schedule, d.prediction_type,
                              sampler, num_steps or d.num_inference_steps, d.timestep_spacing)
        return self.plan

    def condition(self, obs: np.ndarray, task: str, horizon: int | None = None) -> np.ndarray:
        """``(obs_dim,)`` or ``(k, obs_dim)`` (oldest first) -> ``(1, cond_dim)`` model inputs.

        Fewer than ``K = obs_history`` rows are front-padded with the oldest, as in training.
        A horizon-conditioned model also gets ``horizon`` (default: the trained one).
        """
        obs = np.asarray(obs, np.float32)
        obs = obs[None] if obs.ndim == 1 else obs
        if obs.ndim != 2 or obs.shape[1] != self.obs_dim or len(obs) == 0:
            raise ValueError(f'{obs.shape=} must be ({self.obs_dim},) or (k, {self.obs_dim})')
        if not np.all(np.isfinite(obs)):
            raise ValueError(f'observation is not finite: {obs}')
        K = self.obs_history
        obs = obs[-K:]
        if len(obs) < K:
            obs = np.concatenate([np.repeat(obs[:1], K - len(obs), 0), obs])
        cond = self.meta.space.obs_in(obs, task).reshape(1, -1)
        if not self.meta.horizons:
            return cond
        h = self.default_horizon if horizon is None else int(horizon)
        return np.concatenate([cond, [[horizon_feature(h)]]], 1).astype(np.float32)

    @property
    def default_horizon(self) -> int:
        """The action horizon the policies were trained for (0: one policy per episode).

        8, the default snippet length, for a checkpoint that does not record it.
        """
        return 8 if self.meta.horizon is None else self.meta.horizon

    def generate(self, obs: np.ndarray, task: str, rng: np.random.Generator | None = None,
                 warm_start: GeneratedPolicy | np.ndarray | None = None,
                 strength: float | None = None, horizon: int | None = None) -> GeneratedPolicy:
        """Sample a latent for ``(obs, task)`` and decode it into a deployable policy.

        Args:
            obs: current raw observation ``(obs_dim,)``, or a history ``(k, obs_dim)``.
            task: one of ``tasks``.
            rng: source of all randomness (default: the generator's own seeded RNG).
            warm_start: the previous policy (or its latent) to start from; ignored when it
                was generated for another task (a task switch starts cold).
            strength: warm-start strength (default ``self.warm_start``); 0 or 1 = cold start.
            horizon: control steps the policy will run (a horizon-conditioned model
                generates for it; default ``default_horizon``).
        """
        t0 = time.perf_counter()
        k = self.task_index(task)
        cond = self.condition(obs, task, horizon)
        rng = self._rng if rng is None else rng
        plan, L = self.plan, self.latent_dim
        prev = warm_start
        if isinstance(warm_start, GeneratedPolicy):
            prev = warm_start.latent if warm_start.task == task else None
        s = self.warm_start if strength is None else float(strength)
        if prev is not None and 0.0 < s < 1.0:
            plan = plan.tail(s)
            u = plan.renoise(np.asarray(prev, np.float32).reshape(1, L),
                             rng.standard_normal((1, L)))
        else:
            u = (self.noise_scale * rng.standard_normal((1, L))).astype(np.float32)
        noise = (rng.standard_normal((len(plan), 1, L)).astype(np.float32)
                 if plan.stochastic else None)
        tasks = np.array([k], np.int64)
        u0 = self._sample(plan, u, cond, tasks, noise)  # (1, L)
        return self._emit(u0[0], self._decode(u0, tasks)[0], task, plan.name, t0)

    def generate_batch(self, observations: Sequence[np.ndarray], tasks: Sequence[str],
                       rngs: Sequence[np.random.Generator],
                       horizon: int | None = None) -> list[GeneratedPolicy]:
        """Cold-start policies for several robots in one diffusion call (a fleet).

        Item ``i`` draws its noise from ``rngs[i]`` in the order ``generate`` does, so it is
        the policy ``generate(observations[i], tasks[i], rngs[i])`` returns (to float
        round-off): batching changes the cost, not the behaviour. ``latency_s`` of each is
        the wall time of the whole batch.
        """
        if not len(observations) == len(tasks) == len(rngs) or not len(tasks):
            raise ValueError('need one task and one rng per observation (and at least one)')
        t0 = time.perf_counter()
        plan, L = self.plan, self.latent_dim
        index = np.array([self.task_index(t) for t in tasks], np.int64)
        cond = np.concatenate([self.condition(o, t, horizon)
                               for o, t in zip(observations, tasks)])
        u, noise = [], []
        for rng in rngs:
            u.append(self.noise_scale * rng.standard_normal((1, L)))
            if plan.stochastic:
                noise.append(rng.standard_normal((len(plan), 1, L)))
        u = np.concatenate(u).astype(np.float32)
        noise = np.concatenate(noise, axis=1).astype(np.float32) if plan.stochastic else None
        u0 = self._sample(plan, u, cond, index, noise)  # (B, L)
        weights = self._decode(u0, index)  # (B, P)
        return [self._emit(u0[i], weights[i], t, plan.name, t0) for i, t in enumerate(tasks)]

    def _emit(self, u0: np.ndarray, w: np.ndarray, task: str, sampler: str,
              t0: float) -> GeneratedPolicy:
        space = self.meta.space
        sizes, weights = space.fold(self.layer_sizes, w, task, self.activation)
        return GeneratedPolicy(sizes, weights, self.activation, space.features,
                               u0.reshape(self.latent_dim).astype(np.float32),
                               time.perf_counter() - t0, task, sampler)

    # -- backend hooks -----------------------------------------------------------------
    def _sample(self, plan: SamplerPlan, u: np.ndarray, cond: np.ndarray, task: np.ndarray,
                noise: np.ndarray | None) -> np.ndarray:
        """Run ``plan`` from ``u (B, L)`` for task indices ``(B,)``; clean latents ``(B, L)``."""
        raise NotImplementedError

    def _decode(self, u: np.ndarray, task: np.ndarray) -> np.ndarray:
        """Standardised latents ``(B, L)`` -> normalised-space flat weights ``(B, P)``."""
        raise NotImplementedError


def check_robot(trained: Any, robot: str) -> None:
    """Refuse to serve ``robot`` (a contract reference) with a checkpoint of another robot.

    Raises:
        ValueError: naming every key in which the two contracts differ.
    """
    if not robot:
        return
    from lwd_ros.contract import get_contract

    problems = get_contract(robot).differences(trained)
    if problems:
        raise ValueError(f'the checkpoint was trained on robot {trained.name!r}, which differs '
                         f'from {robot}: ' + '; '.join(problems))
