# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Build a ROS 2 ``LaunchDescription`` from a launch file's ``GRAPH``.

One ``DeclareLaunchArgument`` per argument (its description names the node parameters it
sets) and one launch_ros ``Node`` per node, as ``ros2 launch --print`` and ``--show-args``
show them. What a node gets after the graph's params files (the arguments given, the shared
task, ``use_sim_time``) is resolved when the launch runs, by ``lwd_ros.ros.processes`` as for
``lwd launch``, so an argument not given leaves the params files' value.

The exception is a fleet (``robots:=N``, N > 0): one ``fleet_host`` per per-robot node, holding
its N namespaced copies, around one generator. Which processes run then depends on N, so an
``OpaqueFunction`` makes them from the same resolution when the launch runs.
"""

from __future__ import annotations

import tempfile

from launch.actions import DeclareLaunchArgument, OpaqueFunction, Shutdown
from launch.conditions import IfCondition, UnlessCondition
from launch.substitution import Substitution
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare
import yaml

from launch import LaunchDescription
from lwd_ros.ros.graphs import CONFIG_ERROR, Graph, NodeSpec
from lwd_ros.ros.processes import launch_values, node_parameters, processes, runs


def launch_description(graph: Graph) -> LaunchDescription:
    """Declare the graph's arguments and its nodes with the shared params files."""
    actions = [DeclareLaunchArgument(a.name, description=a.help()) if a.required else
               DeclareLaunchArgument(a.name, default_value=a.launch_default,
                                     description=a.help())
               for a in graph.arguments]
    fleet = Fleet(graph) if any(a.name == 'robots' for a in graph.arguments) else None
    for spec in graph.nodes:
        actions.append(Node(
            package='lwd_ros', executable=spec.executable, name=spec.executable,
            output='screen', parameters=[*_params_files(graph), GivenParameters(graph, spec)],
            remappings=[(topic, LaunchConfiguration(a.name)) for a in graph.arguments
                        for node, topic in a.remaps if node == spec.executable],
            condition=(IfCondition(Runs(graph, spec)) if spec.cameras
                       else UnlessCondition(fleet) if fleet else None), **_supervision(spec)))
    if fleet:
        actions.append(OpaqueFunction(function=_fleet_nodes, args=[graph],
                                      condition=IfCondition(fleet)))
    return LaunchDescription(actions)


def _params_files(graph: Graph) -> list:
    return [PathJoinSubstitution([FindPackageShare('lwd_ros'), 'config', f])
            for f in graph.params_files]


def _values(context, graph: Graph) -> dict[str, str]:
    """The arguments' values; a typo fails here, in one line, before any node starts."""
    configs = context.launch_configurations
    return launch_values(graph, {a.name: configs[a.name] for a in graph.arguments
                                 if configs.get(a.name, '') != ''})


class Fleet(Substitution):
    """'true' when ``robots:=N`` asks for a fleet (N > 0), else 'false'."""

    def __init__(self, graph: Graph):
        super().__init__()
        self.graph = graph

    def describe(self) -> str:
        return 'robots > 0'

    def perform(self, context) -> str:
        return str(int(_values(context, self.graph)['robots'] or 0) > 0).lower()


class Runs(Substitution):
    """'true' when the node starts for these arguments (``lwd_ros.ros.processes.runs``)."""

    def __init__(self, graph: Graph, spec: NodeSpec):
        super().__init__()
        self.graph, self.spec = graph, spec

    def describe(self) -> str:
        return f'{self.spec.executable} runs for this robot'

    def perform(self, context) -> str:
        return str(runs(self.spec, _values(context, self.graph))).lower()


class GivenParameters(Substitution):
    """A params file of what one node gets after the graph's: launch_ros reads it last.

    Only arguments that have a value are in it (``lwd_ros.ros.processes.node_parameters``),
    so the params files decide every parameter whose argument was not given.
    """

    def __init__(self, graph: Graph, spec: NodeSpec):
        super().__init__()
        self.graph, self.spec = graph, spec

    def describe(self) -> str:
        sets = [f'{a.name}->{param}' for a in self.graph.arguments
                for node, param in a.sets if node == self.spec.executable]
        return f"GivenParameters({self.spec.executable}: {', '.join(sets)})"

    def perform(self, context) -> str:
        params = node_parameters(self.graph, self.spec, _values(context, self.graph))
        with tempfile.NamedTemporaryFile('w', prefix='launch_params_', suffix='.yaml',
                                         delete=False) as f:
            yaml.safe_dump({'/**': {'ros__parameters': _typed(params)}}, f)
        return f.name


def _typed(params: dict[str, str]) -> dict:
    """Values read as ``-p name:=value`` reads them: '3.0' a double, 'true' a bool."""
    return {k: yaml.safe_load(v) for k, v in params.items()}


def _supervision(spec: NodeSpec) -> dict:
    """How launch treats this node's exit: as ``lwd launch``'s ``supervise`` does.

    A configuration error (``CONFIG_ERROR``) raises, which ends the launch with one line
    ("Caught exception in launch") and exit code 1, like a bad launch argument, instead of a
    headless graph or a respawn loop. Otherwise a node that neither respawns nor ends the
    graph on purpose (the controller) ends it whenever it exits; the bridge's exit after
    ``episodes:=N`` ends it too (a crash of it as well, under ``ros2 launch``).
    """
    def on_exit(event, context):
        if event.returncode == CONFIG_ERROR:
            raise RuntimeError(f'{spec.executable}: configuration error (exit {CONFIG_ERROR}, '
                               'its FATAL line above): stopping the graph')
        if spec.ends_graph or not spec.respawn:
            return [Shutdown(reason=f'{spec.executable} exited ({event.returncode})')]
        return None
    supervision = {'on_exit': on_exit}
    if spec.respawn and not spec.ends_graph:
        supervision.update(respawn=True, respawn_delay=1.0)
    return supervision


def _fleet_nodes(context, graph: Graph) -> list[Node]:
    """The fleet's ``Node`` actions: ``fleet_host`` processes and the shared generator."""
    return [Node(package='lwd_ros', executable=p.executable, name=p.spec.executable,
                 arguments=list(p.arguments), output='screen',
                 parameters=[*_params_files(graph), _typed(p.parameters)],
                 remappings=list(p.remappings), **_supervision(p.spec))
            for p in processes(graph, _values(context, graph))]
