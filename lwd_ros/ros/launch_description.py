# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Build a ROS 2 ``LaunchDescription`` from a ``Graph`` (used by ``launch/*.launch.py``)."""

from __future__ import annotations

from launch.actions import DeclareLaunchArgument, Shutdown
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare

from launch import LaunchDescription
from lwd_ros.ros.graphs import GRAPHS


def graph_launch_description(name: str) -> LaunchDescription:
    """Declare the graph's arguments and start its nodes with the shared params file."""
    graph = GRAPHS[name]
    params_files = [PathJoinSubstitution([FindPackageShare('lwd_ros'), 'config', f])
                    for f in graph.params_files]
    arguments = [a for a in graph.arguments if a.launch_file]
    actions = [DeclareLaunchArgument(a.name, default_value=a.default, description=a.description)
               for a in arguments]
    names = {a.name for a in arguments}
    for spec in graph.nodes:
        overrides = {param: LaunchConfiguration(a.name) for a in arguments
                     for node, param in a.sets if node == spec.executable}
        if spec.sim_time and 'use_sim_time' in names:
            overrides['use_sim_time'] = LaunchConfiguration('use_sim_time')
        remaps = [(topic, LaunchConfiguration(a.name)) for a in arguments
                  for node, topic in a.remaps if node == spec.executable]
        supervision = {}
        if spec.ends_graph:  # e.g. the bridge after episodes:=N (a crash ends it too here)
            supervision['on_exit'] = [Shutdown(reason=f'{spec.executable} exited')]
        elif spec.respawn:
            supervision.update(respawn=True, respawn_delay=1.0)
        actions.append(Node(package='lwd_ros', executable=spec.executable, name=spec.executable,
                            output='screen', parameters=[*params_files, overrides],
                            remappings=remaps, **supervision))
    return LaunchDescription(actions)
