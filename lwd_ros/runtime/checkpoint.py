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

from dataclasses import dataclass, field, fields
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from lwd_ros.config import from_dict
from lwd_ros.contract import RobotContract
from lwd_ros.experiment import LwdConfig
from lwd_ros.runtime.features import FeatureMap, ModelSpace, PlanarFrames
from lwd_ros.runtime.mlp import check_layer_sizes
from lwd_ros.runtime.normalisation import NormStats

FORMAT = 'lwd_ros.checkpoint'
# 4: meta.json carries the robot contract (lwd_ros.contract), data only; 3: an env spec with
# Python references (read: its contract part); 2: named features in a task frame
# (lwd_ros.runtime.features); 1 fed raw observations.
VERSION = 4
READABLE = (3, 4)
META_FILE = 'meta.json'
CONFIG_FILE = 'config.yaml'
MODEL_FILE = 'model.safetensors'
CONTRACT_KEYS = {f.name for f in fields(RobotContract)}
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
        method: ``lwd``, ``bc`` or ``dp``.
        stage: ``vae`` (stage 1 finished), ``diffusion`` (stage 2 in progress) or ``done``.
        tasks: task names; a task's index is its position (embeddings, one-hot inputs).
        stats: normalisation of the task-frame features and actions of the training data.
        layer_sizes: the deployed MLP ``(num_features, hidden..., act_dim)``.
        activation: its activation.
        robot: the contract of the robot the demonstrations came from (observation and
            action names, units, command interface, rates); a controller refuses a policy
            whose names do not match its own robot's contract.
        features: the feature names the MLP and the diffusion model take
            (``lwd_ros.runtime.features.FeatureMap``).
        frames: ``PlanarFrames.to_dict()`` of the per-task frames, or None (world frame).
        obs_low: per-entry minimum of the raw training observations (what "in distribution"
            means for a generator or a test input).
        obs_high: per-entry maximum.
        obs_history: observations the diffusion model is conditioned on.
        latent_dim: size of z (0 for ``bc``).
        horizon: the action horizon the policies were trained for, the default at run time
            (0: whole demonstrations, one policy per episode; None: not recorded).
        relative_actions: ``(action, feature)`` index pairs of actions learnt relative to a
            feature (``ModelSpace.relative``); empty: absolute actions.
        horizons: horizons a horizon-conditioned generator was trained for (empty: none;
            ``lwd_ros.runtime.features.horizon_feature`` joins its conditioning).
        files: SHA-256 digest of each weight file in the directory.
        training: free-form training record (dataset, steps, wall time, validation losses).
    """

    method: str
    stage: str
    tasks: tuple[str, ...]
    stats: NormStats
    layer_sizes: tuple[int, ...]
    activation: str
    robot: RobotContract
    features: tuple[str, ...]
    frames: dict[str, Any] | None = None
    obs_low: tuple[float, ...] = ()
    obs_high: tuple[float, ...] = ()
    obs_history: int = 1
    latent_dim: int = 0
    horizon: int | None = None
    horizons: tuple[int, ...] = ()
    relative_actions: tuple[tuple[int, int], ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.tasks = tuple(self.tasks)
        if not isinstance(self.robot, RobotContract):
            self.robot = RobotContract.from_dict(self.robot, 'meta.json robot')
        self.features = tuple(self.features)
        self.horizons = tuple(int(h) for h in self.horizons)
        self.obs_low = tuple(float(v) for v in self.obs_low)
        self.obs_high = tuple(float(v) for v in self.obs_high)
        if {len(self.obs_low), len(self.obs_high)} - {0, len(self.obs_names)}:
            raise ValueError(f'{self.obs_low=} and {self.obs_high=} must have one entry per '
                             f'observation ({len(self.obs_names)})')
        self.layer_sizes = check_layer_sizes(self.layer_sizes)
        self.relative_actions = tuple(tuple(int(i) for i in p) for p in self.relative_actions)
        self.space = ModelSpace(FeatureMap(self.features, self.obs_names), self.stats,
                                None if self.frames is None else PlanarFrames(**self.frames),
                                self.relative_actions)
        if self.frames is not None:
            missing = sorted(set(self.tasks) - set(self.space.frames.poses))
            if missing:
                raise ValueError(f'tasks {missing} have no frame pose')
        if not self.tasks:
            raise ValueError(f'{self.tasks=} must name at least one task')
        if self.robot.act_dim != self.layer_sizes[-1]:
            raise ValueError(f'{self.layer_sizes=} ends in {self.layer_sizes[-1]} actions; robot '
                             f'{self.robot.name!r} commands {list(self.robot.action_names)}')
        if (self.stats.obs_dim, self.stats.act_dim) != (self.layer_sizes[0],
                                                        self.layer_sizes[-1]):
            raise ValueError(f'{self.layer_sizes=} does not match normalisation dims '
                             f'{self.stats.obs_dim=} {self.stats.act_dim=}')

    @property
    def obs_names(self) -> tuple[str, ...]:
        """The raw observation entries, in order (the robot contract's)."""
        return self.robot.obs_names

    @property
    def obs_dim(self) -> int:
        """Raw observation size (what an env or controller provides)."""
        return len(self.obs_names)

    def sample_observations(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``(n, obs_dim)`` float32 raw observations, uniform over the training range.

        For test inputs (export parity, latency benchmarks) that look like real states.
        """
        if not self.obs_low:
            raise ValueError('this checkpoint records no observation range')
        return rng.uniform(self.obs_low, self.obs_high, (n, self.obs_dim)).astype(np.float32)

    @property
    def deployed_layer_sizes(self) -> tuple[int, ...]:
        """The MLP a controller runs: ``layer_sizes`` plus any skip path's carry units."""
        k = 2 * self.act_dim if self.relative_actions else 0
        return (self.layer_sizes[0], *(h + k for h in self.layer_sizes[1:-1]),
                self.layer_sizes[-1])

    @property
    def num_features(self) -> int:
        return self.layer_sizes[0]

    @property
    def act_dim(self) -> int:
        return self.layer_sizes[-1]

    @property
    def cond_dim(self) -> int:
        """Width of the diffusion conditioning: observation history, then the horizon."""
        return self.obs_history * self.num_features + (1 if self.horizons else 0)

    def to_dict(self) -> dict[str, Any]:
        return {'format': FORMAT, 'version': VERSION, 'method': self.method,
                'stage': self.stage, 'tasks': list(self.tasks), 'stats': self.stats.to_dict(),
                'layer_sizes': list(self.layer_sizes), 'activation': self.activation,
                'robot': self.robot.to_dict(), 'features': list(self.features),
                'frames': self.frames, 'obs_low': list(self.obs_low),
                'obs_high': list(self.obs_high),
                'obs_history': self.obs_history, 'latent_dim': self.latent_dim,
                'horizon': self.horizon, 'horizons': list(self.horizons),
                'relative_actions': [list(p) for p in self.relative_actions],
                'files': dict(self.files), 'training': self.training}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckpointMeta:
        data = dict(data)
        data.pop('format', None)
        if data.pop('version', None) == 3:  # an env spec: keep its contract, drop its code
            env = data.pop('env')
            data['robot'] = {k: v for k, v in env.items() if k in CONTRACT_KEYS}
            for block in data['robot']['observation']:  # v3 points were poses' positions
                if block['kind'] == 'point':
                    block.setdefault('msg_type', 'geometry_msgs/msg/PoseStamped')
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
    if data.get('version') not in READABLE:
        raise CheckpointError(path, f"format version {data.get('version')} is not one of "
                              f'{READABLE} (version 1 fed raw observations, version 2 has no '
                              'robot contract): retrain with lwd train')
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
