# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a demonstration bag holds: the topic roles, their types, and a typestore for them.

A demonstration is recorded as a rosbag2 bag (MCAP or sqlite3, metadata version 9) of up to
six topics, each with a *role* the converter understands; the env spec names the topics
(``DemoTopics.for_env``; design.md section 1 lists one env's):

============  ===================================  ==========================================
role          topic (from the env spec)            type
============  ===================================  ==========================================
joint_states  its ``joints`` observation block     ``sensor_msgs/msg/JointState``
object_pose   its ``pose2d`` observation block     ``geometry_msgs/msg/PoseStamped``
command       its command topic                    ``std_msgs/msg/Float64MultiArray``
task          ``/lwd/task``                        ``lwd_ros/msg/TaskSwitch``
episode       its episode topic                    ``lwd_ros/msg/EpisodeStatus``
intended      ``/lwd/intended_command``            ``std_msgs/msg/Float64MultiArray``
============  ===================================  ==========================================

So the bag format fits envs that observe joints and one planar object pose and command
joint positions (``layout_problem`` says why another spec does not fit).

``intended`` exists only where the demonstrator's executed command is perturbed on purpose
(DART: ``expert_teleop`` with ``action_noise``): the robot follows ``command``, the dataset
learns from what was meant.

ROS-free: bags are written and read with ``rosbags`` (no distro needed). Our own message types
are registered in its typestore from the installed ``.msg`` files, so bags carry their
definitions and RIHS01 hashes exactly as ``ros2 bag record`` would write them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
import functools
import json
from pathlib import Path
from typing import Any

from rosbags.typesys import Stores, get_types_from_msg, get_typestore

from lwd_ros.config import share_dir
from lwd_ros.envs import DEFAULT_ENV, EnvSpec, get_spec

ROLE_TYPES = {
    'joint_states': 'sensor_msgs/msg/JointState',
    'object_pose': 'geometry_msgs/msg/PoseStamped',
    'command': 'std_msgs/msg/Float64MultiArray',
    'task': 'lwd_ros/msg/TaskSwitch',
    'episode': 'lwd_ros/msg/EpisodeStatus',
    'intended': 'std_msgs/msg/Float64MultiArray',
}
# Why Kilted: the rclpy wheels this package builds against are Kilted; the five types above
# have the same definitions (and hashes) in Jazzy, so bags from either distro read alike.
BASE_STORE = Stores.ROS2_KILTED
# metadata.yaml custom_data key under which the recorder stores its role -> topic map, so the
# converter finds remapped topics without being told.
TOPICS_KEY = 'lwd_ros.demo_topics'
JOINTS_KEY = 'lwd_ros.joint_names'  # and its commanded joint names, a JSON list
ENV_KEY = 'lwd_ros.env'  # and the env spec it recorded


def layout_problem(spec: EnvSpec) -> str | None:
    """Why ``spec``'s robot cannot be recorded in this bag format, or None."""
    kinds = tuple(b.kind for b in spec.observation)
    if kinds != ('joints', 'pose2d') or spec.command.msg_type != ROLE_TYPES['command']:
        return (f'env {spec.name!r} observes {kinds} and commands {spec.command.msg_type}; '
                "demonstration bags hold ('joints', 'pose2d') observations and "
                f"{ROLE_TYPES['command']} commands")
    return None


def _default_topics(role: str):
    return lambda: getattr(DemoTopics.for_env(get_spec(DEFAULT_ENV)), role)


@dataclass(frozen=True)
class DemoTopics:
    """Topic name per role; an empty name leaves the role out (defaults: the default env's).

    Args:
        joint_states: ``sensor_msgs/JointState`` of the commanded joints.
        object_pose: ``geometry_msgs/PoseStamped`` of the object, frame ``world``, z up.
        command: ``std_msgs/Float64MultiArray`` position targets (the action).
        task: ``lwd_ros/TaskSwitch`` (latched).
        episode: ``lwd_ros/EpisodeStatus`` episode markers, one per policy step.
        intended: ``std_msgs/Float64MultiArray`` the command the demonstrator meant, where
            noise is added to the executed one (DART); when the bag has it, the actions.
    """

    joint_states: str = field(default_factory=_default_topics('joint_states'))
    object_pose: str = field(default_factory=_default_topics('object_pose'))
    command: str = field(default_factory=_default_topics('command'))
    task: str = '/lwd/task'
    episode: str = field(default_factory=_default_topics('episode'))
    intended: str = '/lwd/intended_command'

    @classmethod
    def for_env(cls, spec: EnvSpec) -> DemoTopics:
        """The topics ``spec``'s robot uses, in the root namespace."""
        problem = layout_problem(spec)
        if problem:
            raise ValueError(problem)
        topic = {b.kind: '/' + b.topic for b in spec.observation}
        return cls(joint_states=topic['joints'], object_pose=topic['pose2d'],
                   command='/' + spec.command.topic, episode='/' + spec.episode_topic)

    def roles(self) -> dict[str, str]:
        """``role -> topic`` for the roles that are recorded."""
        return {k: v for k, v in asdict(self).items() if v}

    def types(self) -> dict[str, str]:
        """``topic -> message type`` for the roles that are recorded."""
        return {topic: ROLE_TYPES[role] for role, topic in self.roles().items()}

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
