# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a method gives the generic ``Trainer``: its data, its modules, its stages.

LeRobot's split: a policy computes its loss, one ``update_policy`` optimises any policy. Here
a ``Learner`` subclass (one module per method, registered as ``Method.learner`` in
``lwd_ros.methods``) cuts the demonstrations it trains on, builds its torch modules, names
them for the checkpoint and hands the trainer one ``Stage`` at a time; the trainer owns the
optimiser, EMA updates, clipping, resume, logging, validation cadence, saving and DDP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from lwd_ros.data.episode import Episode
from lwd_ros.data.snippets import Snippets, cut_snippets
from lwd_ros.experiment import LwdConfig
from lwd_ros.learning.batch import Batch
from lwd_ros.learning.ema import Ema
from lwd_ros.runtime.checkpoint import CheckpointMeta
from lwd_ros.runtime.features import ModelSpace

Loss = Callable[[Any], tuple[torch.Tensor, dict]]  # batch -> (loss, parts to log)


@dataclass
class Stage:
    """One optimisation stage, as ``Trainer.train_stage`` runs it.

    Args:
        name: its key in the log, the resume state and ``meta.training``.
        steps: optimiser steps.
        lr: peak learning rate (AdamW, linear warmup then cosine decay).
        module: what is optimised (its trainable parameters) and wrapped for DDP.
        loss: ``batch -> (loss, {name: detached value})``; compiled under ``train.compile``.
        data: what batches are drawn from: ``len()`` and ``take(idx)``
            (``lwd_ros.learning.batch``).
        validate: ``() -> {name: float}`` on the held-out data, run on rank 0 in eval mode.
        ema: an average of ``module`` updated after every step (its count is resumed).
        betas: AdamW's betas.
        snapshots: ``train.snapshot_every`` keeps copies during this stage; False where the
            checkpoint cannot run yet (a generator whose second stage has not started).
        select: the key of ``validate()``'s result that ``train.select_best`` and
            ``train.patience`` minimise ('' = the stage is not selected on validation).
        batch_size: samples per global batch (0: ``train.batch_size``).
    """

    name: str
    steps: int
    lr: float
    module: nn.Module
    loss: Loss
    data: Any
    validate: Callable[[], dict]
    ema: Ema | None = None
    betas: tuple[float, float] = (0.9, 0.999)
    snapshots: bool = True
    select: str = ''
    batch_size: int = 0


class Learner:
    """The torch side of one method; subclasses override what differs.

    Class-level (before any module exists, the checkpoint meta depends on them): ``cut`` and
    ``meta_fields``. Per run: ``__init__`` builds the modules on the device, ``modules``
    names every tensor the checkpoint holds and ``stage`` prepares each stage the registry
    lists, in order. ``load`` rebuilds the modules from a checkpoint for ``load_checkpoint``.

    Args:
        cfg: the experiment.
        meta: the checkpoint meta (sizes, tasks, normalisation) the modules are built for.
        train: the training samples (``cut``), on ``device``.
        val: the held-out samples, or None.
        rng: the trainer's batch generator (CPU): draws that every rank must agree on.
        device: where the modules train.
    """

    cameras = False  # trains on camera frames (``image`` blocks): ``lwd_ros.learning.cameras``

    def __init__(self, cfg: LwdConfig, meta: CheckpointMeta, train: Batch, val: Batch | None,
                 rng: torch.Generator, device: torch.device):
        self.cfg, self.meta, self.train, self.val = cfg, meta, train, val
        self.rng, self.device = rng, device

    @classmethod
    def cut(cls, cfg: LwdConfig, episodes: Sequence[Episode], space: ModelSpace,
            tasks: Sequence[str]) -> Snippets:
        """The samples the method trains on; by default single (observation, action) steps."""
        return cut_snippets(episodes, space, tasks, 1, 1, cfg.data.obs_history)

    @classmethod
    def meta_fields(cls, cfg: LwdConfig) -> dict[str, Any]:
        """``CheckpointMeta`` fields the method decides; by default a single-step policy."""
        return {'obs_history': cfg.data.obs_history, 'latent_dim': 0, 'horizon': 0,
                'horizons': ()}

    def modules(self) -> dict[str, nn.Module]:
        """Every module the checkpoint holds, by tensor-name prefix (``'name.'``)."""
        raise NotImplementedError

    def stage(self, name: str) -> Stage:
        """Prepare stage ``name`` (one of the registry's ``stages``) when it starts."""
        raise NotImplementedError

    def skips(self, name: str) -> bool:
        """Whether stage ``name`` has nothing to do for this robot and config (not run)."""
        return False

    @classmethod
    def load(cls, cfg: LwdConfig, meta: CheckpointMeta, tensors: dict[str, torch.Tensor],
             path: Path, use_ema: bool = True, **options: Any) -> dict[str, nn.Module]:
        """The checkpoint's modules by name, loaded strictly, in eval mode."""
        raise NotImplementedError
