# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Build a ROS 2 ``LaunchDescription`` from a launch file's ``GRAPH``.

The nodes are made when the launch runs (an ``OpaqueFunction``), because ``robots:=N``
decides what runs: one ``fleet_host`` process per per-robot node, holding its N namespaced
copies, around one generator, exactly as ``lwd launch`` starts them.
"""

from __future__ import annotations

from launch.actions import DeclareLaunchArgument, OpaqueFunction, Shutdown
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare

from launch import LaunchDescription
from lwd_ros.ros.graphs import Graph


def launch_description(graph: Graph) -> LaunchDescription:
    """Declare the graph's arguments and start its nodes with the shared params files."""
    actions = [DeclareLaunchArgument(a.name, description=a.help()) if a.required else
               DeclareLaunchArgument(a.name, default_value=a.launch_default,
                                     description=a.help())
               for a in graph.arguments]
    actions.append(OpaqueFunction(function=_nodes, args=[graph]))
    return LaunchDescription(actions)


def _int_argument(context, name: str) -> int:
    text = context.launch_configurations.get(name, '0') or '0'
    try:
        return int(text)
    except ValueError:
        raise ValueError(f'launch argument {name}:={text!r} must be an integer') from None


def _given(context, name: str) -> bool:
    return bool(context.launch_configurations.get(name, ''))


def _nodes(context, graph: Graph) -> list[Node]:
    """The graph's ``Node`` actions for the ``robots`` and ``seed`` this launch was given."""
    params_files = [PathJoinSubstitution([FindPackageShare('lwd_ros'), 'config', f])
                    for f in graph.params_files]
    names = {a.name for a in graph.arguments}
    robots = _int_argument(context, 'robots') if 'robots' in names else 0
    seed = graph.seed(str(_int_argument(context, 'seed')) if _given(context, 'seed') else '')
    given = [a for a in graph.arguments if _given(context, a.name)]
    nodes = []
    for spec in graph.nodes:
        # Only given arguments override: the params files are the source of truth.
        overrides = {param: LaunchConfiguration(a.name) for a in given
                     for node, param in a.sets if node == spec.executable}
        if spec.sim_time and 'use_sim_time' in names:
            overrides['use_sim_time'] = LaunchConfiguration('use_sim_time')
        remaps = [(topic, LaunchConfiguration(a.name)) for a in given
                  for node, topic in a.remaps if node == spec.executable]
        supervision = {}
        if spec.ends_graph:  # e.g. the bridge after episodes:=N (a crash ends it too here)
            supervision['on_exit'] = [Shutdown(reason=f'{spec.executable} exited')]
        elif spec.respawn:
            supervision.update(respawn=True, respawn_delay=1.0)
        common = dict(package='lwd_ros', executable=spec.executable, name=spec.executable,
                      output='screen', remappings=remaps, **supervision)
        per_robot = graph.fleet_parameters(spec.executable, 0, seed)
        if robots <= 0 or per_robot is None:
            if robots > 0:  # the shared generator serves robots on wall time
                overrides['use_sim_time'] = False
            nodes.append(Node(parameters=[*params_files, overrides], **common))
            continue
        # one fleet_host process runs every robot's copy (lwd_ros.nodes.fleet_host)
        common['executable'] = 'fleet_host'
        nodes.append(Node(arguments=[graph.name, spec.executable, str(robots), str(seed)],
                          parameters=[*params_files, overrides], **common))
    return nodes
