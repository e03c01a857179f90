# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Environments, one package each (``lwd_ros/envs/<name>/``), found through their specs.

Light on purpose: importing ``lwd_ros.envs`` (or a spec) loads neither gymnasium nor mujoco,
so the controller can read an ``EnvSpec``. ``make_env`` imports the simulator on demand.
Where gymnasium is in use, every sim's id is registered with it (``register_gym_envs``:
right away if gymnasium is imported, else as soon as it is), with the env's module as a
string entry point, so ``import lwd_ros.envs; gym.make(spec.gym_id)`` works and
the module (mujoco and all) loads only then.

A robot is a contract (``config/robots/<name>.yaml``, ``lwd_ros.contract``) and needs no code.
A simulator of it is a package: ``lwd_ros/envs/<name>/spec.py`` defines ``SPEC`` (an
``EnvSpec``: the gymnasium env, expert, bridge) beside that contract, and its launch files
state its node graphs; nothing else is edited.
A robot that lives in its own distribution registers its spec under the ``lwd_ros.envs``
entry-point group instead (``name = "my_pkg.spec:SPEC"``). Discovery lives in the core
(``lwd_ros.sims``), which the robot-neutral layers ask without importing this package.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from typing import Any

from lwd_ros.config import load_ref
from lwd_ros.envs.spec import EnvSpec
from lwd_ros.sims import find_sim, sim_refs

# The env a bare `lwd eval`, `lwd collect` or launch runs (its spec's shipped model). The
# one place shared code names a particular env.
DEFAULT_ENV = 'pusht'


def specs() -> dict[str, str]:
    """``name -> "module:SPEC"`` of every env: the packages here, then entry points."""
    return sim_refs()


def get_spec(name: str = DEFAULT_ENV) -> EnvSpec:
    """The spec registered as ``name`` or with gymnasium id ``name``."""
    refs = specs()
    if name in refs:
        return load_ref(refs[name])
    for ref in refs.values():
        spec = load_ref(ref)
        if spec.gym_id == name:
            return spec
    raise ValueError(f'unknown env {name!r}; known: {sorted(refs)} (or their gymnasium ids)')


def find_spec(robot: str) -> EnvSpec | None:
    """The sim plugin of a robot (by contract name), or None for a robot without a sim."""
    return find_sim(robot)


def register_gym_envs() -> None:
    """Register each sim's gymnasium id, lazily (its module loads at ``gym.make``)."""
    import gymnasium as gym

    for ref in specs().values():
        spec = load_ref(ref)
        if spec.gym_id in gym.registry:
            continue
        steps = spec.max_episode_steps or spec.contract.extra.get('max_episode_steps')
        gym.register(id=spec.gym_id, entry_point=spec.entry_point,
                     max_episode_steps=int(steps) if steps else None)


class _AfterGymnasium(importlib.abc.MetaPathFinder):
    """Registers our ids once ``gymnasium`` has been imported (by whoever imports it)."""

    def find_spec(self, name, path=None, target=None):
        if name != 'gymnasium':
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_register(module):
            exec_module(module)
            register_gym_envs()
        spec.loader.exec_module = exec_then_register
        return spec


def make_env(name: str | EnvSpec, **kwargs: Any) -> Any:
    """``gymnasium.make`` the simulated env of a spec (by name, gymnasium id or spec)."""
    import gymnasium as gym

    spec = name if isinstance(name, EnvSpec) else get_spec(name)
    register_gym_envs()
    return gym.make(spec.gym_id, **kwargs)


def env_hook(spec: EnvSpec, hook: str) -> Any:
    """The object an env's ``hook`` reference names (``bridge``, ``teleop``, ...).

    An env without it cannot do what was asked: the error says which env and which hook.
    """
    ref = getattr(spec, hook)
    if not ref:
        raise ValueError(f'env {spec.name!r} has no {hook} (EnvSpec.{hook} is empty)')
    return load_ref(ref) if ':' in ref else importlib.import_module(ref)


if 'gymnasium' in sys.modules:
    register_gym_envs()
else:
    sys.meta_path.insert(0, _AfterGymnasium())

__all__ = ['DEFAULT_ENV', 'EnvSpec', 'env_hook', 'find_spec', 'get_spec', 'make_env',
           'register_gym_envs', 'specs']
