# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Save and load checkpoint directories (format in ``lwd_ros.runtime.checkpoint``) with torch.

Loading is strict: a missing, unexpected or mis-shaped tensor (a checkpoint trained with a
different config), a digest mismatch or an unreadable file raises ``CheckpointError`` naming
the file and the problem, never a half-initialised model. Which modules a checkpoint holds
is its method's business (``Learner.load``, found through ``lwd_ros.methods``).
"""

from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path
from typing import Any

from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
import torch
from torch import nn
import yaml

from lwd_ros.config import to_dict
from lwd_ros.experiment import LwdConfig
from lwd_ros.methods import get_method
from lwd_ros.runtime.checkpoint import (
    CONFIG_FILE,
    FORMAT,
    MODEL_FILE,
    CheckpointError,
    CheckpointMeta,
    read_config,
    read_meta,
    sha256,
    verify_file,
    write_meta,
)


def prefixed(module: nn.Module, prefix: str) -> dict[str, torch.Tensor]:
    """CPU copies of ``module``'s tensors, named ``prefix + key``.

    CPU, whatever device trained them: the file then loads the same on a robot without a GPU.
    """
    return {f'{prefix}{k}': v.detach().cpu().contiguous()
            for k, v in module.state_dict().items()}


def save_checkpoint(directory: str | Path, cfg: LwdConfig, meta: CheckpointMeta,
                    tensors: dict[str, torch.Tensor]) -> None:
    """Write weights, resolved config and meta (with the weights' digest), each atomically."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f'.{MODEL_FILE}.tmp'
    save_file(tensors, str(tmp), metadata={'format': FORMAT, 'method': meta.method,
                                           'stage': meta.stage})
    os.replace(tmp, directory / MODEL_FILE)
    meta.files = {MODEL_FILE: sha256(directory / MODEL_FILE)}
    (directory / CONFIG_FILE).write_text(yaml.safe_dump(to_dict(cfg), sort_keys=False))
    write_meta(directory, meta)


def load_tensors(directory: str | Path, meta: CheckpointMeta) -> dict[str, torch.Tensor]:
    path = verify_file(directory, meta, MODEL_FILE)
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(path, f'unreadable safetensors file ({e})') from e


def load_module(module: nn.Module, tensors: dict[str, torch.Tensor], prefix: str,
                path: Path) -> None:
    """Strictly load the ``prefix``-ed tensors into ``module``; explain any mismatch."""
    own = module.state_dict()
    got = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    missing, unexpected = sorted(set(own) - set(got)), sorted(set(got) - set(own))
    if missing or unexpected:
        raise CheckpointError(path, f'tensors under {prefix!r} do not match the config: '
                                    f'missing {missing[:5]}, unexpected {unexpected[:5]}')
    bad = [f'{prefix}{k}: file {tuple(got[k].shape)} vs config {tuple(v.shape)}'
           for k, v in own.items() if got[k].shape != v.shape]
    if bad:
        raise CheckpointError(path, 'tensor shapes do not match config.yaml (trained with a '
                                    f'different architecture?): {bad[:3]}')
    module.load_state_dict(got)


@dataclass
class LoadedCheckpoint:
    """A checkpoint's config, meta and modules (by the names its method gives), in eval mode."""

    directory: Path
    cfg: LwdConfig
    meta: CheckpointMeta
    modules: dict[str, nn.Module]

    def module(self, name: str) -> nn.Module:
        """The module ``name``; a checkpoint of a method without it says what it has."""
        if name not in self.modules:
            raise KeyError(f'{self.directory}: the checkpoint has no module {name!r} (it has '
                           f'{sorted(self.modules)})')
        return self.modules[name]


def load_checkpoint(directory: str | Path, use_ema: bool = True,
                    **options: Any) -> LoadedCheckpoint:
    """Load any checkpoint: EMA weights where the method keeps them, unless told not to.

    ``options`` go to the method's ``Learner.load`` (what it may leave out, say).
    """
    directory = Path(directory)
    meta = read_meta(directory)
    cfg = read_config(directory)
    if cfg.method != meta.method:
        raise CheckpointError(directory / CONFIG_FILE,
                              f'method {cfg.method!r} differs from meta.json {meta.method!r}')
    expected = (meta.num_features, *cfg.policy.hidden_sizes, meta.act_dim)
    if meta.layer_sizes != expected or meta.activation != cfg.policy.activation:
        raise CheckpointError(directory / CONFIG_FILE,
                              f'policy {expected} {cfg.policy.activation!r} differs from '
                              f'meta.json {meta.layer_sizes} {meta.activation!r}')
    tensors = load_tensors(directory, meta)
    learner = get_method(meta.method).load_learner()
    modules = learner.load(cfg, meta, tensors, directory / MODEL_FILE, use_ema=use_ema,
                           **options)
    return LoadedCheckpoint(directory, cfg, meta, modules)
