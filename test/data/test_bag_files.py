# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Bags written as ros2 bag would, read back by independent readers, damaged bags named."""

from dataclasses import replace
import json
import sqlite3

from bag_scene import T0, TOPICS, assert_episodes_match, make_scene, record, write_plain_ros2_bag
from conftest import REPO
from geometry_msgs.msg import PoseStamped
import pytest
from rclpy.serialization import deserialize_message, serialize_message
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray
import yaml

from lwd_ros.data.bag_reader import ConvertConfig, bag_to_episodes, open_bag, read_bag
from lwd_ros.data.bag_writer import BagRecorder
from lwd_ros.data.bags import (
    ENV_KEY,
    JOINTS_KEY,
    ROLE_TYPES,
    TOPICS_KEY,
    BagError,
)
from lwd_ros.msg import EpisodeStatus, TaskSwitch


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


def test_plain_ros2_bag_record_without_markers_and_remapped_pose(tmp_path):
    # Hardware: no /pusht/episode, a mocap pose topic; episodes from resets and task switches.
    scene = make_scene(markers=False)
    topics = replace(TOPICS, object_pose='/mocap/tblock/pose', episode='')
    bag = tmp_path / 'rosbag2_2026_11_25-12_00_00'
    write_plain_ros2_bag(scene, bag, topics)
    episodes, report = bag_to_episodes(bag, ConvertConfig(robot='pusht', topics=topics))
    assert report.notes.grid == 'uniform' and report.problem == ''
    assert report.messages['/mocap/tblock/pose'] == sum(
        t == TOPICS.object_pose for t, _, _ in scene.messages)
    assert_episodes_match(episodes, scene.episodes, seeds=False)
    # the bare .mcap file (no metadata.yaml next to it) reads the same
    bare, _ = bag_to_episodes(bag / f'{bag.name}_0.mcap',
                              ConvertConfig(robot='pusht', topics=topics))
    assert_episodes_match(bare, scene.episodes, seeds=False)


def test_recorder_topic_map_and_joint_names_come_from_the_bag(tmp_path):
    scene = make_scene(tasks=('classic',))
    moved = replace(TOPICS, joint_states='/arm/joint_states')
    for i, (topic, t, msg) in enumerate(scene.messages):
        if topic == TOPICS.joint_states:
            msg.name = ['rail', 'carriage']
            scene.messages[i] = (moved.joint_states, t, msg)
    recorder = BagRecorder(tmp_path / 'b', custom_data={
        ENV_KEY: 'pusht', TOPICS_KEY: moved.to_json(),
        JOINTS_KEY: json.dumps(['rail', 'carriage'])})
    for topic, msgtype in moved.types().items():
        recorder.add_topic(topic, msgtype)
    for topic, t, msg in scene.messages:
        recorder.write(topic, t, serialize_message(msg))
    recorder.close()
    episodes, _ = bag_to_episodes(tmp_path / 'b')
    assert_episodes_match(episodes, scene.episodes)
    with pytest.raises(BagError, match=r"joint names \['gantry_x', 'gantry_y'\] \(position\) "
                                       r"not in /arm/joint_states .*rail"):
        bag_to_episodes(tmp_path / 'b', ConvertConfig(joint_names=('gantry_x', 'gantry_y')))


def test_the_robot_comes_from_the_bag_and_another_robot_names_what_is_missing(scene, tmp_path):
    record(scene, tmp_path / 'b', 'mcap', **{ENV_KEY: 'pusht'})
    _, report = bag_to_episodes(tmp_path / 'b')
    assert report.robot == 'pusht'
    record(scene, tmp_path / 'c', 'mcap', **{ENV_KEY: 'mt10'})  # as if the recorder said mt10
    with pytest.raises(BagError, match=r"joint names \['gripper'\] \(position\) not in "
                                       r"/joint_states"):
        bag_to_episodes(tmp_path / 'c')
    with pytest.raises(ValueError, match=r"must name the 2 commanded joints of pusht"):
        ConvertConfig(robot='pusht', joint_names=('x', 'y', 'z'))
    record(scene, tmp_path / 'd', 'mcap', **{ENV_KEY: ''})  # a plain recording: no robot named
    with pytest.raises(BagError, match=r'names no robot .* give its contract, --robot'):
        bag_to_episodes(tmp_path / 'd')


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
    recorder = BagRecorder(bag, storage=storage, custom_data={ENV_KEY: 'pusht'})
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
        bag_to_episodes(bag)  # and the robot's name with it
    with pytest.raises(BagError, match='no metadata.yaml: the recording was not closed'):
        bag_to_episodes(bag, ConvertConfig(robot='pusht'))
    episodes, report = bag_to_episodes(bag, ConvertConfig(robot='pusht', salvage=True))
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
    recorder = BagRecorder(tmp_path / 'empty', custom_data={ENV_KEY: 'pusht'})
    recorder.add_topic(TOPICS.task, ROLE_TYPES['task'])
    recorder.write(TOPICS.task, T0, serialize_message(TaskSwitch(task='classic')))
    recorder.close()
    with pytest.raises(BagError, match='empty: no messages for .*joints block on /joint_states'):
        bag_to_episodes(tmp_path / 'empty')
    with pytest.raises(FileNotFoundError, match='bag not found'):
        open_bag(tmp_path / 'nope', set())


def test_wrong_topic_type_is_named(scene, tmp_path):
    recorder = BagRecorder(tmp_path / 'b', custom_data={ENV_KEY: 'pusht'})
    recorder.add_topic(TOPICS.command, 'sensor_msgs/msg/JointState')
    recorder.write(TOPICS.command, T0, serialize_message(JointState()))
    recorder.close()
    with pytest.raises(BagError, match='/forward_position_controller/commands has type '
                                       'sensor_msgs/msg/JointState, expected std_msgs'):
        read_bag(tmp_path / 'b')
