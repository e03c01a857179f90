# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a robot is to a policy: the env/task spec every checkpoint carries.

One ``EnvSpec`` per environment (``lwd_ros/envs/<name>/spec.py``) declares the facts that
training, evaluation and the ROS graph must agree on: the observation entries and where they
come from on ROS, which of them are angles and planar points (the featurisation), the
commanded joints with their limits and units, the command message, the control and policy
rates, the task names and the success signal. The trainer copies it into ``meta.json``; the
controller compares a policy's names with the spec of the robot it drives and refuses a
mismatch, naming it.

Pure Python (no numpy): the controller process imports it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
import re
from typing import Any

OBS_KINDS = ('joints', 'pose2d', 'point')
TWIST = 'geometry_msgs/msg/TwistStamped'
COMMAND_TYPES = ('std_msgs/msg/Float64MultiArray', TWIST)
ANGLE_FEATURE = re.compile(r'^(sin|cos)\((.+)\)$')


def raw_name(feature: str) -> str:
    """The observation entry a feature reads (``sin(block_angle)`` -> ``block_angle``)."""
    m = ANGLE_FEATURE.match(feature)
    return m.group(2) if m else feature


@dataclass(frozen=True)
class ObsBlock:
    """Consecutive observation entries that arrive in one ROS message.

    Args:
        kind: ``joints``: positions of ``joints`` from ``sensor_msgs/JointState``;
            ``pose2d``: ``x, y, yaw`` of a ``geometry_msgs/PoseStamped`` (yaw about world z,
            wrapped to ``[0, 2 pi)``); ``point``: ``x, y, z`` of a
            ``geometry_msgs/PoseStamped`` (its orientation unread).
        topic: where it arrives; relative, so a robot's nodes share its namespace
            (``/robot_3/joint_states``); in the root namespace ``/joint_states``.
        names: the observation entries it fills, in order.
        units: one unit per entry (``m``, ``rad``).
        joints: for ``joints``, the JointState names read into ``names`` (same order).
    """

    kind: str
    topic: str
    names: tuple[str, ...]
    units: tuple[str, ...]
    joints: tuple[str, ...] = ()

    def __post_init__(self):
        _tuples(self, 'names', 'units', 'joints')
        if self.kind not in OBS_KINDS:
            raise ValueError(f'observation kind {self.kind!r} is not one of {OBS_KINDS}')
        size = {'joints': len(self.joints), 'pose2d': 3, 'point': 3}[self.kind]
        if not (len(self.names) == len(self.units) == size) or size == 0:
            raise ValueError(f'{self.kind} block on {self.topic}: {self.names=} and '
                             f'{self.units=} must have {size or "one or more"} entries')


@dataclass(frozen=True)
class CommandSpec:
    """How actions reach the robot: ros2_control's forward command controller contract.

    Args:
        topic: the controller's command topic.
        msg_type: its message type.
        interface: the command interface of ``joints`` (``position``: actions are targets).
        joints: commanded joints, in action order (``PolicyWeights.action_names``).
        low: per-joint lower limit the controller clamps to.
        high: per-joint upper limit.
        units: one unit per joint.
        twist_scale: for ``geometry_msgs/msg/TwistStamped``: m/s of linear velocity per unit
            of the first three actions (a Cartesian servo command, MoveIt Servo's input).
        aux_topic: where the joints after a twist's three go (``Float64MultiArray``; a
            gripper command).
    """

    topic: str
    msg_type: str
    interface: str
    joints: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    units: tuple[str, ...]
    twist_scale: float = 0.0
    aux_topic: str = ''

    def __post_init__(self):
        _tuples(self, 'joints', 'units')
        object.__setattr__(self, 'low', tuple(float(v) for v in self.low))
        object.__setattr__(self, 'high', tuple(float(v) for v in self.high))
        n = len(self.joints)
        if n == 0 or {len(self.low), len(self.high), len(self.units)} != {n}:
            raise ValueError(f'{self.joints=}, {self.low=}, {self.high=}, {self.units=} must '
                             'be non-empty and of equal length')
        if any(lo >= hi for lo, hi in zip(self.low, self.high)):
            raise ValueError(f'command limits {self.low=} must be below {self.high=}')
        if self.msg_type not in COMMAND_TYPES:
            raise ValueError(f'command message {self.msg_type!r} is not one of {COMMAND_TYPES}')
        if self.msg_type == TWIST and (n < 3 or self.twist_scale <= 0 or
                                       (n > 3 and not self.aux_topic)):
            raise ValueError(f'a twist command needs >= 3 joints, twist_scale > 0 and an '
                             f'aux_topic for joints past the third ({self.joints=})')


@dataclass(frozen=True)
class EnvSpec:
    """One environment's contract (module docstring).

    Args:
        name: registry key (``lwd_ros.envs.get_spec``).
        gym_id: gymnasium id of the simulated env.
        entry_point: ``module:Class`` of that env (registered lazily by ``make_env``).
        observation: the blocks that make up the raw observation, in order.
        angles: observation entries that are wrapped angles: models see sin/cos.
        frame_points: pairs of observation entries that are planar ``(x, y)`` positions
            (re-expressed in a task frame when a model learns in one).
        action_points: pairs of action indices that are planar positions.
        command: the command interface.
        policy_rate: Hz of the env step, the rate demonstrations and policies run at.
        control_rate: Hz of the controller's loop (a policy is evaluated every tick).
        tasks: task names.
        success: the success signal, in words (``info['success']`` in the env).
        episode_topic: where the sim reports episodes (``lwd_ros/EpisodeStatus``).
        reset_service: the sim's reset service (``lwd_ros/ResetEpisode``).
        augment: ``module:function`` ``(episodes, task_poses) -> extra episodes`` the
            env's symmetries allow (``data.augment`` turns it on); '' = none.
        step_signals: ``module:function`` ``(episode, goal_pose) -> {'rewards': (T,),
            info name: (T + 1,)}`` a dataset stores per step; '' = success at the end.
        collect: module of the env's ``lwd collect`` (``add_arguments``/``run``).
        render: module of its ``lwd render`` (episodes to video); '' = none.
        dagger: module of its ``lwd dagger`` (expert continuations); '' = none.
        bridge: ``module:Class`` of its sim behind ROS topics, which the ``mujoco_bridge``
            node runs (``Class(node)``; ``close()`` at shutdown); '' = no sim bridge.
        teleop: ``module:function`` ``(TeleopConfig) -> TeleopExpert`` the ``expert_teleop``
            node drives the robot with; '' = no teleoperating expert.
        task_poses: ``module:function`` ``(env config path, overrides) -> {task: pose}`` for
            envs whose tasks are poses (datasets store them; ''= none).
        graphs: ``module:attribute`` of its launch graphs (``{name: ros.graphs.Graph}``).
        model: the shipped checkpoint (what ``lwd eval`` and the launch files default to).
    """

    name: str
    gym_id: str
    entry_point: str
    observation: tuple[ObsBlock, ...]
    command: CommandSpec
    policy_rate: float
    control_rate: float
    tasks: tuple[str, ...]
    success: str
    angles: tuple[str, ...] = ()
    frame_points: tuple[tuple[str, str], ...] = ()
    action_points: tuple[tuple[int, int], ...] = ()
    episode_topic: str = ''
    reset_service: str = ''
    augment: str = ''
    step_signals: str = ''
    collect: str = ''
    render: str = ''
    dagger: str = ''
    bridge: str = ''
    teleop: str = ''
    task_poses: str = ''
    graphs: str = ''
    model: str = ''
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        blocks = tuple(b if isinstance(b, ObsBlock) else ObsBlock(**b) for b in self.observation)
        object.__setattr__(self, 'observation', blocks)
        if not isinstance(self.command, CommandSpec):
            object.__setattr__(self, 'command', CommandSpec(**self.command))
        _tuples(self, 'tasks', 'angles')
        object.__setattr__(self, 'frame_points', tuple(tuple(p) for p in self.frame_points))
        object.__setattr__(self, 'action_points',
                           tuple(tuple(int(i) for i in p) for p in self.action_points))
        names = self.obs_names
        if len(set(names)) != len(names):
            raise ValueError(f'{self.name}: observation names {names} repeat')
        unknown = [n for n in (*self.angles, *sum(self.frame_points, ())) if n not in names]
        if unknown:
            raise ValueError(f'{self.name}: angles/frame_points name {unknown}, not in {names}')
        if any(len(p) != 2 for p in self.frame_points + self.action_points):
            raise ValueError(f'{self.name}: frame_points and action_points must be pairs')
        if any(not 0 <= i < self.act_dim for p in self.action_points for i in p):
            raise ValueError(f'{self.name}: action_points {self.action_points} index past '
                             f'the {self.act_dim} actions')
        if self.policy_rate <= 0 or self.control_rate <= 0 or not self.tasks:
            raise ValueError(f'{self.name}: rates must be positive and tasks non-empty')

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

    def position_feedback(self) -> dict[int, str]:
        """``{action index: observation name}`` of observed position-commanded joints.

        The current position a relative target is measured from.
        """
        if self.command.interface != 'position':
            return {}
        observed = {j: n for b in self.observation if b.kind == 'joints'
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EnvSpec:
        return cls(**data)


def _tuples(obj: Any, *names: str) -> None:
    for name in names:
        object.__setattr__(obj, name, tuple(getattr(obj, name)))
