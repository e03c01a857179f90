# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Deploy a BC baseline checkpoint as one numpy ``MlpPolicy`` per task (no torch).

The baseline is ``[obs_n, one_hot(task)] -> act_n``. For a fixed task the one-hot input is a
constant, so its column of the first weight matrix folds into the first bias; the task frame
and normalisation fold in as for generated policies. The result has the same layout, size class and
controller path as an LWD policy.

``FixedPolicyGenerator`` serves those policies through the generator node, so a lab without a
simulator compares BC and LWD on its robot through the same graph (``lwd launch policy
checkpoint:=runs/my_bc``): the node publishes the task's one MLP when an episode starts or the
task switches (``valid_for_steps`` 0: it never expires), and nothing is sampled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
import time
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file

from lwd_ros.runtime.checkpoint import (
    MODEL_FILE,
    CheckpointError,
    CheckpointMeta,
    read_meta,
    verify_file,
)
from lwd_ros.runtime.generator import GeneratedPolicy
from lwd_ros.runtime.mlp import MlpPolicy, flatten_layers, num_params


def bc_task_weights(state: dict[str, np.ndarray], obs_dim: int, task_index: int,
                    prefix: str = 'bc.') -> np.ndarray:
    """Flat model-space weights for one task, layer sizes ``(obs_dim, ..., act_dim)``."""
    n = len([k for k in state if k.startswith(f'{prefix}layers.') and k.endswith('.weight')])
    layers = [(np.asarray(state[f'{prefix}layers.{i}.weight'], np.float64),
               np.asarray(state[f'{prefix}layers.{i}.bias'], np.float64)) for i in range(n)]
    w0, b0 = layers[0]
    layers[0] = (w0[:, :obs_dim], b0 + w0[:, obs_dim + task_index])
    return flatten_layers(layers).astype(np.float32)


def load_bc_policies(path: str | Path) -> dict[str, MlpPolicy]:
    """``{task: MlpPolicy}`` from a ``bc`` checkpoint directory (raw obs in, raw action out)."""
    meta = read_meta(path)
    return {task: MlpPolicy(sizes, w, meta.activation, meta.space.features)
            for task, (sizes, w) in bc_weights(path, meta).items()}


Weights = dict[str, tuple[tuple[int, ...], np.ndarray]]  # task -> (layer sizes, flat weights)


def bc_weights(path: str | Path, meta: CheckpointMeta) -> Weights:
    """``{task: (layer_sizes, flat weights)}`` of a ``bc`` checkpoint, raw units folded in."""
    if meta.method != 'bc':
        raise CheckpointError(Path(path) / 'meta.json', f'method is {meta.method!r}, not bc: '
                              'the graph runs MLP policies (lwd, warpd, bc); a policy of '
                              'action sequences (dp) runs in lwd eval')
    file = verify_file(path, meta, MODEL_FILE)
    try:
        state = load_file(str(file))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(file, f'unreadable safetensors file ({e})') from e
    weights = {}
    for i, task in enumerate(meta.tasks):
        try:
            w = bc_task_weights(state, meta.num_features, i)
            weights[task] = meta.space.fold(meta.layer_sizes, w, task, meta.activation)
        except (KeyError, ValueError, IndexError) as e:
            raise CheckpointError(file, f'BC weights do not match meta.json ({e!r})') from e
    return weights


@dataclass(frozen=True)
class FixedPlan:
    """What a generator node logs as its sampler: nothing is sampled."""

    name: str = 'none (one fixed policy per task)'


class FixedPolicyGenerator:
    """A ``bc`` checkpoint behind the generator node's interface (module docstring).

    ``generate`` returns the task's policy whatever the observation; ``default_horizon`` is
    0, so the node publishes it once per episode and task switch and the controller never
    lets it expire.
    """

    backend = 'numpy'
    plan = FixedPlan()
    default_horizon = 0

    def __init__(self, meta: CheckpointMeta, weights: Weights):
        self.meta = meta
        self._weights = weights

    @property
    def tasks(self) -> tuple[str, ...]:
        return self.meta.tasks

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.meta.features

    @property
    def obs_history(self) -> int:
        return 1

    @property
    def deployed_layer_sizes(self) -> tuple[int, ...]:
        """The MLP the controller runs (folding may add a skip path's units)."""
        return next(iter(self._weights.values()))[0]

    @property
    def num_params(self) -> int:
        return num_params(self.deployed_layer_sizes)

    def generate(self, obs: np.ndarray, task: str, rng: np.random.Generator | None = None,
                 **_: Any) -> GeneratedPolicy:
        """The task's policy (``obs``, ``rng``, warm starts and horizons change nothing)."""
        t0 = time.perf_counter()
        if task not in self._weights:
            raise ValueError(f'unknown task {task!r}; valid tasks: {list(self.tasks)}')
        sizes, w = self._weights[task]
        return GeneratedPolicy(sizes, w, self.meta.activation, self.meta.space.features,
                               np.zeros(0, np.float32), time.perf_counter() - t0, task,
                               self.plan.name)

    def generate_batch(self, observations: Sequence[np.ndarray], tasks: Sequence[str],
                       rngs: Sequence[np.random.Generator], horizon: int | None = None
                       ) -> list[GeneratedPolicy]:
        return [self.generate(o, t) for o, t in zip(observations, tasks)]
