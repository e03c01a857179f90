# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""fleet_host: every robot's copy of one node in one process (``/robot_0`` ... ``/robot_{N-1}``).

Usage::

    fleet_host GRAPH EXECUTABLE ROBOTS SEED --ros-args --params-file ... -p name:=value ...

Why one process: a fleet of N sims and N controllers as 2N processes spends a 2-core machine
on 2N interpreters, executors and DDS participants (at N = 16 the graph saturated both cores
and robots waited seconds for policies the generator had batched in 10 ms). Here each node
keeps its own namespace, parameters (the params files, the ``-p`` overrides, then what
``Graph.fleet_parameters`` gives robot i) and timers; one executor thread runs them all, one
participant carries their topics. What it costs: the robots of a host share its fate (a
crash restarts all of them, as the graph respawns the host). With ``episodes:=N`` a host of
sims ends when the last of them has finished its episodes.
"""

from __future__ import annotations

import importlib
import sys

from rclpy.node import Node
from rclpy.parameter import Parameter

from lwd_ros.ros.graphs import find_graph, graphs
from lwd_ros.ros.spin import run_nodes, wants_help


def node_class(executable: str) -> type[Node]:
    """The ``Node`` subclass that ``lwd_ros.nodes.<executable>`` defines."""
    module = importlib.import_module(f'lwd_ros.nodes.{executable}')
    found = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, Node)
             and c.__module__ == module.__name__]
    if len(found) != 1:
        raise ValueError(f'lwd_ros.nodes.{executable} defines {len(found)} nodes, not one')
    return found[0]


def robot_nodes(graph: str, executable: str, robots: int, seed: int) -> list[Node]:
    """Robot i's ``executable`` under ``/robot_i`` with the graph's per-robot parameters."""
    cls, g = node_class(executable), find_graph(graph)
    nodes = []
    for i in range(robots):
        extra = g.fleet_parameters(executable, i, seed)
        if extra is None:
            raise ValueError(f'{executable} is shared by the fleet, not one per robot')
        nodes.append(cls(namespace=f'/robot_{i}', parameter_overrides=[
            Parameter(k, value=v) for k, v in extra.items()]))
    finished: set[int] = set()

    def finish(i: int) -> None:  # a sim done with its episodes waits for its siblings
        finished.add(i)
        if len(finished) == len(nodes):
            raise SystemExit(0)
    for i, node in enumerate(nodes):
        if hasattr(node, 'finish'):
            node.finish = lambda i=i: finish(i)
    return nodes


def usage() -> str:
    return ('usage: fleet_host GRAPH EXECUTABLE ROBOTS SEED --ros-args [--params-file F] '
            '[-p name:=value ...]\n  runs ROBOTS copies of lwd_ros.nodes.EXECUTABLE under '
            '/robot_0 .. (seeds from SEED) with GRAPH\'s per-robot parameters; GRAPH: '
            + ', '.join(sorted(graphs())) + " or a launch file's path\n"
            '  (lwd launch GRAPH robots:=N starts it)')


def main(args=None) -> int:
    argv = list(sys.argv if args is None else args)
    if wants_help(argv):
        print(f'{__doc__.strip()}\n\n{usage()}')
        return 0
    ros_at = argv.index('--ros-args') if '--ros-args' in argv else len(argv)
    try:
        graph, executable, robots, seed = argv[1:ros_at]
        robots, seed = int(robots), int(seed)
    except ValueError:
        print(usage(), file=sys.stderr)
        return 2
    return run_nodes(lambda: robot_nodes(graph, executable, robots, seed),
                     [argv[0], *argv[ros_at:]])


if __name__ == '__main__':
    sys.exit(main())
