# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd launch GRAPH [name:=value ...]``: the launch files' node graph without ``ros2 launch``.

Starts the processes ``lwd_ros.ros.processes`` resolves for the graph and the given arguments
(the same ones ``ros2 launch`` starts from the same launch file), prefixes their output with
the node name, watches the sim's episode topic to print episode outcomes, and stops everything
on Ctrl-C, when a node dies, or after ``episodes:=N`` episodes: process supervision only.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import json
import os
from pathlib import Path
import signal
import subprocess
import sys
import threading
import time

from lwd_ros.config import share_dir
from lwd_ros.ros.graphs import CONFIG_ERROR, Graph, find_graph, graphs
from lwd_ros.ros.processes import Process, launch_values, processes

DRAIN_S = 1.0  # s the graph keeps running after its last episode, before the stop


def parse_launch_args(graph: Graph, items: list[str]) -> dict[str, str]:
    """``name:=value`` strings -> the value of every argument (``launch_values``)."""
    given = {}
    for item in items:
        name, sep, value = item.partition(':=')
        if not sep or name not in {a.name for a in graph.arguments}:
            valid = ', '.join(f'{a.name}:={a.default or "..."}' for a in graph.arguments)
            raise ValueError(f'bad launch argument {item!r}; valid: {valid}')
        given[name] = value
    return launch_values(graph, given)


def command(graph: Graph, process: Process) -> list[str]:
    """The command line of one process: ``ros2 run``'s, with the params files and overrides."""
    ros_args = ['--ros-args', '-r', f'__node:={process.spec.executable}']
    ros_args += [a for f in graph.params_files
                 for a in ('--params-file', str(share_dir() / 'config' / f))]
    ros_args += [a for name, value in process.parameters.items()
                 for a in ('-p', f'{name}:={value}')]
    ros_args += [a for topic, to in process.remappings for a in ('-r', f'{topic}:={to}')]
    return [sys.executable, '-m', f'lwd_ros.nodes.{process.executable}', *process.arguments,
            *ros_args]


def node_commands(graph: Graph, values: dict[str, str]) -> dict[str, list[str]]:
    """The command line of every process of the graph, by process name."""
    return {p.name: command(graph, p) for p in processes(graph, values)}


def _pump(name: str, stream, lock: threading.Lock) -> None:
    for line in iter(stream.readline, ''):
        with lock:
            sys.stdout.write(f'[{name}] {line}')
            sys.stdout.flush()


class EpisodeWatcher:
    """Listens to the sims' episode topics in this process and records finished episodes."""

    def __init__(self, episode_topic: str, robots: int = 0):
        self.suffix = '/' + episode_topic
        topics = (tuple(f'/robot_{i}/{episode_topic}' for i in range(robots))
                  or (self.suffix,)) if episode_topic else ()  # a robot without a sim
        import rclpy
        from rclpy.executors import SingleThreadedExecutor

        from lwd_ros.msg import EpisodeStatus
        from lwd_ros.ros.qos import EPISODE
        self._rclpy = rclpy
        self.context = rclpy.Context()
        rclpy.init(context=self.context, args=[])  # not sys.argv: name:=value are ours
        self.node = rclpy.create_node('lwd_launch_watcher', context=self.context)
        for topic in topics:
            self.node.create_subscription(EpisodeStatus, topic,
                                          lambda m, t=topic: self._on_status(m, t), EPISODE)
        self.executor = SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self.finished: list[dict] = []
        self._thread: threading.Thread | None = None

    def _on_status(self, msg, topic: str = '') -> None:
        robot = topic[:-len(self.suffix)].strip('/')
        if msg.done and all((e['episode'], e.get('robot', '')) != (msg.episode, robot)
                            for e in self.finished):
            self.finished.append({**({'robot': robot} if robot else {}),
                                  'episode': msg.episode, 'seed': msg.seed, 'task': msg.task,
                                  'success': bool(msg.success), 'steps': msg.step,
                                  'max_coverage': round(float(msg.max_coverage), 4)})
            print(f'[lwd launch] episode {msg.episode} seed {msg.seed} task {msg.task}: '
                  f'{"SUCCESS" if msg.success else "no success"} in {msg.step} steps, '
                  f'max coverage {msg.max_coverage:.3f}', flush=True)

    def spin_once(self, timeout: float) -> None:
        """Let ``timeout`` pass; the statuses are taken on the watcher's own thread.

        Taking them between the supervision loop's polls fell behind a fast sim (a marker
        per policy step at 160 Hz) and lost episode ends.
        """
        if self._thread is None:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        time.sleep(timeout)

    def _spin(self) -> None:
        try:
            self.executor.spin()
        except Exception:  # noqa: BLE001 - the context was shut down by close()
            pass

    def all_done(self, episodes: int, robots: int) -> bool:
        """Every robot (one without a fleet) has finished ``episodes`` episodes."""
        done: dict[str, int] = {}
        for e in list(self.finished):
            done[e.get('robot', '')] = done.get(e.get('robot', ''), 0) + 1
        want = [f'robot_{i}' for i in range(robots)] or ['']
        return all(done.get(r, 0) >= episodes for r in want)

    def close(self) -> None:
        if self._thread is not None:  # stop the spinning thread first, then tear down
            self.executor.shutdown(timeout_sec=1.0)
            self._thread.join(timeout=2.0)
        self.node.destroy_node()
        self.context.try_shutdown()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('graph', help='which node graph: ' + ', '.join(sorted(graphs()))
                        + ', or a *.launch.py file that declares GRAPH')
    parser.add_argument('launch_args', nargs='*', metavar='name:=value',
                        help='launch arguments, as for ros2 launch (see --show-args)')
    parser.add_argument('--show-args', action='store_true', help='list arguments and exit')
    parser.add_argument('--timeout', type=float, default=0.0,
                        help='stop after this many seconds (0: never)')
    parser.add_argument('--json', type=Path, help='write finished episodes here')
    parser.add_argument('--no-respawn', action='store_true',
                        help='do not restart nodes the graph respawns (generator, bridge)')


def run(args: argparse.Namespace) -> int:
    try:
        graph = find_graph(args.graph)
    except (ValueError, FileNotFoundError) as e:
        print(f'lwd launch: {e}', file=sys.stderr)
        return 2
    if args.show_args:
        for a in graph.arguments:
            print(f'{a.name}:={a.default!r}\n    {a.help()}')
        return 0
    try:
        values = parse_launch_args(graph, args.launch_args)
    except ValueError as e:
        print(f'lwd launch: {e}', file=sys.stderr)
        return 2
    episodes = int(values.get('episodes', '0') or 0)
    env = dict(os.environ)
    env.setdefault('MUJOCO_GL', 'egl')
    env.setdefault('PYTHONUNBUFFERED', '1')
    lock = threading.Lock()
    procs: dict[str, subprocess.Popen] = {}
    started = processes(graph, values)
    commands = {p.name: command(graph, p) for p in started}
    specs = {p.name: p.spec for p in started}

    def start(name: str) -> None:
        procs[name] = subprocess.Popen(commands[name], env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True,
                                       start_new_session=True)
        threading.Thread(target=_pump, args=(name, procs[name].stdout, lock),
                         daemon=True).start()
    for name in commands:
        start(name)
    robots = int(values.get('robots', '0') or 0)
    watcher = EpisodeWatcher(graph.episode_topic, robots)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    deadline = time.monotonic() + args.timeout if args.timeout > 0 else float('inf')
    rc = 0
    try:
        while not stop.is_set() and time.monotonic() < deadline:
            watcher.spin_once(0.1)
            dead = {n: p.returncode for n, p in procs.items() if p.poll() is not None}
            action = supervise(dead, specs, respawn=not args.no_respawn)
            for name in action.restart:
                print(f'[lwd launch] {name} exited ({dead[name]}): respawning', flush=True)
                start(name)
            if action.stop:
                why = ('a configuration error (its FATAL line above)'
                       if action.rc == CONFIG_ERROR else 'node exited')
                codes = ', '.join(f'{n} {c}' for n, c in dead.items())
                print(f'[lwd launch] {why}: {codes}; stopping the graph', flush=True)
                rc = action.rc
                break
            if episodes and watcher.all_done(episodes, robots):
                # Let messages in flight land (a recorder still writing the last marker).
                drain_until = time.monotonic() + DRAIN_S
                while time.monotonic() < drain_until:
                    watcher.spin_once(0.05)
                break
    finally:
        _stop_all(procs)
        watcher.close()
    done = watcher.finished
    if done:
        rate = sum(e['success'] for e in done) / len(done)
        print(f'[lwd launch] {len(done)} episodes, success rate {rate:.2f}', flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({'graph': args.graph, 'args': values,
                                         'episodes': done}, indent=2))
    if episodes and not watcher.all_done(episodes, robots) and rc == 0:
        rc = 1  # asked for episodes that never finished
    return rc


@dataclass
class Supervision:
    restart: list[str]
    stop: bool = False
    rc: int = 0


def supervise(dead: dict[str, int], specs: dict, respawn: bool = True) -> Supervision:
    """What to do about nodes that exited (``{name: returncode}``), per their ``NodeSpec``.

    A configuration error (``CONFIG_ERROR``) ends the graph with that code: respawning a
    node with the same bad parameter only fails again, every few seconds, forever. A clean
    exit of an ``ends_graph`` node ends the graph; a respawnable node is restarted
    otherwise; any other exit (the controller's) ends the graph with an error. The
    controller is never stopped because another node died while the graph goes on.
    """
    out = Supervision([])
    for name, code in dead.items():
        spec = specs[name]
        if code == CONFIG_ERROR:
            out.stop, out.rc = True, CONFIG_ERROR
        elif spec.ends_graph and code == 0:
            out.stop = True
        elif spec.respawn and respawn:
            out.restart.append(name)
        else:
            out.stop, out.rc = True, out.rc or (1 if code else 0)
    if out.stop:
        out.restart = []
    return out


def _stop_all(procs: dict[str, subprocess.Popen], grace: float = 10.0) -> None:
    """SIGINT (clean rclpy shutdown, videos flushed), then SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        alive = [p for p in procs.values() if p.poll() is None]
        for p in alive:
            p.send_signal(sig)
        end = time.monotonic() + wait
        for p in alive:
            try:
                p.wait(max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
