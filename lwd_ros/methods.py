# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The learning methods lwd_ros trains and evaluates side by side, declared once.

Each ``Method`` names its training stages in order, the module that trains and loads it
(a ``lwd_ros.learning.methods.base.Learner``: its data cut, modules, stages, checkpoint
tensors) and the function that turns its checkpoint into an evaluation source. The
trainer, checkpoint loading, ``lwd eval`` and the benches look methods up here instead of
branching on the name: a new method is one learner module and one line below. Pure data:
importing it loads neither torch nor an env.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lwd_ros.config import load_ref


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
    """

    name: str
    summary: str
    stages: tuple[str, ...]
    learner: str
    source: str

    def load_learner(self) -> Any:
        return load_ref(self.learner)

    def make_source(self, checkpoint: Any, horizon: int | None = None, **options: Any) -> Any:
        return load_ref(self.source)(checkpoint, horizon, **options)


METHODS: dict[str, Method] = {m.name: m for m in (
    Method('lwd', 'Latent Weight Diffusion: a VAE over MLP weights, latent diffusion on it',
           ('vae', 'diffusion'), 'lwd_ros.learning.methods.lwd:LwdLearner',
           'lwd_ros.evaluation.rollout:lwd_source'),
    Method('warpd', 'LWD whose VAE learns with a world model: decoded policies rolled out in it',
           ('world_model', 'vae', 'diffusion'), 'lwd_ros.learning.methods.warpd:WarpdLearner',
           'lwd_ros.evaluation.rollout:lwd_source'),
    Method('bc', 'behaviour cloning: one task-conditioned MLP, single step', ('bc',),
           'lwd_ros.learning.methods.bc:BcLearner', 'lwd_ros.evaluation.rollout:bc_source'),
    Method('dp', 'Diffusion Policy peer (Chi et al. 2023), state input, 1-D UNet', ('dp',),
           'lwd_ros.learning.methods.dp:DpLearner', 'lwd_ros.evaluation.dp_source:dp_source'),
)}


def get_method(name: str) -> Method:
    if name not in METHODS:
        raise ValueError(f'unknown method {name!r}; known: {sorted(METHODS)}')
    return METHODS[name]
