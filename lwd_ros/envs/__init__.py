# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Environments, one package each (``lwd_ros/envs/<name>/``), found through their specs.

Light on purpose: importing ``lwd_ros.envs`` (or a spec) loads neither gymnasium nor mujoco,
so the controller can read an ``EnvSpec``. ``make_env`` imports the simulator on demand.

Adding an environment: a package with ``spec.py`` (an ``EnvSpec``) and the gymnasium env
its ``entry_point`` names, plus a line in ``SPECS``.
"""

from __future__ import annotations

from typing import Any

from lwd_ros.config import load_ref
from lwd_ros.envs.spec import EnvSpec

# name -> "module:attribute" of its EnvSpec
SPECS = {
    'pusht': 'lwd_ros.envs.pusht.spec:PUSHT',
    'mt10': 'lwd_ros.envs.mt10.spec:MT10',
    'toy': 'lwd_ros.evaluation.toy:TOY_SPEC',
}


def get_spec(name: str) -> EnvSpec:
    """The spec registered as ``name`` or with gymnasium id ``name``."""
    if name in SPECS:
        return load_ref(SPECS[name])
    for ref in SPECS.values():
        spec = load_ref(ref)
        if spec.gym_id == name:
            return spec
    raise ValueError(f'unknown env {name!r}; known: {sorted(SPECS)} (or their gymnasium ids)')


def make_env(name: str | EnvSpec, **kwargs: Any) -> Any:
    """``gymnasium.make`` the simulated env of a spec (by name, gymnasium id or spec)."""
    import gymnasium as gym

    spec = name if isinstance(name, EnvSpec) else get_spec(name)
    load_ref(spec.entry_point)  # importing the env module registers its id
    return gym.make(spec.gym_id, **kwargs)


__all__ = ['SPECS', 'EnvSpec', 'get_spec', 'make_env']
