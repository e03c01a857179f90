# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The layout keeps the dependency weights apart: runtime (numpy) never imports learning."""

import ast
import subprocess
import sys

from conftest import REPO
import pytest

HEAVY = ('torch', 'diffusers', 'mujoco', 'gymnasium', 'lwd_ros.learning',
         'lwd_ros.envs.pusht.sim', 'lwd_ros.envs.pusht.env')
# Function-level imports a user asks for: the torch backend when opening a training
# checkpoint, gymnasium when making a simulated env.
SANCTIONED = {'runtime/loader.py': {'lwd_ros.learning.torch_generator'},
              'envs/__init__.py': {'gymnasium'}}
LIGHT_PACKAGES = ('runtime', 'envs/spec.py', 'envs/__init__.py', 'methods.py', 'experiment.py')


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _light_modules():
    for entry in LIGHT_PACKAGES:
        path = REPO / 'lwd_ros' / entry
        yield from (sorted(path.rglob('*.py')) if path.is_dir() else [path])


@pytest.mark.parametrize('path', list(_light_modules()), ids=lambda p: str(p.relative_to(REPO)))
def test_light_modules_import_nothing_heavy_even_lazily(path):
    allowed = SANCTIONED.get(str(path.relative_to(REPO / 'lwd_ros')), set())
    bad = [m for m in _imports(path) if any(m == h or m.startswith(h + '.') for h in HEAVY)
           and m not in allowed]
    assert not bad, f'{path.name} imports {bad}'


def test_controller_process_loads_no_heavy_module():
    code = ('import sys, lwd_ros.nodes.lwd_controller;'
            'from lwd_ros.runtime.controller import ControllerConfig, PolicyController;'
            "PolicyController(ControllerConfig(env='pusht'));"
            f'bad = [m for m in {HEAVY[:4]!r} if m in sys.modules];'
            'assert not bad, bad')
    subprocess.run([sys.executable, '-c', code], check=True, cwd=REPO)


def _env_words(name):
    """What names an env: its name, tasks, joints and topic prefixes (lower case)."""
    from lwd_ros.envs import get_spec

    spec = get_spec(name)
    words = {spec.name, *spec.tasks, *spec.command.joints}
    words |= {b.topic.split('/')[0] for b in spec.observation if '/' in b.topic}
    return {w.lower() for w in words if len(w) > 3}


@pytest.mark.parametrize('env', ['pusht', 'mt10'])
def test_env_names_live_only_in_their_package(env):
    # Adding an env is adding a package: shared code names no env, except the one line
    # that says which env runs by default.
    words = _env_words(env)
    home = REPO / 'lwd_ros' / 'envs' / env
    found = []
    for path in sorted((REPO / 'lwd_ros').rglob('*.py')):
        if home in path.parents:
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if line.startswith('DEFAULT_ENV = ') and path.parent.name == 'envs':
                continue
            hits = [w for w in words if w in line.lower()]
            if hits:
                found.append(f'{path.relative_to(REPO)}:{i}: {hits}')
    assert not found, '\n'.join(found)
