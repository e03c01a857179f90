# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Checkpoint directory format and its torch-free metadata.

A checkpoint is a directory::

    model.safetensors   tensors: vae.* (stage 1), diffusion.* and ema.* (stage 2), or bc.*
    config.yaml         the resolved ``LwdConfig`` it was trained with
    meta.json           CheckpointMeta: tasks, normalisation, policy layout, file digests
    trainer_state.pt    optimiser/RNG state for ``lwd train --resume`` (removed when done)

An ONNX export directory has the same ``meta.json`` and ``config.yaml`` next to
``denoiser.onnx`` and ``decoder.onnx``. ``meta.json`` records the SHA-256 of every weight
file, so a truncated or corrupted file is reported as such instead of producing a policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import json
from pathlib import Path
from typing import Any

from lwd_ros.config import from_dict
from lwd_ros.data.snippets import NormStats
from lwd_ros.models.config import LwdConfig
from lwd_ros.policy.mlp import check_layer_sizes

FORMAT = 'lwd_ros.checkpoint'
VERSION = 1
META_FILE = 'meta.json'
CONFIG_FILE = 'config.yaml'
MODEL_FILE = 'model.safetensors'
TRAINER_STATE_FILE = 'trainer_state.pt'


class CheckpointError(ValueError):
    """A checkpoint file is missing, corrupt, or does not match the rest of the checkpoint."""

    def __init__(self, path: str | Path, problem: str):
        super().__init__(f'{path}: {problem}')
        self.path = Path(path)


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


@dataclass
class CheckpointMeta:
    """What a generator or evaluator needs besides the weights.

    Args:
        method: ``lwd`` or ``bc``.
        stage: ``vae`` (stage 1 finished), ``diffusion`` (stage 2 in progress) or ``done``.
        tasks: task names; a task's index is its position (embeddings, one-hot inputs).
        stats: observation/action normalisation of the training data.
        layer_sizes: the deployed MLP ``(obs_dim, hidden..., act_dim)``.
        activation: its activation.
        obs_history: observations the diffusion model is conditioned on.
        latent_dim: size of z (0 for ``bc``).
        angle_dims: observation dims given to the diffusion model as sine and cosine.
        files: SHA-256 digest of each weight file in the directory.
        training: free-form training record (dataset, steps, wall time, validation losses).
    """

    method: str
    stage: str
    tasks: tuple[str, ...]
    stats: NormStats
    layer_sizes: tuple[int, ...]
    activation: str
    obs_history: int = 1
    latent_dim: int = 0
    angle_dims: tuple[int, ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.tasks = tuple(self.tasks)
        self.angle_dims = tuple(int(i) for i in self.angle_dims)
        if any(not 0 <= i < self.layer_sizes[0] for i in self.angle_dims):
            raise ValueError(f'{self.angle_dims=} must index observations '
                             f'(obs_dim {self.layer_sizes[0]})')
        self.layer_sizes = check_layer_sizes(self.layer_sizes)
        if not self.tasks:
            raise ValueError(f'{self.tasks=} must name at least one task')
        if (self.stats.obs_dim, self.stats.act_dim) != (self.layer_sizes[0],
                                                        self.layer_sizes[-1]):
            raise ValueError(f'{self.layer_sizes=} does not match normalisation dims '
                             f'{self.stats.obs_dim=} {self.stats.act_dim=}')

    @property
    def obs_dim(self) -> int:
        return self.layer_sizes[0]

    @property
    def act_dim(self) -> int:
        return self.layer_sizes[-1]

    @property
    def cond_dim(self) -> int:
        """Width of the diffusion conditioning: ``obs_history * (obs_dim + len(angles))``."""
        return self.obs_history * (self.obs_dim + len(self.angle_dims))

    def to_dict(self) -> dict[str, Any]:
        return {'format': FORMAT, 'version': VERSION, 'method': self.method,
                'stage': self.stage, 'tasks': list(self.tasks), 'stats': self.stats.to_dict(),
                'layer_sizes': list(self.layer_sizes), 'activation': self.activation,
                'obs_history': self.obs_history, 'latent_dim': self.latent_dim,
                'angle_dims': list(self.angle_dims),
                'files': dict(self.files), 'training': self.training}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckpointMeta:
        data = dict(data)
        data.pop('format', None)
        data.pop('version', None)
        data['stats'] = NormStats.from_dict(data['stats'])
        return cls(**data)


def write_meta(directory: str | Path, meta: CheckpointMeta) -> None:
    path = Path(directory) / META_FILE
    tmp = path.with_suffix('.json.tmp')
    tmp.write_text(json.dumps(meta.to_dict(), indent=1) + '\n')
    tmp.replace(path)  # atomic: a crash never leaves half a meta.json


def read_meta(directory: str | Path) -> CheckpointMeta:
    """Read and validate ``meta.json``; raise ``CheckpointError`` naming file and problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CheckpointError(directory, 'checkpoint directory does not exist')
    path = directory / META_FILE
    if not path.is_file():
        raise CheckpointError(path, 'missing; not an lwd_ros checkpoint directory')
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(path, f'corrupt JSON ({e})') from e
    if not isinstance(data, dict) or data.get('format') != FORMAT:
        raise CheckpointError(path, f'not an lwd_ros checkpoint (format != {FORMAT!r})')
    if data.get('version') != VERSION:
        raise CheckpointError(path, f"format version {data.get('version')} is not {VERSION}")
    try:
        return CheckpointMeta.from_dict(data)
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(path, f'invalid metadata ({e!r})') from e


def read_config(directory: str | Path) -> LwdConfig:
    """The resolved training config stored with a checkpoint."""
    import yaml

    path = Path(directory) / CONFIG_FILE
    if not path.is_file():
        raise CheckpointError(path, 'missing resolved config')
    try:
        return from_dict(LwdConfig, yaml.safe_load(path.read_text()) or {})
    except (yaml.YAMLError, ValueError, TypeError) as e:
        raise CheckpointError(path, f'invalid config ({e})') from e


def verify_file(directory: str | Path, meta: CheckpointMeta, name: str) -> Path:
    """Check that weight file ``name`` exists and matches the digest recorded in meta."""
    path = Path(directory) / name
    if not path.is_file():
        raise CheckpointError(path, 'missing weight file')
    expected = meta.files.get(name)
    if expected is None:
        raise CheckpointError(Path(directory) / META_FILE, f'records no digest for {name}')
    if sha256(path) != expected:
        raise CheckpointError(path, 'corrupt or modified: SHA-256 differs from meta.json')
    return path
