# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a demonstration bag holds: the topics of a robot contract, their types, a typestore.

A demonstration is recorded as a rosbag2 bag (MCAP or sqlite3, metadata version 9) of the
robot contract's topics (``lwd_ros.contract``) plus a few of ours:

===========  ==========================================  ====================================
role         topic                                       type
===========  ==========================================  ====================================
observation  each observation block's topic              its ``msg_type`` (JointState,
                                                         PoseStamped, PointStamped,
                                                         Float64MultiArray)
command      the contract's command topic                its command type (Float64MultiArray,
                                                         JointTrajectory, TwistStamped)
command_aux  a twist contract's ``aux_topic`` (gripper)  ``std_msgs/msg/Float64MultiArray``
task         ``/lwd/task``                               ``lwd_ros/msg/TaskSwitch``
episode      the contract's episode topic                ``lwd_ros/msg/EpisodeStatus``
intended     ``/lwd/intended_command``                   ``std_msgs/msg/Float64MultiArray``
===========  ==========================================  ====================================

Any contract fits: a plain ``ros2 bag record`` of its topics converts as well as a bag of
``demo_recorder`` (which also stores the contract, its topic map and joint names in the bag's
``custom_data``). ``intended`` exists only where the demonstrator's executed command is
perturbed on purpose (DART: ``expert_teleop`` with ``action_noise``): the robot follows
``command``, the dataset learns from what was meant.

ROS-free: bags are written and read with ``rosbags`` (no distro needed). Our own message types
are registered in its typestore from the installed ``.msg`` files, so bags carry their
definitions and RIHS01 hashes exactly as ``ros2 bag record`` would write them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
import functools
import json
from pathlib import Path
from typing import Any

from rosbags.typesys import Stores, get_types_from_msg, get_typestore

from lwd_ros.config import share_dir
from lwd_ros.contract import TWIST, VECTOR, RobotContract
from lwd_ros.observations import get_kind

ROLE_TYPES = {
    'joint_states': 'sensor_msgs/msg/JointState',
    'object_pose': 'geometry_msgs/msg/PoseStamped',
    'command': VECTOR,
    'task': 'lwd_ros/msg/TaskSwitch',
    'episode': 'lwd_ros/msg/EpisodeStatus',
    'intended': VECTOR,
}
# Why Kilted: the rclpy wheels this package builds against are Kilted; the types above have
# the same definitions (and hashes) in Jazzy, so bags from either distro read alike.
BASE_STORE = Stores.ROS2_KILTED
# metadata.yaml custom_data key under which the recorder stores its role -> topic map, so the
# converter finds remapped topics without being told.
TOPICS_KEY = 'lwd_ros.demo_topics'
JOINTS_KEY = 'lwd_ros.joint_names'  # and its commanded joint names, a JSON list
ENV_KEY = 'lwd_ros.env'  # and the name of the robot it recorded
ROBOT_KEY = 'lwd_ros.robot'  # and that robot's whole contract, JSON


@dataclass(frozen=True)
class TopicLayout:
    """A topic map resolved against a contract: what to read from where.

    Args:
        observation: the bag topic of each observation block, in contract order.
        roles: ``role -> topic`` of every recorded role (``observation[i]`` for blocks).
        by_topic: ``topic -> role`` (``obs`` for observation topics; several blocks may
            share one, e.g. joint positions and velocities).
        types: ``topic -> message type``.
    """

    observation: tuple[str, ...]
    roles: dict[str, str]
    by_topic: dict[str, str]
    types: dict[str, str]


@dataclass(frozen=True)
class DemoTopics:
    """Topic name per role; an empty name takes the contract's topic.

    Args:
        joint_states: the topic of the contract's (first) joints topic's blocks.
        object_pose: the topic of its first pose or point block.
        command: the command topic.
        task: ``lwd_ros/TaskSwitch`` (latched).
        episode: ``lwd_ros/EpisodeStatus`` episode markers, one per policy step.
        intended: ``std_msgs/Float64MultiArray`` the command the demonstrator meant, where
            noise is added to the executed one (DART); when the bag has it, the actions.
        observation: the topic of every observation block, in contract order (overrides
            ``joint_states`` and ``object_pose``; what the recorder stores).
    """

    joint_states: str = ''
    object_pose: str = ''
    command: str = ''
    task: str = '/lwd/task'
    episode: str = ''
    intended: str = '/lwd/intended_command'
    observation: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, 'observation', tuple(self.observation))

    @classmethod
    def for_contract(cls, contract: RobotContract) -> DemoTopics:
        """The topics ``contract``'s robot uses, in the root namespace."""
        joints = [b.topic for b in contract.observation if b.kind == 'joints']
        poses = [b.topic for b in contract.observation if get_kind(b.kind).spatial]
        return cls(joint_states='/' + joints[0] if joints else '',
                   object_pose='/' + poses[0] if poses else '',
                   command='/' + contract.command.topic,
                   episode='/' + contract.episode_topic if contract.episode_topic else '')

    def roles(self) -> dict[str, str]:
        """``role -> topic`` for the roles named here (not resolved against a contract)."""
        return {k: v for k, v in asdict(self).items() if v and k != 'observation'}

    def types(self) -> dict[str, str]:
        """``topic -> message type`` of :meth:`roles` (joints + a planar pose, array commands)."""
        return {topic: ROLE_TYPES[role] for role, topic in self.roles().items()}

    def resolve(self, contract: RobotContract) -> TopicLayout:
        """Where each of ``contract``'s streams is in a bag recorded with these topics."""
        blocks = contract.observation
        if self.observation and len(self.observation) != len(blocks):
            raise ValueError(f'topics.observation {list(self.observation)} needs one topic per '
                             f'observation block of {contract.name} ({len(blocks)})')
        first_joints = next((b.topic for b in blocks if b.kind == 'joints'), None)
        first_pose = next((b.topic for b in blocks if get_kind(b.kind).spatial), None)
        observation = []
        for i, b in enumerate(blocks):
            spatial = get_kind(b.kind).spatial
            alias = (self.joint_states if b.topic == first_joints and b.kind == 'joints' else
                     self.object_pose if b.topic == first_pose and spatial else '')
            observation.append((self.observation[i] if self.observation else alias)
                               or '/' + b.topic)
        c = contract.command
        roles = {f'observation[{i}]': t for i, t in enumerate(observation)}
        types = {t: b.msg_type for t, b in zip(observation, blocks)}
        roles['command'] = self.command or '/' + c.topic
        types[roles['command']] = c.msg_type
        if c.msg_type == TWIST and c.aux_topic:
            roles['command_aux'] = '/' + c.aux_topic
            types[roles['command_aux']] = VECTOR
        episode = self.episode or ('/' + contract.episode_topic if contract.episode_topic
                                   else '')
        for role, topic in (('task', self.task), ('episode', episode),
                            ('intended', self.intended)):
            if topic:
                roles[role], types[topic] = topic, ROLE_TYPES[role]
        by_topic = {t: ('obs' if r.startswith('observation') else r) for r, t in roles.items()}
        clash = [t for t in set(observation) if by_topic[t] != 'obs']
        if clash:
            raise ValueError(f'topics {clash} are both observed and commanded/marked')
        return TopicLayout(tuple(observation), roles, by_topic, types)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DemoTopics:
        """Parse :meth:`to_json` output, ignoring roles this version does not know."""
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class BagError(RuntimeError):
    """A bag that cannot be read completely.

    Args:
        path: the bag (directory or storage file).
        problem: what is wrong, in words.
        salvaged: what could still be read, in words (``''`` if nothing).
        partial: whatever the caller salvaged (e.g. episodes), for ``--salvage`` use.
    """

    def __init__(self, path: Path | str, problem: str, salvaged: str = '',
                 partial: Any = None):
        self.path, self.problem, self.salvaged = Path(path), problem, salvaged
        self.partial = partial
        text = f'{self.path}: {problem}'
        super().__init__(f'{text}; salvaged {salvaged}' if salvaged else text)


def msg_dir() -> Path:
    """The folder holding ``lwd_ros``'s ``.msg`` files (installed share, else the checkout)."""
    candidates = []
    try:
        candidates.append(share_dir() / 'msg')
    except FileNotFoundError:
        pass
    candidates.append(Path(__file__).resolve().parents[2] / 'msg')
    for c in candidates:
        if any(c.glob('*.msg')):
            return c
    raise FileNotFoundError(f'lwd_ros .msg files not found; looked in {candidates}')


def lwd_types(folder: Path | None = None) -> dict[str, Any]:
    """Parse every ``lwd_ros/msg/*.msg`` into rosbags type definitions."""
    types: dict[str, Any] = {}
    for path in sorted((folder or msg_dir()).glob('*.msg')):
        types.update(get_types_from_msg(path.read_text(), f'lwd_ros/msg/{path.stem}'))
    return types


@functools.cache
def demo_typestore():
    """The Kilted typestore plus ``lwd_ros/msg/*`` (shared; do not register more types)."""
    store = get_typestore(BASE_STORE)
    store.register(lwd_types())
    return store
