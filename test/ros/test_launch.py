# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Launch files and ``lwd launch`` describe the same, valid node graphs.

``launch``/``launch_ros`` are not on PyPI, so the launch files are executed against recording
stand-ins of the few launch classes they use; where a ROS distro provides the real ones the
last test builds the real LaunchDescription as well.
"""

import functools
import importlib
from pathlib import Path
import sys
import types

from conftest import REPO
import pytest
import yaml

from lwd_ros.contract import get_contract
from lwd_ros.ros.bringup import node_commands, parse_launch_args
from lwd_ros.ros.graphs import find_graph, graphs, load_graph
from lwd_ros.ros.processes import runs

NODES = set((REPO / 'resource' / 'nodes.txt').read_text().split())
LAUNCH_FILES = sorted((REPO / 'launch').glob('*.launch.py'))


class _Declared(Exception):
    pass


@functools.cache
def _declared_parameters(executable, robot=None):
    """Names a node declares for ``robot`` (PushT if None): its __init__ until it reads them."""
    from rclpy.node import Node
    module = importlib.import_module(f'lwd_ros.nodes.{executable}')
    node_class = next(c for c in vars(module).values()
                      if isinstance(c, type) and issubclass(c, Node) and c is not Node
                      and c.__module__ == module.__name__)
    names = {'use_sim_time'}

    def declare(self, name, value=None, *args, **kwargs):
        names.add(name)
        return types.SimpleNamespace(value=(robot or 'pusht') if name == 'robot' else value)

    def stop(self, *args):
        raise _Declared
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Node, '__init__', lambda self, *a, **k: None)
        mp.setattr(Node, 'declare_parameter', declare)
        mp.setattr(Node, 'get_parameter', stop)
        mp.setattr(Node, 'get_name', stop)
        mp.setattr('lwd_ros.ros.params.from_dict', stop)  # declare_config builds its config
        with pytest.raises(_Declared):
            node_class()
    return frozenset(names)


@pytest.mark.parametrize('name', sorted(graphs()))
def test_graph_nodes_params_and_arguments_exist(name):
    graph = graphs()[name]
    executables = {n.executable for n in graph.nodes}
    assert executables <= NODES
    sections, robots = set(), {}
    for file in graph.params_files:  # a node's robot, from whichever of the files sets it
        for key, section in yaml.safe_load((REPO / 'config' / file).read_text()).items():
            if 'robot' in section['ros__parameters']:
                robots[key.removeprefix('/**/')] = section['ros__parameters']['robot']
    for file in graph.params_files:
        params = yaml.safe_load((REPO / 'config' / file).read_text())
        # /**/: the section applies in every namespace (a fleet's /robot_i nodes too)
        assert all(key.startswith('/**/') for key in params), file
        params = {key.removeprefix('/**/'): section for key, section in params.items()}
        assert set(params) <= NODES, f'{file} has sections for unknown nodes'
        sections |= set(params)
        for node, section in params.items():
            unknown = set(section['ros__parameters']) - _declared_parameters(node,
                                                                             robots.get(node))
            assert not unknown, f'{file}: {node} does not declare {unknown}'
    assert executables <= sections, 'every node of the graph needs a params section'
    for arg in graph.arguments:
        for node, param in arg.sets:
            assert node in executables and param in _declared_parameters(node), (arg, node)


@pytest.mark.parametrize('name', sorted(graphs()))
def test_bringup_commands_use_shared_params_and_overrides(name):
    graph = graphs()[name]
    arg = graph.argument('task')
    required = [f'{a.name}:={"toy" if a.name == "robot" else "x"}' for a in graph.arguments
                if a.required]
    values = parse_launch_args(graph, ['task:=goal_left', *required])
    commands = node_commands(graph, values)
    for a in graph.arguments:  # not given: the params files decide, no -p overrides them
        if a.overrides and not a.required and not a.shared:
            for node, param in a.sets:
                assert not any(c.startswith(f'{param}:=') for c in commands[node]), (a, node)
    assert set(commands) == {n.executable for n in graph.nodes if runs(n, values)}
    for node, param in arg.sets:
        if node not in commands:  # perception: toy has no camera
            continue
        cmd = commands[node]
        files = [cmd[i + 1] for i, a in enumerate(cmd) if a == '--params-file']
        assert [f.split('/config/', 1)[1] for f in files] == list(graph.params_files)
        assert f'{param}:=goal_left' in cmd
    # Not given, the task is still one value for every node it sets: the sim runs the task
    # the generator makes policies for (arm7_sim and mt10_sim once disagreed by default).
    defaults = node_commands(graph, parse_launch_args(graph, required))
    assert {c for node, _ in arg.sets for c in defaults.get(node, ()) if c.startswith('task:=')} \
        == ({f'task:={arg.default}'} if arg.default else set()), name
    with pytest.raises(ValueError, match='valid'):
        parse_launch_args(graph, ['no_such_arg:=1', *required])
    if required:
        with pytest.raises(ValueError, match='missing launch arguments: robot:='):
            parse_launch_args(graph, [])


def test_the_policy_graph_runs_perception_only_for_a_robot_with_a_camera(tmp_path):
    robot = get_contract('toy').to_dict()
    robot['observation'].append({'kind': 'image', 'topic': 'camera/image_raw', 'prefix': 'cam'})
    (tmp_path / 'cam.yaml').write_text(yaml.safe_dump(robot))
    graph = graphs()['policy']
    blind = node_commands(graph, parse_launch_args(graph, ['robot:=toy', 'checkpoint:=ck']))
    assert 'perception' not in blind
    seeing = node_commands(graph, parse_launch_args(
        graph, [f'robot:={tmp_path / "cam.yaml"}', 'checkpoint:=ck']))
    assert {'perception', 'policy_generator', 'lwd_controller'} == set(seeing)
    assert 'encoder:=ck' in seeing['perception']
    assert f'robot:={tmp_path / "cam.yaml"}' in seeing['perception']


def test_bringup_types_values_like_the_defaults():
    graph = graphs()['pusht_sim']
    cmds = node_commands(graph, parse_launch_args(graph, ['real_time_factor:=3']))
    assert 'real_time_factor:=3.0' in cmds['mujoco_bridge']


def _install_launch_stand_ins(monkeypatch):
    """Minimal recording versions of the launch classes the launch files use."""
    made = []

    def record(kind):
        def factory(*args, **kwargs):
            made.append((kind, args, kwargs))
            return (kind, args, kwargs)
        return factory
    modules = {
        'launch': {'LaunchDescription': record('LaunchDescription')},
        'launch.actions': {'DeclareLaunchArgument': record('DeclareLaunchArgument'),
                           'OpaqueFunction': record('OpaqueFunction'),
                           'Shutdown': record('Shutdown')},
        'launch.conditions': {'IfCondition': record('IfCondition'),
                              'UnlessCondition': record('UnlessCondition')},
        'launch.substitution': {'Substitution': type('Substitution', (), {})},
        'launch.substitutions': {'LaunchConfiguration': record('LaunchConfiguration'),
                                 'PathJoinSubstitution': record('PathJoinSubstitution')},
        'launch_ros.actions': {'Node': record('Node')},
        'launch_ros.substitutions': {'FindPackageShare': record('FindPackageShare')},
        'launch_ros': {},
    }
    for name, attrs in modules.items():
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(**attrs))
    monkeypatch.delitem(sys.modules, 'lwd_ros.ros.launch_description', raising=False)
    return made


def _graph_of(path):
    """The file's GRAPH, as ``lwd launch`` reads it (the same object ros2 launch describes)."""
    graph = load_graph(path)
    assert graph == graphs()[graph.name] and path.name == f'{graph.name}.launch.py'
    return graph


def _launch(path, monkeypatch, **configurations):
    """Run a launch file on the stand-ins as ``ros2 launch`` would with these arguments.

    The ``Node`` actions it runs, their last parameters (what the arguments set after the
    params files) read back from the file launch_ros would be given.
    """
    graph = _graph_of(path)
    made = _install_launch_stand_ins(monkeypatch)
    namespace = {}
    exec(compile(path.read_text(), str(path), 'exec'), namespace)
    namespace['generate_launch_description']()
    declared = [a[0] for kind, a, _ in made if kind == 'DeclareLaunchArgument']
    assert declared == [a.name for a in graph.arguments]
    # what ros2 launch holds for arguments not given (required ones are given here)
    defaults = {a.name: 'x' if a.required else a.launch_default for a in graph.arguments}
    context = types.SimpleNamespace(launch_configurations={**defaults, **configurations})
    nodes = [kw for kind, _, kw in made if kind == 'Node']
    assert [n['executable'] for n in nodes] == [s.executable for s in graph.nodes]
    opaque = [kw for kind, _, kw in made if kind == 'OpaqueFunction']
    if opaque:  # the fleet: its nodes are made when the launch runs, for robots:=N
        (fleet,) = opaque
        ((_, (condition,), _),) = [fleet['condition']]
        assert all(n['condition'][1] == (condition,) for n in nodes)  # one or the other
        if condition.perform(context) == 'true':
            return graph, [kw for _, _, kw in fleet['function'](context, *fleet['args'])]
    for node in nodes:
        given = node['parameters'][-1].perform(context)
        node['parameters'][-1] = yaml.safe_load(Path(given).read_text())['/**'][
            'ros__parameters']
        Path(given).unlink()
    return graph, nodes


@pytest.mark.parametrize('path', LAUNCH_FILES, ids=lambda p: p.name)
def test_launch_file_builds_the_graph(path, monkeypatch):
    graph, nodes = _launch(path, monkeypatch)
    assert [n['executable'] for n in nodes] == [s.executable for s in graph.nodes]
    assert all(n['package'] == 'lwd_ros' and 'namespace' not in n for n in nodes)
    for node, spec in zip(nodes, graph.nodes):
        assert node.get('respawn', False) == (spec.respawn and not spec.ends_graph)
        # Supervision as `lwd launch`'s: a configuration error ends the launch (never a
        # respawn loop), the bridge's end and any exit of the controller end the graph,
        # a crashed generator is left to respawn.
        exited = [node['on_exit'](types.SimpleNamespace(returncode=code), None)
                  for code in (0, 1, -9)]
        ends = spec.ends_graph or not spec.respawn
        assert all(bool(actions) == ends for actions in exited), (path.name, spec)
        with pytest.raises(RuntimeError, match=f"{spec.executable}: configuration error"):
            node['on_exit'](types.SimpleNamespace(returncode=2), None)
        assert len(node['parameters']) == len(graph.params_files) + 1
        overrides = set(node['parameters'][-1])
        unset = {p for a in graph.arguments if a.overrides and not a.required
                 and not a.shared for n, p in a.sets if n == node['executable']}
        assert not unset & overrides, 'an argument not given overrode the params files'
        shared = {p for a in graph.arguments if a.shared and a.default  # '': the node's
                  for n, p in a.sets if n == node['executable']}
        assert shared <= overrides, 'a shared fact (the task) reached a node only when given'
    given = {a.name: a.default or 'x' for a in graph.arguments if a.overrides}
    _, nodes = _launch(path, monkeypatch, **given)
    for node in nodes:
        expected = {p for a in graph.arguments for n, p in a.sets if n == node['executable']}
        assert expected <= set(node['parameters'][-1])


def test_launch_file_expands_a_fleet_like_lwd_launch(monkeypatch):
    path = REPO / 'launch' / 'pusht_sim.launch.py'
    graph, nodes = _launch(path, monkeypatch, robots='3', seed='5')
    cmds = node_commands(graph, parse_launch_args(graph, ['robots:=3', 'seed:=5']))
    keys = sorted(f"{n['arguments'][1]}@fleet" if n['executable'] == 'fleet_host'
                  else n['executable'] for n in nodes)
    assert keys == sorted(cmds)  # the same processes as `lwd launch pusht_sim robots:=3`
    for node in nodes:
        if node['executable'] != 'fleet_host':  # the one generator, on wall time
            assert node['executable'] == 'policy_generator'
            assert node['parameters'][-1]['use_sim_time'] is False
            continue
        assert node['arguments'] == cmds[f"{node['arguments'][1]}@fleet"][3:7]
        assert node['name'] == node['arguments'][1] and 'namespace' not in node
    (bridge,) = [n for n in nodes if n.get('arguments', [])[1:2] == ['mujoco_bridge']]
    assert bridge['arguments'] == ['pusht_sim', 'mujoco_bridge', '3', '5']
    assert 'on_exit' in bridge
    with pytest.raises(ValueError, match="launch argument robots:='three' must be an integer"):
        _launch(path, monkeypatch, robots='three')
    with pytest.raises(ValueError, match="launch argument control_rate:='fast' must be a number"):
        _launch(path, monkeypatch, control_rate='fast')


def test_launch_files_with_real_launch_ros(monkeypatch):
    # Where the real launch system is importable (a distro, or its sources beside the venv):
    # every node is a Node action of the description (`ros2 launch --print` shows it), its
    # last params file holds what `lwd launch` passes as -p; robots:=N makes the fleet.
    pytest.importorskip('launch_ros')
    from launch_ros.actions import Node
    # not the copy an earlier test built on the stand-ins
    monkeypatch.delitem(sys.modules, 'lwd_ros.ros.launch_description', raising=False)

    from launch.actions import DeclareLaunchArgument, OpaqueFunction

    from launch import LaunchContext
    for path in LAUNCH_FILES:
        namespace = {}
        exec(compile(path.read_text(), str(path), 'exec'), namespace)
        description = namespace['generate_launch_description']()
        context = LaunchContext()
        graph = _graph_of(path)
        given = [f'{a.name}:=given-{a.name}' for a in graph.arguments if a.required]
        for item in given:  # as `ros2 launch ... robot:=arm7 checkpoint:=models/arm7`
            name, _, value = item.partition(':=')
            context.launch_configurations[name] = value
        for e in description.entities:
            if isinstance(e, DeclareLaunchArgument):
                e.execute(context)
        assert sorted(context.launch_configurations) == sorted(a.name for a in graph.arguments)
        nodes = [e for e in description.entities if isinstance(e, Node)]
        assert [n.node_executable for n in nodes] == [s.executable for s in graph.nodes]
        commands = node_commands(graph, parse_launch_args(graph, given))
        for node in nodes:
            assert node.condition is None or node.condition.evaluate(context)
            last = node._Node__parameters[-1].evaluate(context)  # launch_ros ParameterFile
            params = yaml.safe_load(Path(last).read_text())['/**']['ros__parameters']
            cmd = commands[node.node_executable]
            assert params == {k: yaml.safe_load(v) for k, _, v in (
                cmd[i + 1].partition(':=') for i, a in enumerate(cmd) if a == '-p')}
        fleet = [e for e in description.entities if isinstance(e, OpaqueFunction)]
        if fleet:
            assert not fleet[0].condition.evaluate(context)
            context.launch_configurations['robots'] = '2'
            assert fleet[0].condition.evaluate(context)
            made = fleet[0].execute(context)
            assert sorted(n.node_executable for n in made) == \
                ['fleet_host', 'fleet_host', 'policy_generator']


def test_fleet_expands_namespaced_sims_and_controllers_around_one_generator():
    graph = graphs()['pusht_sim']
    cmds = node_commands(graph, parse_launch_args(graph, ['robots:=3', 'seed:=5']))
    # one host process per per-robot node (its N copies inside), one shared generator
    assert sorted(cmds) == ['lwd_controller@fleet', 'mujoco_bridge@fleet', 'policy_generator']
    assert 'robots:=3' in cmds['policy_generator']
    bridge = cmds['mujoco_bridge@fleet']
    assert bridge[2:7] == ['lwd_ros.nodes.fleet_host', 'pusht_sim', 'mujoco_bridge', '3', '5']
    assert 'seed:=5' in bridge and '--params-file' in bridge
    single = node_commands(graph, parse_launch_args(graph, []))
    assert set(single) == {'mujoco_bridge', 'policy_generator', 'lwd_controller'}


def _node_default(node, param, env):
    """What ``node`` runs with when neither a params file nor an argument sets ``param``."""
    import dataclasses

    from lwd_ros.envs.runner import SimBridgeConfig
    from lwd_ros.envs.teleop import TeleopConfig
    from lwd_ros.runtime.controller import ControllerConfig
    from lwd_ros.runtime.generator import GeneratorConfig
    configs = {'lwd_controller': ControllerConfig, 'policy_generator': GeneratorConfig,
               'expert_teleop': TeleopConfig, 'mujoco_bridge': SimBridgeConfig}
    field = {f.name: f for f in dataclasses.fields(configs[node])}[param]
    return field.default if field.default is not dataclasses.MISSING else field.default_factory()


@pytest.mark.parametrize('name', sorted(graphs()))
def test_an_argument_not_given_means_what_its_default_says(name):
    # The params files are the source of truth; an argument's default documents their value
    # (else the node's own default), so `--show-args` and `ros2 launch -s` tell the truth.
    graph = graphs()[name]
    files = {}
    for f in graph.params_files:
        for key, section in yaml.safe_load((REPO / 'config' / f).read_text()).items():
            files.setdefault(key.removeprefix('/**/'), {}).update(section['ros__parameters'])
    for a in graph.arguments:
        for node, param in a.sets:
            if a.shared:  # declared once, in the launch file, and always passed
                assert param not in files.get(node, {}), (name, a.name, node)
                continue
            if a.required:
                continue
            if node == 'demo_recorder' and param not in files.get(node, {}):
                continue
            section = files.get(node, {})
            value = (section[param] if param in section
                     else _node_default(node, param, graph.robot))
            assert str(value).lower() == a.default.lower() or \
                float(value) == float(a.default), (name, a.name, node, param, value)


def test_a_launch_file_outside_the_package_runs_under_lwd_launch(tmp_path, capsys):
    # A lab's own graph (e.g. its sim package's) is one launch file declaring GRAPH, found by
    # path; the name must match the file so fleet hosts and logs name the same graph.
    from lwd_ros.cli import main as lwd_main

    source = (REPO / 'launch' / 'pusht_hardware.launch.py').read_text()
    mine = tmp_path / 'my_cell.launch.py'
    mine.write_text(source.replace("name='pusht_hardware'", "name='my_cell'"))
    graph = find_graph(str(mine))
    assert graph.name == 'my_cell' and graph.source == str(mine)
    assert graph.nodes == graphs()['pusht_hardware'].nodes
    assert lwd_main(['launch', str(mine), '--show-args']) == 0
    assert 'object_pose_topic:=' in capsys.readouterr().out
    wrong = tmp_path / 'other.launch.py'
    wrong.write_text(source)
    with pytest.raises(ValueError, match="GRAPH must be a lwd_ros.ros.graphs.Graph named 'other'"):
        find_graph(str(wrong))
    assert lwd_main(['launch', 'pusht_simm']) == 2
    assert "no graph 'pusht_simm'; shipped: arm7_record" in capsys.readouterr().err


def test_lwd_launch_supervises_like_the_launch_files():
    # One rule for both launchers: a configuration error (exit 2) ends the graph with 2 and is
    # never respawned; the controller's exit ends it; a crashed generator or bridge respawns.
    from lwd_ros.ros.bringup import supervise

    graph = graphs()['pusht_sim']
    specs = {s.executable: s for s in graph.nodes}
    for name in specs:
        action = supervise({name: 2}, specs)
        assert action.stop and action.rc == 2 and not action.restart, name
    assert supervise({'policy_generator': 1}, specs).restart == ['policy_generator']
    assert supervise({'mujoco_bridge': -9}, specs).restart == ['mujoco_bridge']
    assert supervise({'mujoco_bridge': 0}, specs).stop
    quit = supervise({'lwd_controller': 0}, specs)
    assert quit.stop and quit.rc == 0
    crash = supervise({'lwd_controller': 1, 'policy_generator': 1}, specs)
    assert crash.stop and crash.rc == 1 and not crash.restart


def test_a_launch_argument_of_the_wrong_type_is_one_line():
    from lwd_ros.cli import main as lwd_main

    graph = graphs()['pusht_sim']
    for given, words in (('seed:=abc', "seed:='abc' must be an integer"),
                         ('control_rate:=fast', "control_rate:='fast' must be a number"),
                         ('use_sim_time:=yes', "use_sim_time:='yes' must be true or false")):
        with pytest.raises(ValueError, match=words):
            parse_launch_args(graph, [given])
    assert lwd_main(['launch', 'pusht_sim', 'robots:=x']) == 2
