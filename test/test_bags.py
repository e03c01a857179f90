# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Bags: written as ros2 bag would, read back by independent readers, converted to episodes.

Synthetic demonstrations go through ``BagRecorder`` (MCAP and sqlite3, with and without
zstd), through a bag shaped like a plain ``ros2 bag record`` (written with the ``mcap``
library, no rosbags involved), and through damaged bags; the episodes must be exactly what
was published.
"""

from dataclasses import dataclass, field
import json
from pathlib import Path
import sqlite3

from conftest import REPO
from geometry_msgs.msg import PoseStamped
import numpy as np
import pytest
from rclpy.serialization import deserialize_message, serialize_message
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray
import yaml

from lwd_ros.config import load_config
from lwd_ros.runtime.observation import quaternion_from_yaw
from lwd_ros.data.bag_episodes import DemoStreams, Stream, streams_to_episodes
from lwd_ros.data.bag_reader import ConvertConfig, bag_to_episodes, open_bag, read_bag
from lwd_ros.data.bag_writer import BagRecorder, adapted_qos, bag_qos
from lwd_ros.data.bags import JOINTS_KEY, ROLE_TYPES, TOPICS_KEY, BagError, DemoTopics
from lwd_ros.msg import EpisodeStatus, TaskSwitch

TOPICS = DemoTopics()
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
    """Write a scene through BagRecorder the way demo_recorder does (CDR bytes in)."""
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


@pytest.fixture(scope='module')
def scene():
    return make_scene()


@pytest.mark.parametrize('storage, compression', [
    ('mcap', 'none'), ('mcap', 'zstd'), ('sqlite3', 'none'), ('sqlite3', 'zstd')])
def test_recorded_bag_converts_to_the_published_episodes(scene, tmp_path, storage, compression):
    bag = tmp_path / 'demo'
    stats = record(scene, bag, storage, compression).close()  # a second close is a no-op
    assert stats.total == len(scene.messages) and stats.size_bytes > 0
    for grid in ('markers', 'uniform'):
        episodes, report = bag_to_episodes(bag, ConvertConfig(grid=grid))
        assert report.problem == '' and report.reader == 'rosbags'
        assert_episodes_match(episodes, scene.episodes, seeds=grid == 'markers')
        assert report.notes.aligned_by == ('stamp' if grid == 'markers' else 'log')
    ep = episodes[-1]
    assert len(ep) == 12 and ep.observations.shape == (13, 5) and ep.actions.shape == (12, 2)


def test_negative_timestamp_is_refused_and_the_bag_still_closes(scene, tmp_path):
    recorder = record(scene, tmp_path / 'demo', close=False)
    topic, _, msg = scene.messages[0]
    with pytest.raises(ValueError, match='negative timestamp'):
        recorder.write(topic, -5, serialize_message(msg))
    assert recorder.close().total == len(scene.messages)
    episodes, report = bag_to_episodes(tmp_path / 'demo')
    assert report.problem == '' and len(episodes) == len(scene.episodes)


def test_mcap_bag_reads_with_the_independent_mcap_reader(scene, tmp_path):
    from mcap.reader import make_reader
    bag = tmp_path / 'demo'
    record(scene, bag)
    with open(bag / 'demo.mcap', 'rb') as f:
        reader = make_reader(f)
        assert reader.get_header().profile == 'ros2'
        summary = reader.get_summary()
        got = [(c.topic, m.log_time, m.data) for s, c, m in reader.iter_messages()]
        schemas = {s.name: s for s in summary.schemas.values()}
        channels = {c.topic: c for c in summary.channels.values()}
    assert summary.statistics.message_count == len(scene.messages)
    assert [(t, ts) for t, ts, _ in got] == [(t, ts) for t, ts, _ in scene.messages]
    classes = {TOPICS.joint_states: JointState, TOPICS.object_pose: PoseStamped,
               TOPICS.command: Float64MultiArray, TOPICS.task: TaskSwitch,
               TOPICS.episode: EpisodeStatus}
    for (topic, _, data), (_, _, msg) in zip(got, scene.messages):
        assert deserialize_message(data, classes[topic]) == msg  # rclpy, not rosbags
    for topic, msgtype in TOPICS.types().items():
        assert channels[topic].message_encoding == 'cdr'
        assert 'offered_qos_profiles' in channels[topic].metadata
        assert schemas[msgtype].encoding == 'ros2msg'
    assert 'MSG: std_msgs/Header' in schemas['lwd_ros/msg/EpisodeStatus'].data.decode()
    task_qos = yaml.safe_load(channels[TOPICS.task].metadata['offered_qos_profiles'])
    assert task_qos[0]['durability'] == 'transient_local'


def test_metadata_is_rosbag2_version_9_with_rosidl_type_hashes(scene, tmp_path):
    bag = tmp_path / 'demo'
    record(scene, bag, 'sqlite3', **{TOPICS_KEY: TOPICS.to_json()})
    meta = yaml.safe_load((bag / 'metadata.yaml').read_text())['rosbag2_bagfile_information']
    assert meta['version'] == 9 and meta['storage_identifier'] == 'sqlite3'
    assert meta['relative_file_paths'] == ['demo.db3'] and meta['files'][0]['path'] == 'demo.db3'
    assert meta['message_count'] == len(scene.messages)
    assert isinstance(meta['custom_data'], dict)  # rosbag2's yaml-cpp needs a map here
    assert json.loads(meta['custom_data'][TOPICS_KEY]) == json.loads(TOPICS.to_json())
    share = REPO / '.venv' / 'share'
    for entry in meta['topics_with_message_count']:
        info = entry['topic_metadata']
        assert info['serialization_format'] == 'cdr'
        assert isinstance(info['offered_qos_profiles'], list)  # v9: a list, not a string
        rosidl = share / f"{info['type']}.json"
        if rosidl.is_file():  # the hash rosidl generated for the installed type
            want = json.loads(rosidl.read_text())['type_hashes'][0]['hash_string']
            assert info['type_description_hash'] == want
    # independent reader: the sqlite3 module
    con = sqlite3.connect(bag / 'demo.db3')
    names = dict(con.execute('SELECT id, name FROM topics'))
    rows = con.execute('SELECT topic_id, timestamp FROM messages ORDER BY id').fetchall()
    defs = dict(con.execute('SELECT topic_type, encoding FROM message_definitions'))
    con.close()
    assert [(names[i], t) for i, t in rows] == [(topic, t) for topic, t, _ in scene.messages]
    assert set(defs) == set(ROLE_TYPES.values()) and set(defs.values()) == {'ros2msg'}


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
    rename = dict(zip(DemoTopics().roles().values(), topics.roles().values()))
    types = {rename[t]: ty for t, ty in DemoTopics().types().items() if t in rename}
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


def test_plain_ros2_bag_record_without_markers_and_remapped_pose(tmp_path):
    # Hardware: no /pusht/episode, a mocap pose topic; episodes from resets and task switches.
    scene = make_scene(markers=False)
    topics = DemoTopics(object_pose='/mocap/tblock/pose', episode='')
    bag = tmp_path / 'rosbag2_2026_11_25-12_00_00'
    write_plain_ros2_bag(scene, bag, topics)
    episodes, report = bag_to_episodes(bag, ConvertConfig(topics=topics))
    assert report.notes.grid == 'uniform' and report.problem == ''
    assert report.messages['/mocap/tblock/pose'] == sum(
        t == TOPICS.object_pose for t, _, _ in scene.messages)
    assert_episodes_match(episodes, scene.episodes, seeds=False)
    # the bare .mcap file (no metadata.yaml next to it) reads the same
    bare, _ = bag_to_episodes(bag / f'{bag.name}_0.mcap', ConvertConfig(topics=topics))
    assert_episodes_match(bare, scene.episodes, seeds=False)


def test_recorder_topic_map_and_joint_names_come_from_the_bag(tmp_path):
    scene = make_scene(tasks=('classic',))
    moved = DemoTopics(joint_states='/arm/joint_states')
    for i, (topic, t, msg) in enumerate(scene.messages):
        if topic == TOPICS.joint_states:
            msg.name = ['rail', 'carriage']
            scene.messages[i] = (moved.joint_states, t, msg)
    recorder = BagRecorder(tmp_path / 'b', custom_data={
        TOPICS_KEY: moved.to_json(), JOINTS_KEY: json.dumps(['rail', 'carriage'])})
    for topic, msgtype in moved.types().items():
        recorder.add_topic(topic, msgtype)
    for topic, t, msg in scene.messages:
        recorder.write(topic, t, serialize_message(msg))
    recorder.close()
    episodes, _ = bag_to_episodes(tmp_path / 'b')
    assert_episodes_match(episodes, scene.episodes)
    with pytest.raises(BagError, match=r"joint names \['gantry_x', 'gantry_y'\] not in "
                                       r"/arm/joint_states .*rail"):
        bag_to_episodes(tmp_path / 'b', ConvertConfig(joint_names=('gantry_x', 'gantry_y')))


def test_truncated_mcap_names_the_file_and_what_was_salvaged(scene, tmp_path):
    record(scene, tmp_path / 'cut', flush_every=50)
    data = (tmp_path / 'cut' / 'cut.mcap').read_bytes()
    (tmp_path / 'cut' / 'cut.mcap').write_bytes(data[:len(data) * 2 // 3])  # disk full
    with pytest.raises(BagError) as err:
        bag_to_episodes(tmp_path / 'cut')
    text = str(err.value)
    assert 'cut.mcap is truncated or corrupt after byte' in text and 'salvaged' in text
    salvaged, report = err.value.partial
    published = sum(topic == TOPICS.joint_states for topic, _, _ in scene.messages)
    assert 0 < report.messages[TOPICS.joint_states] < published
    assert 1 <= len(salvaged) < len(scene.episodes)
    assert_episodes_match(salvaged[:1], scene.episodes[:1])
    episodes, report = bag_to_episodes(tmp_path / 'cut', ConvertConfig(salvage=True))
    assert report.reader == 'scan' and len(episodes) == len(salvaged)


@pytest.mark.parametrize('storage', ['mcap', 'sqlite3'])
def test_recorder_killed_before_close_leaves_every_flushed_message(scene, tmp_path, storage):
    bag = tmp_path / 'demo'
    recorder = BagRecorder(bag, storage=storage)
    for topic, msgtype in TOPICS.types().items():
        recorder.add_topic(topic, msgtype)
    cut = max(i for i, (topic, _, m) in enumerate(scene.messages)
              if topic == TOPICS.episode and m.episode == 2 and m.done)
    for topic, t, msg in scene.messages[:cut + 1]:
        recorder.write(topic, t, serialize_message(msg))
    recorder.flush()
    for topic, t, msg in scene.messages[cut + 1:]:  # after the last flush: lost in a crash
        recorder.write(topic, t, serialize_message(msg))
    # no close(): as after SIGKILL (sqlite3 keeps the unflushed rows in an open transaction)
    with pytest.raises(BagError, match='no metadata.yaml: the recording was not closed'):
        bag_to_episodes(bag)
    episodes, report = bag_to_episodes(bag, ConvertConfig(salvage=True))
    assert sum(report.messages.values()) == cut + 1
    assert_episodes_match(episodes, scene.episodes[:2])


def test_corrupt_compressed_chunk_is_reported(scene, tmp_path):
    # rosbags writes MCAP chunks without CRC, so damage shows where decompression fails: here
    # the zstd frame header of a chunk in the middle of the file is overwritten.
    from mcap.reader import make_reader
    bag = tmp_path / 'demo'
    record(scene, bag, compression='zstd', flush_every=50)
    with open(bag / 'demo.mcap', 'rb') as f:
        chunks = make_reader(f).get_summary().chunk_indexes
    chunk = chunks[len(chunks) // 2]
    # opcode, length, start, end, uncompressed size, crc, 'zstd', compressed size
    payload = chunk.chunk_start_offset + 1 + 8 + 8 + 8 + 8 + 4 + (4 + 4) + 8
    data = bytearray((bag / 'demo.mcap').read_bytes())
    assert data[payload:payload + 4] == b'\x28\xb5\x2f\xfd'  # zstd frame magic
    data[payload:payload + 4] = b'\xff' * 4
    (bag / 'demo.mcap').write_bytes(bytes(data))
    with pytest.raises(BagError, match=r'demo: rosbags cannot read it \(.*\); demo.mcap is '
                                       r'truncated or corrupt after byte \d+ of \d+ \(.*\); '
                                       r'salvaged \d+ messages .*, [12] episodes'):
        bag_to_episodes(bag)
    episodes, report = bag_to_episodes(bag, ConvertConfig(salvage=True))
    assert report.reader == 'scan' and 1 <= len(episodes) < len(scene.episodes)
    assert_episodes_match(episodes[:1], scene.episodes[:1])


def test_bag_without_states_says_so(tmp_path):
    recorder = BagRecorder(tmp_path / 'empty')
    recorder.add_topic(TOPICS.task, ROLE_TYPES['task'])
    recorder.write(TOPICS.task, T0, serialize_message(TaskSwitch(task='classic')))
    recorder.close()
    with pytest.raises(BagError, match='empty: need joint states and object poses, got 0'):
        bag_to_episodes(tmp_path / 'empty')
    with pytest.raises(FileNotFoundError, match='bag not found'):
        open_bag(tmp_path / 'nope', set())


def test_wrong_topic_type_is_named(scene, tmp_path):
    recorder = BagRecorder(tmp_path / 'b')
    recorder.add_topic(TOPICS.command, 'sensor_msgs/msg/JointState')
    recorder.write(TOPICS.command, T0, serialize_message(JointState()))
    recorder.close()
    with pytest.raises(BagError, match='/forward_position_controller/commands has type '
                                       'sensor_msgs/msg/JointState, expected std_msgs'):
        read_bag(tmp_path / 'b')


# --- episode cutting on streams, no bag involved -----------------------------------------------

def streams_of(scene: Scene) -> DemoStreams:
    rows = {r: ([], [], [], []) for r in ('j', 'p', 'c', 'task', 'm')}
    for topic, t, msg in scene.messages:
        stamp = (msg.header.stamp.sec * 10**9 + msg.header.stamp.nanosec
                 if hasattr(msg, 'header') else 0)
        if topic == TOPICS.joint_states:
            row, values, label = 'j', list(msg.position), ''
        elif topic == TOPICS.object_pose:
            o = msg.pose.orientation
            yaw = 2 * np.arctan2(o.z, o.w) % (2 * np.pi)
            row, values, label = 'p', [msg.pose.position.x, msg.pose.position.y, yaw], ''
        elif topic == TOPICS.command:
            row, values, label = 'c', list(msg.data), ''
        elif topic == TOPICS.task:
            row, values, label = 'task', [], msg.task
        else:
            row, label = 'm', msg.task
            values = [msg.episode, msg.seed, msg.step, msg.success, msg.done]
        for column, value in zip(rows[row], (t, stamp, values, label)):
            column.append(value)

    def build(row, width, dtype=np.float64):
        t, stamp, values, labels = rows[row]
        return Stream.build(t, stamp, values, width,
                            labels if row in ('task', 'm') else (), dtype)
    return DemoStreams(build('j', 2), build('p', 3), build('c', 2), build('task', 0),
                       build('m', 5, np.int64))


def test_a_recording_gap_splits_the_episode_and_loses_its_seed():
    hole = range(6, 14)  # 0.8 s of episode 0 not recorded
    scene = make_scene(tasks=('classic', 'classic'), steps=20, hole=hole)
    want = scene.episodes[0]
    for grid in ('markers', 'uniform'):
        scene = make_scene(tasks=('classic', 'classic'), steps=20, hole=hole,
                           markers=grid == 'markers')
        episodes, notes = streams_to_episodes(streams_of(scene), grid=grid, max_gap=0.5)
        assert [len(e) for e in episodes] == [5, 6, 20]
        assert [e.seed for e in episodes] == ([100, None, 101] if grid == 'markers'
                                              else [None] * 3)
        np.testing.assert_allclose(episodes[0].observations, want['obs'][:6], atol=1e-6)
        np.testing.assert_allclose(episodes[1].observations, want['obs'][14:], atol=1e-6)
        np.testing.assert_allclose(episodes[1].actions, want['act'][14:], atol=1e-6)
        # markers skip the hole (no step in it); the uniform grid steps through and drops
        assert notes.stale_steps == (0 if grid == 'markers' else 8)


def test_partial_short_and_commandless_episodes():
    streams = streams_of(make_scene(tasks=('classic', 'goal_left')))
    m = streams.markers
    keep = ~((m.values[:, 0] == 1) & (m.values[:, 2] < 3))  # recording began at step 3
    streams.markers = Stream(m.t[keep], m.stamp[keep], m.values[keep],
                             [lab for lab, k in zip(m.labels, keep) if k])
    episodes, _ = streams_to_episodes(streams)
    assert [(len(e), e.seed) for e in episodes] == [(9, None), (12, 101)]
    episodes, notes = streams_to_episodes(streams, drop_partial=True)
    assert len(episodes) == 1 and notes.dropped_partial == 1
    episodes, notes = streams_to_episodes(streams, min_steps=10)
    assert len(episodes) == 1 and notes.dropped_short == 1
    c = streams.command
    late = c.t > m.t[m.labels.index('goal_left') + 4]  # expert started at step 4 of ep 2
    first = np.flatnonzero(c.t > m.t[m.labels.index('goal_left')])[0]
    keep = (np.arange(len(c)) < first) | late
    streams.command = Stream(c.t[keep], c.stamp[keep], c.values[keep])
    episodes, notes = streams_to_episodes(streams)
    assert len(episodes[1]) == 12 - 4 and notes.trimmed_steps == 4
    assert episodes[1].seed is None


def test_a_task_is_required():
    streams = streams_of(make_scene(tasks=('classic',), markers=False))
    streams.task = Stream.build([], [], [], 0)
    with pytest.raises(ValueError, match='no task for the episode'):
        streams_to_episodes(streams)
    episodes, _ = streams_to_episodes(streams, default_task='classic')
    assert episodes[0].task == 'classic'


def test_adapted_qos_matches_every_publisher():
    assert adapted_qos([(1, 1)]) == (1, 1)  # latched: stay latched
    assert adapted_qos([(1, 2), (1, 1)]) == (1, 2)  # one volatile publisher: volatile
    assert adapted_qos([(2, 2), (1, 2)]) == (2, 2)  # one best-effort publisher: best effort
    assert adapted_qos([]) == (2, 2)


def test_convert_config_from_yaml_and_validation(tmp_path):
    path = tmp_path / 'convert.yaml'
    path.write_text('rate: 5\ngrid: uniform\ntopics:\n  object_pose: /mocap/pose\n'
                    '  episode: ""\njoint_names: [x, y]\n')
    cfg = load_config(ConvertConfig, path)
    assert cfg.rate == 5.0 and cfg.topics.object_pose == '/mocap/pose'
    assert cfg.topics.roles().keys() == {'joint_states', 'object_pose', 'command', 'task'}
    assert cfg.joint_names == ('x', 'y')
    for bad in ({'rate': 0}, {'grid': 'random'}, {'joint_names': ['x']}):
        with pytest.raises(ValueError):
            ConvertConfig(**bad)


# --- lwd bag2dataset ---------------------------------------------------------------------------

def test_bag2dataset_writes_the_dataset_lwd_train_reads(tmp_path, capsys):
    from lwd_ros.cli import main
    from lwd_ros.data.minari_io import load_episodes, read_metadata
    scene, plain = make_scene(), make_scene(tasks=('goal_left',), seed0=7, markers=False)
    record(scene, tmp_path / 'ours', storage='sqlite3')
    write_plain_ros2_bag(plain, tmp_path / 'plain', DemoTopics(episode=''))
    rc = main(['bag2dataset', str(tmp_path / 'ours'), str(tmp_path / 'plain'),
               '--out', str(tmp_path / 'ds'), '--json', str(tmp_path / 'out.json'),
               '--no-progress'])
    assert rc == 0
    summary = json.loads((tmp_path / 'out.json').read_text())
    assert summary['episodes'] == 4 and summary['steps'] == 48
    assert summary['tasks'] == {'classic': 2, 'goal_left': 2}
    assert [b['notes']['grid'] for b in summary['bags']] == ['markers', 'uniform']
    episodes = load_episodes(tmp_path / 'ds')
    assert_episodes_match(episodes[:3], [dict(w, t=None) for w in scene.episodes])
    np.testing.assert_allclose(episodes[3].observations, plain.episodes[0]['obs'], atol=1e-6)
    assert episodes[3].seed is None and episodes[3].task == 'goal_left'
    assert read_metadata(tmp_path / 'ds')['lwd_ros']['bag2dataset']['config']['rate'] == 10.0


def test_bag2dataset_fails_clearly_on_a_damaged_bag_unless_salvaging(scene, tmp_path, capsys):
    from lwd_ros.cli import main
    recorder = record(scene, tmp_path / 'crashed', close=False, flush_every=100)
    recorder.flush()
    args = ['bag2dataset', str(tmp_path / 'crashed'), '--out', str(tmp_path / 'ds'),
            '--no-progress']
    assert main(args) == 2
    err = capsys.readouterr().err
    assert 'crashed: no metadata.yaml: the recording was not closed' in err
    assert 'crashed.mcap ends after its last complete record, without the MCAP summary' in err
    assert 'salvaged 803 messages (363 /joint_states,' in err and '3 episodes (36 steps)' in err
    assert not (tmp_path / 'ds').exists()
    assert main(args + ['--salvage']) == 0
    assert json.loads(capsys.readouterr().out)['episodes'] == 3


def test_bag2dataset_flags_override_the_config_file(tmp_path):
    import argparse

    from lwd_ros.data.bag2dataset import add_arguments, convert_config
    (tmp_path / 'c.yaml').write_text('rate: 5\nmin_steps: 3\ntopics:\n  episode: ""\n')
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(['b', '--out', 'o', '--config', str(tmp_path / 'c.yaml'),
                              '--rate', '20', '--object-pose-topic', '/mocap/pose',
                              '--joint-names', 'x', 'y', '--salvage'])
    cfg = convert_config(args)
    assert (cfg.rate, cfg.min_steps, cfg.salvage, cfg.joint_names) == (20.0, 3, True, ('x', 'y'))
    assert cfg.topics == DemoTopics(object_pose='/mocap/pose', episode='')
    assert convert_config(parser.parse_args(['b', '--out', 'o'])).topics is None
