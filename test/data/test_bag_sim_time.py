# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Sim-graph bags: wall-clock log times for the user's tools, sim time for the conversion.

A bag recorded under ``use_sim_time`` must read in ``ros2 bag info`` as recorded now (not
1970), and ``lwd bag2dataset`` must cut it into exactly the episodes it cut when the log
time was the sim time.
"""

import sqlite3
import time

from bag_scene import TOPICS, make_scene, record
from mcap.reader import make_reader
import numpy as np
import pytest
from rclpy.serialization import serialize_message
import yaml

from lwd_ros.data.bag_reader import ConvertConfig, bag_to_episodes
from lwd_ros.data.bag_writer import SIM_TIME_KEY, BagRecorder, bag_qos
from lwd_ros.data.bags import ENV_KEY, ROLE_TYPES

SPEEDUP = 3  # the sim runs 3x faster than the wall clock


@pytest.fixture(scope='module')
def scene():
    return make_scene()


def wall_times(scene, start_ns):
    """Wall-clock receive times of the scene's messages: monotonic, with a little jitter."""
    sim = np.array([t for _, t, _ in scene.messages], np.int64)
    jitter = np.random.default_rng(1).integers(0, 200_000, len(sim))
    return start_ns + (sim - sim[0]) // SPEEDUP + np.maximum.accumulate(jitter)


def record_sim_graph(scene, path, storage='mcap', compression='none', close=True,
                     flush_every=0):
    """The scene as demo_recorder writes it under use_sim_time: wall log time + sim time."""
    recorder = BagRecorder(path, storage=storage, compression=compression, sim_time=True,
                           custom_data={ENV_KEY: 'pusht'})
    for topic, msgtype in TOPICS.types().items():
        latched = msgtype == ROLE_TYPES['task']
        recorder.add_topic(topic, msgtype, [bag_qos(1, 1 if latched else 2, 1, 1)])
    walls = wall_times(scene, time.time_ns())
    for i, ((topic, t, msg), wall) in enumerate(zip(scene.messages, walls)):
        recorder.write(topic, int(wall), serialize_message(msg), sim_ns=t)
        if flush_every and i % flush_every == 0:
            recorder.flush()
    if close:
        recorder.close()
    return recorder, walls


def assert_same_conversion(new_bag, old_bag, **config):
    for grid in ('markers', 'uniform'):
        cfg = ConvertConfig(grid=grid, **config)
        new, new_report = bag_to_episodes(new_bag, cfg)
        old, old_report = bag_to_episodes(old_bag, cfg)
        assert len(new) == len(old) > 0
        for a, b in zip(new, old):
            for name in ('observations', 'actions', 'timestamps'):
                np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
            assert (a.task, a.seed, a.success) == (b.task, b.seed, b.success)
        assert new_report.notes == old_report.notes
        assert new_report.messages == old_report.messages


@pytest.mark.parametrize('storage, compression', [
    ('mcap', 'none'), ('mcap', 'zstd'), ('sqlite3', 'none'), ('sqlite3', 'zstd')])
def test_sim_graph_bag_has_wall_clock_times_and_converts_as_before(scene, tmp_path, storage,
                                                                   compression):
    before = time.time_ns()
    _, walls = record_sim_graph(scene, tmp_path / 'new', storage, compression)
    record(scene, tmp_path / 'old', storage, compression)  # log time = sim time (before)
    info = yaml.safe_load((tmp_path / 'new' / 'metadata.yaml').read_text())
    info = info['rosbag2_bagfile_information']
    assert info['starting_time']['nanoseconds_since_epoch'] == walls[0]
    assert 0 <= walls[0] - before < 60e9  # 2026, not 1970
    assert info['duration']['nanoseconds'] == walls[-1] - walls[0]
    assert info['custom_data'][SIM_TIME_KEY] in ('publish_time', 'lwd_sim_time')
    assert_same_conversion(tmp_path / 'new', tmp_path / 'old')


def test_mcap_log_time_is_the_wall_clock_and_publish_time_the_sim_time(scene, tmp_path):
    _, walls = record_sim_graph(scene, tmp_path / 'new')
    with open(tmp_path / 'new' / 'new.mcap', 'rb') as f:
        got = [(m.log_time, m.publish_time) for _, _, m in make_reader(f).iter_messages()]
    assert [w for w, _ in got] == sorted(walls.tolist())
    assert [s for _, s in got] == [t for _, t, _ in scene.messages]


def test_sqlite3_sim_time_table_is_one_row_per_message(scene, tmp_path):
    record_sim_graph(scene, tmp_path / 'new', 'sqlite3')
    con = sqlite3.connect(tmp_path / 'new' / 'new.db3')
    rows = con.execute('SELECT m.timestamp, s.timestamp FROM messages m '
                       'JOIN lwd_sim_time s ON s.id = m.id ORDER BY m.id').fetchall()
    assert [s for _, s in rows] == [t for _, t, _ in scene.messages]
    assert all(a <= b for (a, _), (b, _) in zip(rows, rows[1:]))  # wall clock, monotonic


@pytest.mark.parametrize('storage', ['mcap', 'sqlite3'])
def test_crashed_sim_graph_bag_salvages_as_before(scene, tmp_path, storage):
    """No metadata.yaml to say where the sim time is: the storage file says it."""
    new, _ = record_sim_graph(scene, tmp_path / 'new', storage, close=False, flush_every=100)
    new.flush()
    old = record(scene, tmp_path / 'old', storage, close=False, flush_every=100)
    old.flush()
    assert_same_conversion(tmp_path / 'new', tmp_path / 'old', robot='pusht', salvage=True)


def test_a_sim_time_bag_takes_a_sim_time_for_every_message(tmp_path):
    recorder = BagRecorder(tmp_path / 'b', sim_time=True, custom_data={ENV_KEY: 'pusht'})
    recorder.add_topic(TOPICS.command, ROLE_TYPES['command'])
    with pytest.raises(ValueError, match='takes a sim time'):
        recorder.write(TOPICS.command, 5, b'\0\1\0\0')
    with pytest.raises(ValueError, match='negative'):
        recorder.write(TOPICS.command, 5, b'\0\1\0\0', sim_ns=-1)
    assert recorder.close().total == 0
