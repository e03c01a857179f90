# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a robot is to a policy: the contract every node, recorder and checkpoint agrees on.

A robot contract is data (``config/robots/<name>.yaml``): the observation entries and the
ROS messages that carry them, the commanded joints with their limits, units and command
interface, the control and policy rates, the task names and the success signal in words.
The trainer copies it into ``meta.json``; the controller compares a policy's names with the
contract of the robot it drives and refuses a mismatch, naming it. No Python reference ever
enters a contract, so a checkpoint trained in one lab loads in another without its code.

A simulator, where a robot has one, is a separate plugin (``lwd_ros.envs``) that points at
its contract.

Pure Python (no numpy): the controller process imports it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
import functools
import re
from typing import Any

from lwd_ros.observations import KINDS, get_kind
from lwd_ros.observations.kind import VECTOR

TWIST = 'geometry_msgs/msg/TwistStamped'
TRAJECTORY = 'trajectory_msgs/msg/JointTrajectory'
COMMAND_TYPES = (VECTOR, TRAJECTORY, TWIST)
INTERFACES = ('position', 'velocity', 'effort')
# The smallest difference that means something, per unit: normalisation never divides by
# less, so a feature that was constant in the demonstrations cannot turn a sensor's
# half-millimetre offset into a thousand standard deviations.
DEFAULT_RESOLUTION = {'m': 1e-3, 'rad': 1e-2, 'm/s': 1e-2, 'rad/s': 1e-2, 'N': 1e-1,
                      'N*m': 1e-2, '1': 1e-3}
ANGLE_FEATURE = re.compile(r'^(sin|cos)\((.+)\)$')


class ContractError(ValueError):
    """A contract that cannot describe a robot; the message names the offending key."""


def raw_name(feature: str) -> str:
    """The observation entry a feature reads (``sin(block_angle)`` -> ``block_angle``)."""
    m = ANGLE_FEATURE.match(feature)
    return m.group(2) if m else feature


def _fail(where: str, problem: str) -> None:
    raise ContractError(f'{where}: {problem}')


@dataclass(frozen=True)
class ObsBlock:
    """Consecutive observation entries that arrive in one ROS message.

    Args:
        kind: what the block reads, one module each in ``lwd_ros.observations``:
            ``joints`` (one ``field`` of named joints of a ``sensor_msgs/JointState``),
            ``pose2d`` (``x, y, yaw``), ``point`` (``x, y, z``), ``pose`` (position and two
            rotation columns) of a pose message, ``vector`` (a ``Float64MultiArray``),
            ``image`` (a camera, read as the features perception computes from it).
        topic: where it arrives; relative, so a robot's nodes share its namespace
            (``/robot_3/joint_states``); in the root namespace ``/joint_states``.
        names: the observation entries it fills, in order. Derived when empty: from
            ``joints`` (``<joint>``, ``<joint>_vel``, ``<joint>_effort``) or from ``prefix``
            (``<prefix>_x``, ...).
        units: one unit per entry; derived from the kind when empty.
        joints: for ``joints``, the JointState names read (same order as ``names``).
        field: for ``joints``, which JointState array.
        msg_type: the message type; empty = the kind's default.
        prefix: names a block's entries when ``names`` is empty (``<prefix>_x``, ...).
        image_size: for ``image``, ``[height, width]`` the encoder sees (default 96 x 96).
        crop: for ``image``, ``[x, y, width, height]`` of the camera frame, before resizing.
        encoding: for ``image``, ``rgb8`` (default) or ``mono8``.
        features: for ``image``, how many numbers perception publishes (default 64).
    """

    kind: str
    topic: str
    names: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    joints: tuple[str, ...] = ()
    field: str = 'position'
    msg_type: str = ''
    prefix: str = ''
    image_size: tuple[int, ...] = ()
    crop: tuple[int, ...] = ()
    encoding: str = ''
    features: int = 0

    def __post_init__(self):
        _tuples(self, 'names', 'units', 'joints', 'image_size', 'crop')
        where = f'observation block on {self.topic!r}'
        try:
            kind = get_kind(self.kind)
            others = {name for k in KINDS.values() for name in k.fields} - set(kind.fields)
            for f in fields(self):  # another kind's own field, set here: a user's mistake
                if f.name in others and getattr(self, f.name) != f.default:
                    raise ValueError(f'{f.name}: a {self.kind} block does not read it')
            types = kind.msg_types
            if not self.msg_type:
                object.__setattr__(self, 'msg_type', types[0])
            elif self.msg_type not in types:
                raise ValueError(f'msg_type {self.msg_type!r}: a {self.kind} block reads {types}')
            for name, value in kind.complete(self).items():
                object.__setattr__(self, name, value)
        except ValueError as e:
            _fail(where, str(e))
        size = kind.size(self)
        if not (len(self.names) == len(self.units) == size):
            _fail(where, f'names {list(self.names)} and units {list(self.units)} must have '
                         f'{size} entries each')


@dataclass(frozen=True)
class CommandSpec:
    """How actions reach the robot: a ros2_control controller's command topic.

    Args:
        topic: the controller's command topic.
        msg_type: ``std_msgs/msg/Float64MultiArray`` (forward command controllers, one entry
            per joint), ``trajectory_msgs/msg/JointTrajectory`` (joint_trajectory_controller:
            one point, one policy period ahead) or ``geometry_msgs/msg/TwistStamped``
            (MoveIt Servo).
        interface: ``position``, ``velocity`` or ``effort``: what the actions are, and what
            a hold sends (position: the joints' current positions; velocity and effort:
            zero).
        joints: commanded joints, in action order (``PolicyWeights.action_names``).
        low: per-joint lower limit the controller clamps to.
        high: per-joint upper limit.
        units: one unit per joint.
        twist_scale: for a twist: m/s of linear velocity per unit of the first three actions.
        aux_topic: where the joints after a twist's three go (``Float64MultiArray``; a
            gripper command).
    """

    topic: str
    msg_type: str
    interface: str
    joints: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    units: tuple[str, ...] = ()
    twist_scale: float = 0.0
    aux_topic: str = ''

    def __post_init__(self):
        _tuples(self, 'joints', 'units')
        object.__setattr__(self, 'low', tuple(float(v) for v in self.low))
        object.__setattr__(self, 'high', tuple(float(v) for v in self.high))
        n = len(self.joints)
        if self.interface not in INTERFACES:
            _fail('command.interface', f'{self.interface!r} is not one of {INTERFACES}')
        if not self.units:
            unit = {'position': 'rad', 'velocity': 'rad/s', 'effort': 'N*m'}[self.interface]
            object.__setattr__(self, 'units', (unit,) * n)
        if n == 0:
            _fail('command.joints', 'names no joint')
        for key in ('low', 'high', 'units'):
            if len(getattr(self, key)) != n:
                _fail(f'command.{key}', f'{list(getattr(self, key))} needs one entry per '
                                        f'joint {list(self.joints)}')
        if any(not lo < hi for lo, hi in zip(self.low, self.high)):
            _fail('command.low', f'{list(self.low)} must be below command.high '
                                 f'{list(self.high)}')
        if self.msg_type not in COMMAND_TYPES:
            _fail('command.msg_type', f'{self.msg_type!r} is not one of {COMMAND_TYPES}')
        if self.msg_type == TRAJECTORY and self.interface != 'position':
            _fail('command.interface', 'a JointTrajectory command carries positions')
        if self.msg_type == TWIST and (n < 3 or self.twist_scale <= 0 or
                                       (n > 3 and not self.aux_topic)):
            _fail('command.twist_scale', f'a twist command needs >= 3 joints, twist_scale > 0 '
                                         f'and an aux_topic for joints past the third '
                                         f'({list(self.joints)})')


@dataclass(frozen=True)
class RobotContract:
    """One robot's contract (module docstring); ``config/robots/<name>.yaml`` holds it.

    Args:
        name: what datasets, checkpoints and logs call the robot.
        observation: the blocks that make up the raw observation, in order.
        command: the command interface.
        policy_rate: Hz of policy steps (demonstrations are sampled at it).
        control_rate: Hz of the controller's loop (a policy is evaluated every tick).
        tasks: task names (what ``/lwd/task`` switches between).
        success: the success signal, in words.
        angles: observation entries that are wrapped angles: models see sin/cos.
        frame_points: pairs of observation entries that are planar ``(x, y)`` positions
            (re-expressed in a task frame when a model learns in one).
        action_points: pairs of action indices that are planar positions.
        episode_topic: where a sim or a recording rig reports episodes
            (``lwd_ros/EpisodeStatus``); '' = none.
        reset_service: a sim's reset service (``lwd_ros/ResetEpisode``); '' = none.
        resolution: smallest meaningful difference of an observation entry, by entry name
            or by unit (``{m: 0.001}``), over ``DEFAULT_RESOLUTION``: normalisation divides
            by no less.
        extra: free-form facts a sim or a tool reads (``max_episode_steps``).
    """

    name: str
    observation: tuple[ObsBlock, ...]
    command: CommandSpec
    policy_rate: float
    control_rate: float
    tasks: tuple[str, ...]
    success: str = ''
    angles: tuple[str, ...] = ()
    frame_points: tuple[tuple[str, str], ...] = ()
    action_points: tuple[tuple[int, int], ...] = ()
    episode_topic: str = ''
    reset_service: str = ''
    resolution: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if not self.name:
            _fail('name', 'a contract needs a name')
        if not self.observation:
            _fail('observation', 'lists no block')
        blocks = []
        for i, b in enumerate(self.observation):
            if isinstance(b, ObsBlock):
                blocks.append(b)
                continue
            if not isinstance(b, dict):
                _fail(f'observation[{i}]', f'expected a mapping, got {b!r}')
            _known_keys(ObsBlock, b, f'observation[{i}]')
            try:
                blocks.append(ObsBlock(**b))
            except ContractError as e:
                raise ContractError(f'observation[{i}] ({e})') from None
        object.__setattr__(self, 'observation', tuple(blocks))
        if not isinstance(self.command, CommandSpec):
            if not isinstance(self.command, dict):
                _fail('command', f'expected a mapping, got {self.command!r}')
            _known_keys(CommandSpec, self.command, 'command')
            missing = [f.name for f in fields(CommandSpec) if f.name not in self.command
                       and f.name in ('topic', 'msg_type', 'interface', 'joints', 'low', 'high')]
            if missing:
                _fail('command', f'missing keys {missing}')
            object.__setattr__(self, 'command', CommandSpec(**self.command))
        _tuples(self, 'tasks', 'angles')
        object.__setattr__(self, 'frame_points', tuple(tuple(p) for p in self.frame_points))
        object.__setattr__(self, 'action_points',
                           tuple(tuple(int(i) for i in p) for p in self.action_points))
        object.__setattr__(self, 'resolution',
                           {str(k): float(v) for k, v in dict(self.resolution).items()})
        names = self.obs_names
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            _fail('observation', f'entries {repeated} repeat')
        unknown = [n for n in (*self.angles, *sum(self.frame_points, ())) if n not in names]
        if unknown:
            _fail('angles/frame_points', f'name {unknown}, not in the observation {names}')
        if any(len(p) != 2 for p in self.frame_points + self.action_points):
            _fail('frame_points/action_points', 'must be pairs')
        if any(not 0 <= i < self.act_dim for p in self.action_points for i in p):
            _fail('action_points', f'{self.action_points} index past the {self.act_dim} '
                                   'actions')
        for key in ('policy_rate', 'control_rate'):
            if not getattr(self, key) > 0:
                _fail(key, f'{getattr(self, key)!r} must be positive')
        if not self.tasks:
            _fail('tasks', 'names no task (a robot with one behaviour names one task)')
        bad = {k: v for k, v in self.resolution.items()
               if not v > 0 or (k not in names and k not in self.obs_units)}
        if bad:
            _fail('resolution', f'{bad}: keys are observation entries or units, values > 0')

    @property
    def obs_names(self) -> tuple[str, ...]:
        return tuple(n for b in self.observation for n in b.names)

    @property
    def obs_units(self) -> tuple[str, ...]:
        return tuple(u for b in self.observation for u in b.units)

    @property
    def action_names(self) -> tuple[str, ...]:
        return self.command.joints

    @property
    def act_dim(self) -> int:
        return len(self.command.joints)

    @property
    def angle_dims(self) -> tuple[int, ...]:
        return tuple(self.obs_names.index(n) for n in self.angles)

    @property
    def frame_dims(self) -> tuple[tuple[int, int], ...]:
        return tuple((self.obs_names.index(a), self.obs_names.index(b))
                     for a, b in self.frame_points)

    def obs_resolution(self) -> tuple[float, ...]:
        """Per observation entry: the smallest difference normalisation resolves."""
        return tuple(self.resolution.get(n, self.resolution.get(
            u, DEFAULT_RESOLUTION.get(u, 1e-3))) for n, u in zip(self.obs_names, self.obs_units))

    def perceived(self) -> tuple[str, ...]:
        """Entries a camera's encoder computes from frames (``image`` blocks' features)."""
        return tuple(n for b in self.observation if get_kind(b.kind).frames for n in b.names)

    def position_feedback(self) -> dict[int, str]:
        """``{action index: observation name}`` of observed position-commanded joints.

        The current position a relative target is measured from.
        """
        if self.command.interface != 'position':
            return {}
        observed = {j: n for b in self.observation
                    if b.kind == 'joints' and b.field == 'position'
                    for j, n in zip(b.joints, b.names)}
        return {i: observed[j] for i, j in enumerate(self.command.joints) if j in observed}

    def policy_mismatch(self, obs_names: tuple[str, ...] | list[str],
                        action_names: tuple[str, ...] | list[str]) -> str | None:
        """Why a policy with these input/output names cannot drive this robot, or None.

        Inputs may be any features of the observation (``block_x``, ``sin(block_angle)``);
        outputs must be exactly the commanded joints, in order.
        """
        missing = sorted({raw_name(f) for f in obs_names} - set(self.obs_names))
        if missing:
            return (f'policy reads {missing}, which {self.name} does not observe '
                    f'(observation: {list(self.obs_names)})')
        if tuple(action_names) != self.action_names:
            return (f'policy commands {list(action_names)}; {self.name} commands '
                    f'{list(self.action_names)} in that order')
        return None

    def differences(self, other: RobotContract) -> list[str]:
        """What differs between two contracts, key by key (empty: the same robot).

        Rates, success text, resolution and extras may differ (a faster controller on the
        same robot); what a policy reads and commands may not.
        """
        mine, theirs = self.to_dict(), other.to_dict()
        out = []
        for key in ('observation', 'command', 'tasks', 'angles', 'frame_points',
                    'action_points'):
            if mine[key] == theirs[key]:
                continue
            a, b = mine[key], theirs[key]
            if isinstance(a, dict):
                out += [f'{key}.{k}: {a.get(k)!r} != {b.get(k)!r}' for k in a
                        if a.get(k) != b.get(k)]
            elif key == 'observation' and len(a) == len(b):
                out += [f'observation[{i}].{k}: {x.get(k)!r} != {y.get(k)!r}'
                        for i, (x, y) in enumerate(zip(a, b)) for k in x if x[k] != y.get(k)]
            else:
                out.append(f'{key}: {a!r} != {b!r}')
        return out

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = 'contract') -> RobotContract:
        """Build and validate a contract; a ``ContractError`` names the file and key."""
        if not isinstance(data, dict):
            raise ContractError(f'{where}: expected a mapping of contract keys, got {data!r}')
        try:
            _known_keys(cls, data, '')
            missing = [k for k in ('name', 'observation', 'command', 'policy_rate',
                                   'control_rate', 'tasks') if k not in data]
            if missing:
                _fail('', f'missing keys {missing}')
            return cls(**data)
        except (ContractError, TypeError) as e:
            raise ContractError(f'{where}: {e}'.replace(': : ', ': ')) from None


def _known_keys(cls: type, data: dict[str, Any], where: str) -> None:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        _fail(where or 'contract', f'unknown keys {unknown}; valid: {sorted(names)}')


def _plain(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _tuples(obj: Any, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        object.__setattr__(obj, name, (value,) if isinstance(value, str) else tuple(value))


def load_contract(path: str) -> RobotContract:
    """A contract from a YAML file (relative paths may name shipped ``config/robots``)."""
    import yaml

    from lwd_ros.config import resolve_path

    p = resolve_path(path)
    if not p.is_file():
        raise FileNotFoundError(f'robot contract not found: {path}')
    try:
        data = yaml.safe_load(p.read_text())
    except yaml.YAMLError as e:
        raise ContractError(f'{path}: not YAML ({e})') from None
    return RobotContract.from_dict(data, str(path))


@functools.cache
def get_contract(ref: str) -> RobotContract:
    """A contract by file (``*.yaml``, or any path) or by name (``config/robots/<name>.yaml``)."""
    if ref.endswith(('.yaml', '.yml')) or '/' in ref:
        return load_contract(ref)
    try:
        return load_contract(f'config/robots/{ref}.yaml')
    except FileNotFoundError:
        from lwd_ros.sims import find_sim

        sim = find_sim(ref)  # a sim package outside this one brings its contract
        if sim is not None:
            return sim.contract
        raise ValueError(f'unknown robot {ref!r}: give a contract file (robot.yaml) or one '
                         f'of the shipped {shipped_robots()}') from None


def shipped_robots() -> list[str]:
    from lwd_ros.config import resolve_path

    folder = resolve_path('config/robots')
    return sorted(p.stem for p in folder.glob('*.yaml')) if folder.is_dir() else []
