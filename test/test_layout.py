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
LIGHT_PACKAGES = ('runtime', 'observations', 'envs/spec.py', 'envs/__init__.py', 'methods',
                  'experiment.py')


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
            "PolicyController(ControllerConfig(robot='pusht'));"
            f'bad = [m for m in {HEAVY[:4]!r} if m in sys.modules];'
            'assert not bad, bad')
    subprocess.run([sys.executable, '-c', code], check=True, cwd=REPO)


def _env_words(name):
    """What names an env: its name, tasks, joints and topic prefixes (lower case)."""
    from lwd_ros.envs import get_spec

    spec = get_spec(name)
    robot = spec.contract
    words = {spec.name, *robot.tasks, *robot.command.joints}
    words |= {b.topic.split('/')[0] for b in robot.observation if '/' in b.topic}
    return {w.lower() for w in words if len(w) > 3}


@pytest.mark.parametrize('env', ['pusht', 'mt10'])
def test_env_names_live_only_in_their_package(env):
    # Adding an env is adding a package: shared code names no env, except the one line
    # that says which env runs by default. A variant built on the env (``pusht_image`` on
    # ``pusht``: ``<env>_<variant>``) is the env's own code, not shared code.
    words = _env_words(env)
    envs = REPO / 'lwd_ros' / 'envs'
    homes = [p for p in envs.iterdir() if p.name == env or p.name.startswith(f'{env}_')]
    found = []
    for path in sorted((REPO / 'lwd_ros').rglob('*.py')):
        if any(home in path.parents for home in homes):
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if line.startswith('DEFAULT_ENV = ') and path.parent.name == 'envs':
                continue
            hits = [w for w in words if w in line.lower()]
            if hits:
                found.append(f'{path.relative_to(REPO)}:{i}: {hits}')
    assert not found, '\n'.join(found)


# The robot-neutral layers: a robot is a contract (data); its simulator is a plug-in they find
# by name (lwd_ros.sims), never import. Nodes other than the sim bridge and teleops included.
NEUTRAL = ('contract.py', 'observations', 'sims.py', 'config.py', 'experiment.py', 'methods',
           'runtime', 'data', 'learning', 'nodes/lwd_controller.py', 'nodes/policy_generator.py',
           'nodes/demo_recorder.py')


def _modules(entries):
    for entry in entries:
        path = REPO / 'lwd_ros' / entry
        yield from (sorted(path.rglob('*.py')) if path.is_dir() else [path])


@pytest.mark.parametrize('path', list(_modules(NEUTRAL)), ids=lambda p: str(p.relative_to(REPO)))
def test_robot_neutral_layers_import_no_sim_even_lazily(path):
    names = set(_imports(path))
    names |= {f'{n.module}.{a.name}' for n in ast.walk(ast.parse(path.read_text()))
              if isinstance(n, ast.ImportFrom) and n.module for a in n.names}
    bad = sorted(m for m in names if m == 'lwd_ros.envs' or m.startswith('lwd_ros.envs.'))
    assert not bad, f'{path.name} imports {bad}'


def _module_name(path):
    parts = path.relative_to(REPO).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def test_no_import_circle_among_the_package_modules():
    # Function-level imports count too: a circle that only a lazy import hides is still one
    # module that cannot be understood (or loaded first) without the other.
    modules = {_module_name(p): p for p in sorted((REPO / 'lwd_ros').rglob('*.py'))}
    graph = {}
    for name, path in modules.items():
        deps = set()
        for m in _imports(path):
            parts = m.split('.')
            deps |= {'.'.join(parts[:i]) for i in range(2, len(parts) + 1)} & modules.keys()
        graph[name] = deps - {name}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, circles
