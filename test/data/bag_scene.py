# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Synthetic demonstrations as a sim bridge and expert publish them, and ways to bag them.

Shared by the bag tests: ``make_scene`` builds the messages and the episodes they must
convert back to; ``record`` writes them through ``BagRecorder`` as demo_recorder does,
``write_plain_ros2_bag`` as a plain ``ros2 bag record`` would (the ``mcap`` library, no
rosbags involved).
"""

from dataclasses import dataclass, field
from pathlib import Path

from conftest import REPO
from geometry_msgs.msg import PoseStamped
import numpy as np
from rclpy.serialization import serialize_message
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray, String

from lwd_ros.contract import get_contract
from lwd_ros.data.bag_reader import MARK_TOPIC
from lwd_ros.data.bag_writer import BagRecorder, bag_qos
from lwd_ros.data.bags import ENV_KEY, ROLE_TYPES, DemoTopics
from lwd_ros.msg import EpisodeStatus, TaskSwitch
from lwd_ros.observations.pose2d import quaternion_from_yaw

TOPICS = DemoTopics.for_contract(get_contract('pusht'))
TICK = 10_000_000  # ns: 100 Hz physics/joint-state rate, 10 ticks per 10 Hz policy step
T0 = 1_750_000_000 * 1_000_000_000


@dataclass
class Scene:
    """What a bridge + expert published: (topic, log time ns, message) and the episodes."""

    messages: list = field(default_factory=list)
    episodes: list = field(default_factory=list)  # dicts: obs, act, task, seed, t

    def add(self, topic, t, msg):
        if not self.recording:
            return
        self.messages.append((topic, t, msg))

    recording = True


def _stamp(msg, t):
    msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(int(t), 1_000_000_000)
    return msg


def make_scene(tasks=('classic', 'classic', 'goal_left'), steps=12, seed0=100,
               markers=True, hole=()) -> Scene:
    """Episodes like the sim bridge publishes them: state every tick, markers every step.

    The command of step k arrives 20 ms after its observation; a reset teleports pusher and
    block one tick after the last step; the steps of episode 0 in ``hole`` are not recorded
    (a recording gap).
    """
    rng = np.random.default_rng(0)
    scene, t = Scene(), T0
    scene.add(TOPICS.task, t - 1000, _stamp(TaskSwitch(task=tasks[0]), t))
    for e, task in enumerate(tasks):
        if e and task != tasks[e - 1]:
            scene.add(TOPICS.task, t - 5_000_000, _stamp(TaskSwitch(task=task), t))
        agent = rng.uniform(0.1, 0.4, 2)
        block = np.r_[rng.uniform(0.15, 0.35, 2), rng.uniform(0.0, 6.0)]
        obs, act, times = [], [], []
        for k in range(steps + 1):
            scene.recording = not (e == 0 and k in hole)
            for _ in range(10 if k else 1):
                if k:
                    t += TICK
                    agent = agent + 0.002 * np.array([np.cos(k), np.sin(k)])
                    block = block + [0.0005, 0.0003, 0.01]
                joints = JointState(name=['gantry_x', 'gantry_y'], position=agent.tolist())
                scene.add(TOPICS.joint_states, t, _stamp(joints, t))
                pose = PoseStamped()
                pose.pose.position.x, pose.pose.position.y = float(block[0]), float(block[1])
                q = pose.pose.orientation
                q.x, q.y, q.z, q.w = quaternion_from_yaw(float(block[2]))
                scene.add(TOPICS.object_pose, t, _stamp(pose, t))
            if markers:
                status = EpisodeStatus(episode=e + 1, seed=seed0 + e, task=task, step=k,
                                       success=k == steps, done=k == steps)
                scene.add(TOPICS.episode, t + 1000, _stamp(status, t))
            obs.append([*agent, block[0], block[1], block[2] % (2 * np.pi)])
            times.append(t)
            if k < steps:
                target = agent + rng.normal(0.0, 0.01, 2)
                scene.add(TOPICS.command, t + 20_000_000, Float64MultiArray(data=target.tolist()))
                act.append(target)
        scene.episodes.append(dict(obs=np.array(obs), act=np.array(act), task=task,
                                   seed=seed0 + e, t=(np.array(times) - times[0]) * 1e-9))
        t += TICK
    scene.messages.sort(key=lambda m: m[1])
    return scene


def record(scene: Scene, path: Path, storage='mcap', compression='none', close=True,
           flush_every=0, **custom) -> BagRecorder:
    """Write a scene through BagRecorder the way demo_recorder does (CDR bytes in).

    Like demo_recorder's bags it names its robot: PushT unless ``custom`` names another
    (``**{ENV_KEY: ''}``: none, as a plain ``ros2 bag record``).
    """
    custom = {ENV_KEY: 'pusht', **custom}
    custom = {k: v for k, v in custom.items() if v}
    recorder = BagRecorder(path, storage=storage, compression=compression, custom_data=custom)
    for topic, msgtype in TOPICS.types().items():
        latched = msgtype == ROLE_TYPES['task']
        recorder.add_topic(topic, msgtype, [bag_qos(1, 1 if latched else 2, 1, 1)])
    for i, (topic, t, msg) in enumerate(scene.messages):
        recorder.write(topic, t, serialize_message(msg))
        if flush_every and i % flush_every == 0:
            recorder.flush()  # what demo_recorder's timer does
    if close:
        recorder.close()
    return recorder


def assert_episodes_match(episodes, expected, seeds=True):
    assert len(episodes) == len(expected)
    for ep, want in zip(episodes, expected):
        np.testing.assert_allclose(ep.observations, want['obs'], atol=1e-6)
        np.testing.assert_allclose(ep.actions, want['act'], atol=1e-6)
        if want['t'] is not None:  # datasets do not store timestamps
            np.testing.assert_allclose(ep.timestamps, want['t'], atol=1e-9)
        assert ep.task == want['task']
        assert ep.seed == (want['seed'] if seeds else None)


def record_with_marks(path, labels, storage='mcap', markers=True):
    """The scene's three episodes, ``labels[e]`` marked after episode e (None: no mark).

    Each mark comes 2 ms after its episode's last step, before the reset of the next one
    (as ``lwd mark`` does when the teleoperator labels a demo before resetting); ``markers``
    False: a bag without the sim's episode markers (a real robot).
    """
    scene = make_scene(markers=markers)
    ends = [t0 + int(round(w['t'][-1] * 1e9)) for t0, w in zip(_starts(scene), scene.episodes)]
    marks = [(MARK_TOPIC, t + 2_000_000, String(data=label))
             for t, label in zip(ends, labels) if label]
    messages = sorted(scene.messages + marks, key=lambda m: m[1])
    with BagRecorder(path, storage=storage, custom_data={ENV_KEY: 'pusht'}) as bag:
        for topic, msgtype in {**TOPICS.types(), MARK_TOPIC: 'std_msgs/msg/String'}.items():
            bag.add_topic(topic, msgtype)
        for topic, t, msg in messages:
            bag.write(topic, t, serialize_message(msg))
    return scene


def _starts(scene: Scene) -> list:
    """Log time of each episode's first joint state (the scene's ``t`` is relative to it)."""
    starts, t = [], T0
    for w in scene.episodes:
        starts.append(t)
        t += int(round(w['t'][-1] * 1e9)) + TICK
    return starts


def _msg_text(msgtype: str) -> str:
    pkg, _, name = msgtype.split('/')
    return (REPO / '.venv' / 'share' / pkg / 'msg' / f'{name}.msg').read_text()


DEPENDENCIES = {
    'sensor_msgs/msg/JointState': ['std_msgs/msg/Header', 'builtin_interfaces/msg/Time'],
    'geometry_msgs/msg/PoseStamped': ['std_msgs/msg/Header', 'builtin_interfaces/msg/Time',
                                      'geometry_msgs/msg/Pose', 'geometry_msgs/msg/Point',
                                      'geometry_msgs/msg/Quaternion'],
    'std_msgs/msg/Float64MultiArray': ['std_msgs/msg/MultiArrayLayout',
                                       'std_msgs/msg/MultiArrayDimension'],
    'lwd_ros/msg/TaskSwitch': ['std_msgs/msg/Header', 'builtin_interfaces/msg/Time'],
}
QOS_YAML = ('- history: keep_last\n  depth: 10\n  reliability: {}\n  durability: {}\n'
            '  deadline:\n    sec: 9223372036\n    nsec: 854775807\n'
            '  lifespan:\n    sec: 9223372036\n    nsec: 854775807\n  liveliness: automatic\n'
            '  liveliness_lease_duration:\n    sec: 9223372036\n    nsec: 854775807\n'
            '  avoid_ros_namespace_conventions: false')


def _qos(msgtype: str) -> str:
    latched = msgtype == ROLE_TYPES['task']
    return QOS_YAML.format('reliable', 'transient_local' if latched else 'volatile')


def write_plain_ros2_bag(scene: Scene, path: Path, topics: DemoTopics):
    """A bag as Kilted's ``ros2 bag record`` writes it, via the mcap library (no rosbags).

    Full .msg texts with comments and ``MSG: pkg/msg/Type`` dependency blocks, zstd chunks,
    ``<name>_0.mcap``, a metadata.yaml version 9 with ``ros_distro: kilted``.
    """
    from mcap.writer import CompressionType, Writer
    path.mkdir()
    rename = {TOPICS.roles()[role]: topic for role, topic in topics.roles().items()}
    types = {rename[t]: ty for t, ty in TOPICS.types().items() if t in rename}
    counts = {t: 0 for t in types}
    name = f'{path.name}_0.mcap'
    with open(path / name, 'wb') as f:
        writer = Writer(f, compression=CompressionType.ZSTD)
        writer.start(profile='ros2', library='rosbag2 kilted (test double)')
        channels = {}
        for topic, msgtype in types.items():
            text = _msg_text(msgtype) + ''.join(
                f"{'=' * 80}\nMSG: {dep}\n{_msg_text(dep)}" for dep in DEPENDENCIES[msgtype])
            schema = writer.register_schema(msgtype, 'ros2msg', text.encode())
            channels[topic] = writer.register_channel(topic, 'cdr', schema,
                                                      {'offered_qos_profiles': _qos(msgtype)})
        for seq, (topic, t, msg) in enumerate(scene.messages):
            if rename.get(topic) in channels:
                counts[rename[topic]] += 1
                writer.add_message(channels[rename[topic]], log_time=t, publish_time=t - 500,
                                   data=serialize_message(msg), sequence=seq)
        writer.finish()
    times = [t for topic, t, _ in scene.messages if topic in rename]
    topic_entries = ''.join(
        f'    - topic_metadata:\n        name: {topic}\n        type: {msgtype}\n'
        f'        serialization_format: cdr\n        offered_qos_profiles:\n'
        + ''.join(f'          {line}\n' for line in _qos(msgtype).splitlines())
        + f'        type_description_hash: ""\n      message_count: {counts[topic]}\n'
        for topic, msgtype in types.items())
    (path / 'metadata.yaml').write_text(
        'rosbag2_bagfile_information:\n  version: 9\n  storage_identifier: mcap\n'
        f'  duration:\n    nanoseconds: {times[-1] - times[0]}\n'
        f'  starting_time:\n    nanoseconds_since_epoch: {times[0]}\n'
        f'  message_count: {len(times)}\n  topics_with_message_count:\n{topic_entries}'
        '  compression_format: ""\n  compression_mode: ""\n'
        f'  relative_file_paths:\n    - {name}\n  files:\n    - path: {name}\n'
        f'      starting_time:\n        nanoseconds_since_epoch: {times[0]}\n'
        f'      duration:\n        nanoseconds: {times[-1] - times[0]}\n'
        f'      message_count: {len(times)}\n  custom_data: ~\n  ros_distro: kilted\n')
