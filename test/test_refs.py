# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Every lazy ``module:attribute`` reference of ours resolves to the kind of thing it names.

Why references at all: a sim plugin's hooks and the ``lwd`` subcommands name code that pulls
in mujoco or torch, and ``ros2 launch``, ``lwd launch`` and the controller read the plugin
without paying for it (as gymnasium's ``entry_point`` and pip's command table do). What a
reference loses is the import an IDE or grep would follow and fail on; this test is that
check, so a moved or renamed target fails CI rather than a user's command.
"""

from dataclasses import fields
import importlib

import pytest

from lwd_ros.cli import COMMANDS, SIM_COMMANDS
from lwd_ros.envs import EnvSpec, env_hook, get_spec, specs

NOT_HOOKS = ('name', 'gym_id', 'entry_point', 'robot', 'model')  # data, or gymnasium's
HOOKS = tuple(f.name for f in fields(EnvSpec) if f.type == 'str' and f.name not in NOT_HOOKS)


def _is_command(module) -> bool:
    return callable(getattr(module, 'add_arguments', None)) and callable(
        getattr(module, 'run', None))


@pytest.mark.parametrize('name', sorted(specs()))
def test_every_hook_of_every_sim_resolves(name):
    spec = get_spec(name)
    module, _, cls = spec.entry_point.partition(':')
    assert isinstance(getattr(importlib.import_module(module), cls), type), spec.entry_point
    for hook in HOOKS:  # a command module (lwd collect/render/dagger) or a callable
        if getattr(spec, hook):
            target = env_hook(spec, hook)
            ok = _is_command(target) if hook in SIM_COMMANDS else callable(target)
            assert ok, f'{name}.{hook} = {getattr(spec, hook)!r}'


def test_the_hooks_are_what_the_spec_declares():
    assert set(SIM_COMMANDS) < set(HOOKS) and 'markers' in HOOKS and 'teleop' in HOOKS


@pytest.mark.parametrize('command', sorted(n for n, (ref, _) in COMMANDS.items() if ref))
def test_every_lwd_command_module_is_a_command(command):
    assert _is_command(importlib.import_module(COMMANDS[command][0]))
