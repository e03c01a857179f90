# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Deploy a BC baseline checkpoint as one numpy ``MlpPolicy`` per task (no torch).

The baseline is ``[obs_n, one_hot(task)] -> act_n``. For a fixed task the one-hot input is a
constant, so its column of the first weight matrix folds into the first bias; the task frame
and normalisation fold in as for generated policies. The result has the same layout, size class and
controller path as an LWD policy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file

from lwd_ros.runtime.checkpoint import MODEL_FILE, CheckpointError, read_meta, verify_file
from lwd_ros.runtime.mlp import MlpPolicy, flatten_layers


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
    if meta.method != 'bc':
        raise CheckpointError(Path(path) / 'meta.json', f'method is {meta.method!r}, not bc')
    file = verify_file(path, meta, MODEL_FILE)
    try:
        state = load_file(str(file))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(file, f'unreadable safetensors file ({e})') from e
    space = meta.space
    policies = {}
    for i, task in enumerate(meta.tasks):
        try:
            w = bc_task_weights(state, meta.num_features, i)
            sizes, w = space.fold(meta.layer_sizes, w, task, meta.activation)
        except (KeyError, ValueError, IndexError) as e:
            raise CheckpointError(file, f'BC weights do not match meta.json ({e!r})') from e
        policies[task] = MlpPolicy(sizes, w, meta.activation, space.features)
    return policies
