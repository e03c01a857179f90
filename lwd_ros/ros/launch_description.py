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
from lwd_ros.ros.graphs import CONFIG_ERROR, Graph, NodeSpec


def launch_description(graph: Graph) -> LaunchDescription:
    """Declare the graph's arguments and start its nodes with the shared params files."""
    actions = [DeclareLaunchArgument(a.name, description=a.help()) if a.required else
               DeclareLaunchArgument(a.name, default_value=a.launch_default,
                                     description=a.help())
               for a in graph.arguments]
    actions.append(OpaqueFunction(function=_nodes, args=[graph]))
    return LaunchDescription(actions)


def _int_argument(context, name: str) -> int:
    return int(context.launch_configurations.get(name, '0') or '0')  # checked in _nodes


def _given(context, name: str) -> bool:
    return bool(context.launch_configurations.get(name, ''))


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


def _nodes(context, graph: Graph) -> list[Node]:
    """The graph's ``Node`` actions for the ``robots`` and ``seed`` this launch was given."""
    params_files = [PathJoinSubstitution([FindPackageShare('lwd_ros'), 'config', f])
                    for f in graph.params_files]
    names = {a.name for a in graph.arguments}
    for a in graph.arguments:  # a typo fails here, in one line, before any node starts
        a.check(context.launch_configurations.get(a.name, ''))
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
        common = dict(package='lwd_ros', executable=spec.executable, name=spec.executable,
                      output='screen', remappings=remaps, **_supervision(spec))
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
