# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a graph starts for given launch argument values: the one resolution both launchers use.

``ros2 launch`` (``lwd_ros.ros.launch_description``) and ``lwd launch``
(``lwd_ros.ros.bringup``) both ask ``processes(graph, values)`` which processes to start
with which parameters and remappings; each only says it in its own terms (launch_ros
``Node`` actions, command lines) and supervises them. Pure (no rclpy, no launch imports).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lwd_ros.ros.graphs import Graph, NodeSpec, graphs


@dataclass(frozen=True)
class Process:
    """One process of a graph: a node, or a ``fleet_host`` holding its N per-robot copies.

    ``parameters`` are set after the graph's params files (what the given arguments set, the
    shared facts, ``use_sim_time``), as a user types them (``real_time_factor: '3.0'``).
    """

    name: str  # the executable; ``executable@fleet`` for a fleet host
    spec: NodeSpec
    executable: str  # what runs: spec.executable, or fleet_host
    arguments: tuple[str, ...]  # fleet_host's GRAPH EXECUTABLE ROBOTS SEED; () for a node
    parameters: dict[str, str]
    remappings: tuple[tuple[str, str], ...]


def launch_values(graph: Graph, given: Mapping[str, str]) -> dict[str, str]:
    """The value of every argument: those ``given`` (checked), else their launch default.

    An argument that sets parameters is '' unless given (the params files decide). A value of
    the wrong type or a required argument missing is a ValueError in one line, before any
    node starts.
    """
    values = {a.name: a.check(given[a.name]) if a.name in given else a.launch_default
              for a in graph.arguments}
    missing = [a.name for a in graph.arguments if a.required and not values[a.name]]
    if missing:
        raise ValueError('missing launch arguments: ' + ' '.join(f'{m}:=...' for m in missing))
    return values


def _typed(value: str, default: str) -> str:
    """Give a value the ROS type of its default, as a params file would (2 -> 2.0 for a double)."""
    if '.' in default and value.lstrip('-').isdigit():
        return f'{value}.0'
    return value


def node_parameters(graph: Graph, spec: NodeSpec, values: Mapping[str, str]) -> dict[str, str]:
    """What ``spec``'s node gets after the params files: only arguments that have a value."""
    params = {param: _typed(values[a.name], a.default) for a in graph.arguments
              for node, param in a.sets if node == spec.executable and values[a.name] != ''}
    if spec.sim_time and 'use_sim_time' in values:
        params['use_sim_time'] = values['use_sim_time']
    return params


def node_remappings(graph: Graph, spec: NodeSpec,
                    values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((topic, values[a.name]) for a in graph.arguments for node, topic in a.remaps
                 if node == spec.executable and values[a.name] not in ('', topic))


def runs(spec: NodeSpec, values: Mapping[str, str]) -> bool:
    """Whether ``spec``'s node starts for these argument values (``NodeSpec.cameras``)."""
    if not spec.cameras:
        return True
    from lwd_ros.contract import get_contract

    return bool(values.get('robot')) and bool(get_contract(values['robot']).perceived())


def processes(graph: Graph, values: Mapping[str, str]) -> list[Process]:
    """Every process to start for ``values`` (``launch_values``), in the graph's node order.

    With ``robots:=N`` each per-robot node is one ``fleet_host`` process of N copies
    (namespaces ``/robot_i``, ``Graph.fleet_parameters``), the generator one shared node on
    wall time.
    """
    robots = int(values.get('robots', '') or 0)
    seed = graph.seed(values.get('seed', ''))
    # fleet_host finds a shipped graph by name, a lab's own launch file by its path
    source = graph.name if graphs().get(graph.name) == graph else graph.source
    out = []
    for spec in filter(lambda spec: runs(spec, values), graph.nodes):
        params = node_parameters(graph, spec, values)
        remaps = node_remappings(graph, spec, values)
        exe = spec.executable
        if robots <= 0:
            out.append(Process(exe, spec, exe, (), params, remaps))
        elif graph.fleet_parameters(exe, 0, seed) is None:  # shared: serves them on wall time
            out.append(Process(exe, spec, exe, (), {**params, 'use_sim_time': 'false'}, remaps))
        else:
            out.append(Process(f'{exe}@fleet', spec, 'fleet_host',
                               (source, exe, str(robots), str(seed)), params, remaps))
    return out
