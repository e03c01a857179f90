# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The pieces node graphs are declared from, and the registry of ``launch/*.launch.py``.

Each launch file states its graph (``GRAPH``: nodes, params files, arguments, each argument
with the node parameters it sets) from the pieces here; a robot's sim and recording graphs
come from ``sim_graph`` and ``record_graph``, which take only what differs between robots.
``lwd_ros.ros.processes`` resolves a graph and argument values into the processes to start,
for ``ros2 launch`` (``launch_description``) and ``lwd launch`` (``bringup``) alike: one
definition, which a ROS user finds where ROS users look.
Pure data (no rclpy, no launch imports), so tests can check every graph without ROS.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
import functools
import importlib.util
from pathlib import Path


@dataclass(frozen=True)
class Argument:
    """A launch argument and the node parameters it sets.

    An argument that sets parameters or remaps topics overrides the params files only when
    given: the params files are the source of truth, ``default`` documents their value.
    ``required``: the graph cannot start without it (no params file can know it).
    ``shared``: a fact several nodes must agree on (the task the sim runs and the generator
    makes policies for): the launch file's ``default`` is its one declaration, passed to
    every node it ``sets`` whether given or not, and no params file may set it.
    """

    name: str
    default: str
    description: str
    sets: tuple[tuple[str, str], ...] = ()  # (node, parameter) pairs it sets
    remaps: tuple[tuple[str, str], ...] = ()  # (node, topic) pairs it renames
    required: bool = False
    shared: bool = False

    @property
    def overrides(self) -> bool:
        """Given or not: '' (not given) leaves the params files' value."""
        return bool(self.sets or self.remaps)

    @property
    def launch_default(self) -> str:
        """What ``name`` is when not given: '' where it sets parameters (the params files decide).

        A remapping's default is its own topic, which remaps nothing.
        """
        return '' if self.sets and not self.shared else self.default

    def check(self, value: str) -> str:
        """``value`` if it has the type of the default (an integer for ``seed``).

        Else a ValueError in words: a launch typo fails at once, in one line, before any
        node starts (not as a node's FATAL line, or a traceback in launch).
        """
        kind = _kind(self.default)
        if value == '' or kind is str:
            return value
        try:
            kind(value)
        except ValueError:
            words = {int: 'an integer', float: 'a number', _bool: 'true or false'}[kind]
            raise ValueError(f'launch argument {self.name}:={value!r} must be {words}'
                             ) from None
        return value

    def help(self) -> str:
        """The description, the parameters it sets (``node.param``) and where its default is."""
        targets = ', '.join([f'{n}.{p}' for n, p in self.sets]
                            + [f'{n} topic {t}' for n, t in self.remaps])
        if self.required:
            return f'{self.description} (required; sets {targets})'
        if self.shared:
            return f'{self.description} (sets {targets})'
        if self.sets:
            return (f'{self.description} (sets {targets}; default: the params file, '
                    f'{self.default or "empty"})')
        if self.remaps:
            return f'{self.description} (remaps {targets})'
        return self.description


def _bool(text: str) -> bool:
    if text.lower() not in ('true', 'false'):
        raise ValueError(text)
    return text.lower() == 'true'


def _kind(default: str) -> type | object:
    """The type a launch argument's values must have, read off its default."""
    for kind in (int, float, _bool):
        try:
            kind(default)
            return kind
        except ValueError:
            pass
    return str


@dataclass(frozen=True)
class NodeSpec:
    """One node of a graph and how the graph supervises it.

    ``respawn``: restarted when it crashes (a crashed generator comes back; the controller
    runs the last policy meanwhile). ``ends_graph``: its clean exit ends the graph (the sim
    bridge after ``episodes:=N``). A node that is neither ends the graph whenever it exits
    (the controller: nothing drives the robot without it). A configuration error (exit
    ``CONFIG_ERROR``: a bad parameter, a missing or wrong checkpoint) is never respawned,
    since the same parameters fail the same way: it ends the graph, whichever node it is.
    ``cameras``: it runs only for a robot whose contract (the ``robot`` argument) has image
    blocks (the perception node).
    """

    executable: str
    sim_time: bool = True  # follows /clock when use_sim_time; the controller stays on wall time
    respawn: bool = False
    ends_graph: bool = False
    cameras: bool = False


@dataclass(frozen=True)
class Graph:
    name: str  # its launch file's: launch/<name>.launch.py
    robot: str  # the sim robot it drives (lwd_ros.envs): where episodes are reported; '' = none
    params_files: tuple[str, ...]  # under share/lwd_ros/config, applied in order
    nodes: tuple[NodeSpec, ...]
    arguments: tuple[Argument, ...] = field(default=())
    source: str = field(default='', compare=False)  # the launch file it was read from

    @property
    def bridge(self) -> str:
        """The sim node (the one whose exit ends the graph); '' on hardware."""
        return next((n.executable for n in self.nodes if n.ends_graph), '')

    @property
    def episode_topic(self) -> str:
        """Where the sim reports episodes (``lwd launch`` prints them)."""
        from lwd_ros.envs import get_spec

        return get_spec(self.robot).contract.episode_topic if self.robot else ''

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


# A node's exit code for a configuration error: a bad parameter, a missing or wrong checkpoint
# (lwd_ros.ros.spin logs its one FATAL line and returns it). Graphs end, never respawn, on it.
CONFIG_ERROR = 2

# Arguments every sim graph of a policy offers; an env's graphs add their own.
BRIDGE = 'mujoco_bridge'
HORIZON = Argument('action_horizon', '0', 'policy steps between generations (0: trained)',
                   (('policy_generator', 'action_horizon'),))
SIM_TIME = Argument('use_sim_time', 'true', 'follow the bridge /clock (sim graphs)')
RTF = Argument('real_time_factor', '1.0', 'sim speed relative to wall time',
               ((BRIDGE, 'real_time_factor'),))
EPISODES = Argument('episodes', '0', 'stop the sim after this many episodes (0: never)',
                    ((BRIDGE, 'max_episodes'),))
EXPIRED = Argument('on_expired', 'hold', 'when the last policy outlives its validity (the '
                   'generator lost): hold the joints or keep running it',
                   (('lwd_controller', 'on_expired'),))
ROBOTS = Argument('robots', '0', 'a fleet: N namespaced sims + controllers (/robot_i) and '
                  'one generator batching their generations (0: one robot)',
                  (('policy_generator', 'robots'),))


def checkpoint_argument(model: str, cameras: bool = False) -> Argument:
    """``checkpoint:=`` defaulting to an env's shipped model.

    With ``cameras`` its encoders are the perception node's too (``encoder_file``).
    """
    return Argument('checkpoint', model, 'LWD checkpoint dir (torch) or ONNX export dir',
                    (('policy_generator', 'checkpoint'),
                     *((('perception', 'encoder'),) if cameras else ())))


def task_argument(default: str, nodes: tuple[str, ...], what: str = 'initial task') -> Argument:
    """The task every node in ``nodes`` starts on: one value for the sim and its policies."""
    return Argument('task', default, what, tuple((n, 'task') for n in nodes), shared=True)


def rate_argument(default: str) -> Argument:
    return Argument('control_rate', default, "controller loop rate, Hz (0: the contract's)",
                    (('lwd_controller', 'control_rate'),))


def seed_argument(default: str) -> Argument:
    return Argument('seed', default, 'seed of the first episode', ((BRIDGE, 'seed'),))


def action_noise_argument(unit: str) -> Argument:
    """DART noise on the expert's executed command, in the command's ``unit``."""
    return Argument('action_noise', '0.0', f'DART: std ({unit}) of correlated noise on the '
                    'executed command; the clean one is recorded too (0: off)',
                    (('expert_teleop', 'action_noise'),))


def operator_arguments(unit: str) -> tuple[Argument, ...]:
    """A simulated human between the expert and the robot (``lwd_ros.data.operator``)."""
    return (
        Argument('operator_drift', '0.0', f'a human-like operator: std ({unit}) of a slow '
                 'wander on the executed (recorded) command (0: off)',
                 (('expert_teleop', 'operator_drift'),)),
        Argument('operator_smoothness', '0.95', "AR(1) coefficient of the operator's wander",
                 (('expert_teleop', 'operator_smoothness'),)),
        Argument('operator_hesitation', '0.0', 'probability per step that the operator '
                 'pauses 3-10 steps (0: never)', (('expert_teleop', 'operator_hesitation'),)),
    )


# What a recording graph offers besides the sim's arguments.
OUTPUT = Argument('output', '', "bag directory ('' = ./demos_<date>)",
                  (('demo_recorder', 'output'),))
STORAGE = Argument('storage', 'mcap', 'mcap | sqlite3', (('demo_recorder', 'storage'),))


# The nodes of a robot's sim graph and of its recording graph.
SIM_NODES = (
    # The sim: joint states and object poses out, commands in; its exit after episodes:=N
    # ends the launch, a crash restarts it.
    NodeSpec(BRIDGE, respawn=True, ends_graph=True),
    # Samples a latent, decodes an MLP and publishes its weights every action_horizon steps.
    NodeSpec('policy_generator', respawn=True),
    # Runs the latest MLP at control_rate on wall time (numpy only).
    NodeSpec('lwd_controller', sim_time=False),
)
# A robot with cameras (image blocks) adds it to its sim graph: frames -> features/<prefix>.
PERCEPTION = NodeSpec('perception', respawn=True)
RECORD_NODES = (
    NodeSpec(BRIDGE, ends_graph=True),  # episodes:=N ends the recording
    NodeSpec('expert_teleop'),  # the robot's expert, on the robot's command topic
    NodeSpec('demo_recorder'),  # the contract's topics to a rosbag2 bag
)


def sim_graph(robot: str, control_rate: str, seed: str = '100000',
              task: str = 'initial task', extra: tuple[Argument, ...] = ()) -> Graph:
    """``<robot>_sim``: the sim bridge, the generator and the controller of ``robot``.

    Params files ``ros/lwd.yaml`` then ``ros/<robot>_sim.yaml``; the checkpoint defaults to
    the robot's shipped model, the task to its first. ``seed``: of the first episode (sims
    of a trained robot start at 100000, held out from the demonstrations); ``task``: the
    task argument's description; ``extra``: arguments only this robot's sim has. A robot
    whose contract has cameras gets the perception node as well, running the checkpoint's
    encoders.
    """
    from lwd_ros.envs import get_spec
    from lwd_ros.observations import get_kind

    spec = get_spec(robot)
    cameras = any(get_kind(b.kind).frames for b in spec.contract.observation)
    return Graph(
        name=f'{robot}_sim', robot=robot,
        params_files=('ros/lwd.yaml', f'ros/{robot}_sim.yaml'),
        nodes=(SIM_NODES[0], PERCEPTION, *SIM_NODES[1:]) if cameras else SIM_NODES,
        arguments=(checkpoint_argument(spec.model, cameras),
                   task_argument(spec.contract.tasks[0], (BRIDGE, 'policy_generator'), task),
                   HORIZON, rate_argument(control_rate), SIM_TIME, RTF, seed_argument(seed),
                   EPISODES, *extra, ROBOTS))


def record_graph(robot: str, unit: str) -> Graph:
    """``<robot>_record``: the sim bridge, the robot's expert as a teleoperator, the recorder.

    Params files: the robot's sim file, the robot-neutral ``expert_teleop.yaml`` and
    ``demo_recorder.yaml``, then ``ros/<robot>_record.yaml`` (the robot, its expert's files).
    ``unit``: of the robot's command (DART noise and the operator's drift are in it).
    """
    from lwd_ros.envs import get_spec

    return Graph(
        name=f'{robot}_record', robot=robot,
        params_files=(f'ros/{robot}_sim.yaml', 'ros/expert_teleop.yaml',
                      'ros/demo_recorder.yaml', f'ros/{robot}_record.yaml'),
        nodes=RECORD_NODES,
        arguments=(SIM_TIME, RTF, seed_argument('0'), EPISODES,
                   task_argument(get_spec(robot).contract.tasks[0], (BRIDGE, 'expert_teleop'),
                                 'task of every episode'),
                   OUTPUT, STORAGE, action_noise_argument(unit), *operator_arguments(unit)))


def load_graph(path: Path) -> Graph:
    """The ``GRAPH`` a launch file declares, read without the launch packages."""
    name = path.name.removesuffix('.launch.py')
    spec = importlib.util.spec_from_file_location(f'lwd_ros_launch_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    graph = getattr(module, 'GRAPH', None)
    if not isinstance(graph, Graph) or graph.name != name:
        raise ValueError(f'{path}: GRAPH must be a lwd_ros.ros.graphs.Graph named {name!r}')
    return dataclasses.replace(graph, source=str(path))


def find_graph(name: str) -> Graph:
    """A shipped graph by name, or the ``GRAPH`` of a launch file given by path."""
    if name.endswith('.launch.py'):
        return load_graph(Path(name))
    found = graphs()
    if name not in found:
        raise ValueError(f'no graph {name!r}; shipped: {", ".join(sorted(found))} '
                         '(or a path to a *.launch.py that declares GRAPH)')
    return found[name]


@functools.cache
def graphs() -> dict[str, Graph]:
    """Every graph by name, from the installed (or checked-out) ``launch/*.launch.py``."""
    from lwd_ros.config import share_dir

    return {g.name: g for g in map(load_graph, sorted((share_dir() / 'launch')
                                                      .glob('*.launch.py')))}
