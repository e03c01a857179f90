# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Save and load checkpoint directories (format in ``lwd_ros.runtime.checkpoint``) with torch.

Loading is strict: a missing, unexpected or mis-shaped tensor (a checkpoint trained with a
different config), a digest mismatch or an unreadable file raises ``CheckpointError`` naming
the file and the problem, never a half-initialised model.
"""

from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path
from typing import TYPE_CHECKING

from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
import torch
from torch import nn
import yaml

from lwd_ros.config import to_dict
from lwd_ros.experiment import LwdConfig
from lwd_ros.learning.bc import BcMlp
from lwd_ros.learning.diffusion import LatentDiffusion
from lwd_ros.learning.vae import TrajectoryVae
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

if TYPE_CHECKING:  # imported where built: the torch generator (and its node) never needs DP
    from lwd_ros.learning.diffusion_policy import DiffusionPolicyModel


def build_vae(cfg: LwdConfig, meta: CheckpointMeta) -> TrajectoryVae:
    return TrajectoryVae(meta.num_features, meta.act_dim, len(meta.tasks),
                         cfg.policy.hidden_sizes, cfg.policy.activation, cfg.vae)


def build_diffusion(cfg: LwdConfig, meta: CheckpointMeta) -> LatentDiffusion:
    return LatentDiffusion(cfg.vae.latent_dim, meta.cond_dim, len(meta.tasks), cfg.diffusion)


def build_bc(cfg: LwdConfig, meta: CheckpointMeta) -> BcMlp:
    return BcMlp(meta.num_features, meta.act_dim, len(meta.tasks), cfg.policy.hidden_sizes,
                 cfg.policy.activation)


def build_dp(cfg: LwdConfig, meta: CheckpointMeta) -> DiffusionPolicyModel:
    from lwd_ros.learning.diffusion_policy import DiffusionPolicyModel

    return DiffusionPolicyModel(meta.cond_dim, meta.act_dim, len(meta.tasks), cfg.dp)


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
    """A checkpoint's config, meta and modules (``vae``/``diffusion``, ``bc`` or ``dp``), eval."""

    directory: Path
    cfg: LwdConfig
    meta: CheckpointMeta
    vae: TrajectoryVae | None = None
    diffusion: LatentDiffusion | None = None
    bc: BcMlp | None = None
    dp: DiffusionPolicyModel | None = None


def load_checkpoint(directory: str | Path, use_ema: bool = True,
                    require_diffusion: bool = True) -> LoadedCheckpoint:
    """Load any checkpoint; ``lwd``'s denoiser and ``dp`` get EMA weights unless told not to."""
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
    path = directory / MODEL_FILE
    out = LoadedCheckpoint(directory, cfg, meta)
    if meta.method == 'bc':
        out.bc = build_bc(cfg, meta)
        load_module(out.bc, tensors, 'bc.', path)
        out.bc.eval()
        return out
    if meta.method == 'dp':
        out.dp = build_dp(cfg, meta)
        load_module(out.dp, tensors, 'ema.dp.' if use_ema else 'dp.', path)
        out.dp.eval()
        return out
    out.vae = build_vae(cfg, meta)
    load_module(out.vae, tensors, 'vae.', path)
    out.vae.eval()
    if meta.stage == 'vae':
        if require_diffusion:
            raise CheckpointError(directory / 'meta.json',
                                  'only stage 1 (VAE) is trained; finish with lwd train --resume')
        return out
    out.diffusion = build_diffusion(cfg, meta)
    load_module(out.diffusion, tensors, 'diffusion.', path)
    if use_ema:
        load_module(out.diffusion.denoiser, tensors, 'ema.denoiser.', path)
    out.diffusion.eval()
    return out
