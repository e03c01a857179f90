# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The node graphs, declared once for ``launch/*.launch.py`` and ``lwd launch`` alike.

Each env declares its graphs (``lwd_ros/envs/<env>/graphs.py``, named by ``EnvSpec.graphs``)
from the pieces here. A launch file turns a ``Graph`` into launch_ros ``Node`` actions;
``lwd launch`` starts the same executables with the same params file and overrides on
machines without ``ros2 launch``.
Pure data (no rclpy, no launch imports), so tests can check every graph without ROS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import functools


@dataclass(frozen=True)
class Argument:
    """A launch argument and the node parameters it sets.

    An argument that sets parameters or remaps topics overrides the params files only when
    given: the params files are the source of truth, ``default`` documents their value.
    ``required``: the graph cannot start without it (no params file can know it).
    """

    name: str
    default: str
    description: str
    sets: tuple[tuple[str, str], ...] = ()  # (node, parameter) pairs it sets
    remaps: tuple[tuple[str, str], ...] = ()  # (node, topic) pairs it renames
    required: bool = False

    @property
    def overrides(self) -> bool:
        """Given or not: '' (not given) leaves the params files' value."""
        return bool(self.sets or self.remaps)

    @property
    def launch_default(self) -> str:
        """What ``name`` is when not given: '' for an override (the params files decide)."""
        return '' if self.overrides else self.default

    def help(self) -> str:
        if self.required:
            return f'{self.description} (required)'
        if self.overrides:
            return f'{self.description} (default: the params file, {self.default or "empty"})'
        return self.description


@dataclass(frozen=True)
class NodeSpec:
    """One node of a graph and how the graph supervises it.

    ``respawn``: restarted when it dies (a crashed generator comes back; the controller runs
    the last policy meanwhile). ``ends_graph``: its clean exit ends the graph (the sim bridge
    after ``episodes:=N``); a crash of it is respawned if ``respawn``. No node's death ever
    stops the controller: only the graph's end does.
    """

    executable: str
    sim_time: bool = True  # follows /clock when use_sim_time; the controller stays on wall time
    respawn: bool = False
    ends_graph: bool = False


@dataclass(frozen=True)
class Graph:
    env: str  # the sim it drives (lwd_ros.envs): where episodes are reported; '' = none
    params_files: tuple[str, ...]  # under share/lwd_ros/config, applied in order
    nodes: tuple[NodeSpec, ...]
    arguments: tuple[Argument, ...] = field(default=())

    @property
    def bridge(self) -> str:
        """The sim node (the one whose exit ends the graph); '' on hardware."""
        return next((n.executable for n in self.nodes if n.ends_graph), '')

    @property
    def episode_topic(self) -> str:
        """Where the sim reports episodes (``lwd launch`` prints them)."""
        from lwd_ros.envs import get_spec

        return get_spec(self.env).episode_topic if self.env else ''

    def argument(self, name: str) -> Argument:
        return next(a for a in self.arguments if a.name == name)

    def seed(self, value: str) -> int:
        """The first robot's seed: ``seed:=`` as given, else the documented params value."""
        names = {a.name for a in self.arguments}
        return int(value or (self.argument('seed').default if 'seed' in names else 0) or 0)

    def fleet_parameters(self, executable: str, robot: int, seed: int) -> dict | None:
        """Parameters robot ``robot`` of a fleet adds to ``executable``; None: not per robot.

        The generator is shared; every other node runs once per robot under ``/robot_i``.
        The robots run on wall time (one ``/clock`` cannot serve N sims) from seeds ``seed``,
        ``seed + 1000``, ...; sim videos are off (N writers would share one path).
        """
        if executable == 'policy_generator':
            return None
        if executable != self.bridge:
            return {}
        extra = {'publish_clock': False, 'use_sim_time': False, 'seed': seed + 1000 * robot}
        if any(a.name == 'video' for a in self.arguments):
            extra['video_path'] = ''
        return extra


# Arguments every sim graph of a policy offers; an env's graphs add their own.
BRIDGE = 'mujoco_bridge'
HORIZON = Argument('action_horizon', '0', 'policy steps between generations (0: trained)',
                   (('policy_generator', 'action_horizon'),))
SIM_TIME = Argument('use_sim_time', 'true', 'follow the bridge /clock (sim graphs)')
RTF = Argument('real_time_factor', '1.0', 'sim speed relative to wall time',
               ((BRIDGE, 'real_time_factor'),))
EPISODES = Argument('episodes', '0', 'stop the sim after this many episodes (0: never)',
                    ((BRIDGE, 'max_episodes'),))
ROBOTS = Argument('robots', '0', 'a fleet: N namespaced sims + controllers (/robot_i) and '
                  'one generator batching their generations (0: one robot)',
                  (('policy_generator', 'robots'),))


def checkpoint_argument(model: str) -> Argument:
    """``checkpoint:=`` defaulting to an env's shipped model."""
    return Argument('checkpoint', model, 'LWD checkpoint dir (torch) or ONNX export dir',
                    (('policy_generator', 'checkpoint'),))


def task_argument(default: str, nodes: tuple[str, ...], what: str = 'initial task') -> Argument:
    return Argument('task', default, what, tuple((n, 'task') for n in nodes))


def rate_argument(default: str) -> Argument:
    return Argument('control_rate', default, "controller loop rate, Hz (0: the contract's)",
                    (('lwd_controller', 'control_rate'),))


def seed_argument(default: str) -> Argument:
    return Argument('seed', default, 'seed of the first episode', ((BRIDGE, 'seed'),))


def policy_sim_graph(spec, params_file: str, task_help: str, control_rate: str, seed: str,
                     extra: tuple[Argument, ...] = ()) -> Graph:
    """Bridge + generator + controller on an env's sim (``spec``), with the shared arguments.

    ``extra`` arguments (the env's own) come before ``robots``.
    """
    return Graph(
        env=spec.name,
        params_files=('ros/lwd.yaml', params_file),
        nodes=(NodeSpec(BRIDGE, respawn=True, ends_graph=True),
               NodeSpec('policy_generator', respawn=True),
               NodeSpec('lwd_controller', sim_time=False)),
        arguments=(checkpoint_argument(spec.model),
                   task_argument(spec.tasks[0], (BRIDGE, 'policy_generator'), task_help),
                   HORIZON, rate_argument(control_rate), SIM_TIME, RTF, seed_argument(seed),
                   EPISODES, *extra, ROBOTS))


def record_graph(spec, sim_params: str, record_params: str, noise_unit: str) -> Graph:
    """Demonstrations through ROS: a sim, its expert as teleoperator, the recorder.

    The expert commands the sim over the robot's command topic (``expert_teleop``) while
    ``demo_recorder`` writes the contract's topics to a bag. ``noise_unit``: the command's
    unit, for the DART noise argument's help.
    """
    return Graph(
        env=spec.name,
        params_files=(sim_params, 'ros/expert_teleop.yaml', 'ros/demo_recorder.yaml',
                      record_params),
        nodes=(NodeSpec(BRIDGE, ends_graph=True), NodeSpec('expert_teleop'),
               NodeSpec('demo_recorder')),
        arguments=(SIM_TIME, RTF, seed_argument('0'), EPISODES,
                   task_argument(spec.tasks[0], (BRIDGE, 'expert_teleop'),
                                 'task of every episode'),
                   Argument('output', '', "bag directory ('' = ./demos_<date>)",
                            (('demo_recorder', 'output'),)),
                   Argument('storage', 'mcap', 'mcap | sqlite3',
                            (('demo_recorder', 'storage'),)),
                   Argument('action_noise', '0.0', f'DART: std ({noise_unit}) of correlated '
                            'noise on the executed command; the clean one is recorded too '
                            '(0: off)', (('expert_teleop', 'action_noise'),))))


# Any robot, no sim: the policy pair against the robot's own drivers (ros2_control), its
# topics, joints and limits from the contract file.
POLICY = Graph(
    env='',
    params_files=('ros/lwd.yaml',),
    nodes=(NodeSpec('policy_generator', sim_time=False, respawn=True),
           NodeSpec('lwd_controller', sim_time=False)),
    arguments=(Argument('robot', '', 'robot contract (YAML file, config/robots/<name>.yaml)',
                        (('lwd_controller', 'env'), ('policy_generator', 'robot')),
                        required=True),
               Argument('checkpoint', '', 'LWD checkpoint dir (torch) or ONNX export dir',
                        (('policy_generator', 'checkpoint'),), required=True),
               task_argument('', ('policy_generator',), "initial task ('' = the first)"),
               HORIZON, rate_argument('0.0')))


@functools.cache
def graphs() -> dict[str, Graph]:
    """Every launch graph by name: ``policy`` and each env's (``EnvSpec.graphs``)."""
    from lwd_ros.config import load_ref
    from lwd_ros.envs import get_spec, specs

    found: dict[str, Graph] = {'policy': POLICY}
    for env in specs():
        spec = get_spec(env)
        for name, graph in (load_ref(spec.graphs) if spec.graphs else {}).items():
            if name in found:
                raise ValueError(f'graph {name!r} is declared by two envs')
            found[name] = graph
    return found
