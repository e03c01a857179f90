# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The learning methods lwd_ros trains and evaluates side by side, declared once.

A new method is one module and one registry line below. Its module is split by dependency
weight, as the whole package is: ``lwd_ros/methods/<name>.py`` holds its hyperparameters
(config dataclasses: the YAML sections it owns and its keys of ``train:``), torch-free
because a checkpoint's ``config.yaml`` is read by the numpy runtime too;
``lwd_ros/learning/methods/<name>.py`` holds its ``Learner`` (torch: data cut, modules,
stages, checkpoint tensors); its evaluation source turns a checkpoint into a policy for
``lwd eval``. The experiment config (``lwd_ros.experiment``), the trainer, checkpoint
loading, ``lwd eval`` and the benches look methods up here instead of naming one.

The config classes are referenced directly (typed, torch-free); the learner and the source
stay ``module:attribute`` references because they import torch (or the runtime, which
imports this registry): importing the registry loads neither torch nor an env.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lwd_ros.config import load_ref
from lwd_ros.methods import bc, dp, lwd, warpd


@dataclass(frozen=True)
class Method:
    """One method.

    Args:
        name: the ``method`` key of configs and checkpoints.
        summary: one line for humans.
        stages: training stages in order (each prepared by ``Learner.stage(name)``).
        learner: ``module:Class`` of its ``Learner`` (torch; imported when first used).
        source: ``module:function`` building its evaluation ``PolicySource`` from
            ``(checkpoint, horizon, **options)``.
        sections: the top-level YAML sections it reads, by name: their config dataclasses
            (a section two methods share names the same class in both).
        train: the dataclass of its keys of the ``train:`` section (stage budgets), if any.
    """

    name: str
    summary: str
    stages: tuple[str, ...]
    learner: str
    source: str
    sections: Mapping[str, type] = field(default_factory=dict)
    train: type | None = None

    def load_learner(self) -> Any:
        return load_ref(self.learner)

    def make_source(self, checkpoint: Any, horizon: int | None = None, **options: Any) -> Any:
        return load_ref(self.source)(checkpoint, horizon, **options)


LWD_SECTIONS = {'vae': lwd.VaeConfig, 'diffusion': lwd.DiffusionConfig}

METHODS: dict[str, Method] = {m.name: m for m in (
    Method('lwd', 'Latent Weight Diffusion: a VAE over MLP weights, latent diffusion on it',
           ('camera', 'vae', 'diffusion'), 'lwd_ros.learning.methods.lwd:LwdLearner',
           'lwd_ros.evaluation.rollout:lwd_source', LWD_SECTIONS, lwd.LwdTrain),
    Method('warpd', 'LWD whose VAE learns with a world model: decoded policies rolled out in it',
           ('world_model', 'vae', 'diffusion'), 'lwd_ros.learning.methods.warpd:WarpdLearner',
           'lwd_ros.evaluation.rollout:lwd_source',
           {**LWD_SECTIONS, 'world_model': warpd.WorldModelConfig}, lwd.LwdTrain),
    Method('bc', 'behaviour cloning: one task-conditioned MLP, single step', ('bc',),
           'lwd_ros.learning.methods.bc:BcLearner', 'lwd_ros.evaluation.rollout:bc_source',
           train=bc.BcTrain),
    Method('dp', 'Diffusion Policy peer (Chi et al. 2023), state input, 1-D UNet', ('dp',),
           'lwd_ros.learning.methods.dp:DpLearner', 'lwd_ros.evaluation.dp_source:dp_source',
           {'dp': dp.DpConfig}, dp.DpTrain),
)}
DEFAULT_METHOD = 'lwd'  # what a config without ``method:`` trains


def get_method(name: str) -> Method:
    if name not in METHODS:
        raise ValueError(f'unknown method {name!r}; known: {sorted(METHODS)}')
    return METHODS[name]
