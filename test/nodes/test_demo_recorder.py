# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""demo_recorder in its own process, fed by a publisher process, stopped by a signal.

SIGINT and SIGTERM must leave a complete bag holding every message published; SIGKILL a bag
whose flushed part ``bag2dataset --salvage`` recovers. Run as a script, this file is the
publisher peer (``python test_demo_recorder.py publish``).
"""

import json
import os
from pathlib import Path
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import REPO
import numpy as np
import pytest

from lwd_ros.data.bag_reader import ConvertConfig, bag_to_episodes, open_bag
from lwd_ros.data.bags import BagError

TOPICS = ('/joint_states', '/pusht/object_pose', '/forward_position_controller/commands',
          '/lwd/task', '/pusht/episode')
EPISODES, STEPS, TICKS = 2, 10, 5  # ticks of 10 ms (stamp time) per policy step
T0 = 1_800_000_000 * 1_000_000_000


def demo(classes):
    """The publications of a tiny two-episode demo: (topic, message) in publishing order.

    ``classes`` maps topic -> message class, so the test (reading) and the peer (publishing)
    build identical messages.
    """
    from lwd_ros.observations.pose2d import quaternion_from_yaw
    out = [('/lwd/task', classes['/lwd/task'](task='classic'))]
    tick = 0
    for e in range(EPISODES):
        for k in range(STEPS + 1):
            for _ in range(TICKS if k else 1):
                stamp = T0 + tick * 10_000_000
                tick += 1
                joints = classes['/joint_states'](name=['gantry_x', 'gantry_y'],
                                                  position=[0.1 + 0.001 * tick, 0.3 - 0.001 * e])
                pose = classes['/pusht/object_pose']()
                pose.pose.position.x, pose.pose.position.y = 0.25 + 0.0005 * tick, 0.2
                o = pose.pose.orientation
                o.x, o.y, o.z, o.w = quaternion_from_yaw(0.01 * tick)
                for msg in (joints, pose):
                    msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(stamp, 10**9)
                    out.append((TOPICS[0] if msg is joints else TOPICS[1], msg))
            status = classes['/pusht/episode'](episode=e + 1, seed=40 + e, task='classic',
                                               step=k, success=k == STEPS, done=k == STEPS)
            status.header.stamp = joints.header.stamp
            out.append(('/pusht/episode', status))
            if k < STEPS:
                out.append((TOPICS[2], classes[TOPICS[2]](data=[0.2 + 0.01 * k, 0.1 * e])))
    return out


def message_classes():
    from geometry_msgs.msg import PoseStamped
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.msg import EpisodeStatus, TaskSwitch
    return dict(zip(TOPICS, (JointState, PoseStamped, Float64MultiArray, TaskSwitch,
                             EpisodeStatus)))


def publisher_main(clock: bool = False) -> int:
    """Peer: publish the demo with the QoS the bridge uses, once the recorder listens.

    ``clock``: also publish a sim ``/clock`` that starts at 1 s (the epoch, as a sim's does)
    and runs at the wall clock's rate, every millisecond from a thread of its own.
    """
    import threading

    import rclpy
    from rclpy.executors import ExternalShutdownException
    from rosgraph_msgs.msg import Clock

    from lwd_ros.ros.qos import LATCHED, RELIABLE, SENSOR
    rclpy.init()
    node = rclpy.create_node('demo_publisher')
    classes = message_classes()
    qos = dict(zip(TOPICS, (SENSOR, SENSOR, SENSOR, LATCHED, RELIABLE)))
    pubs = {t: node.create_publisher(classes[t], t, qos[t]) for t in TOPICS}
    messages = demo(classes)
    if clock:
        clock_pub = node.create_publisher(Clock, '/clock', 10)
        start = time.monotonic_ns() - 1_000_000_000

        def tick():
            while rclpy.ok():
                sec, nanosec = divmod(time.monotonic_ns() - start, 1_000_000_000)
                msg = Clock()
                msg.clock.sec, msg.clock.nanosec = sec, nanosec
                clock_pub.publish(msg)
                time.sleep(0.001)
        threading.Thread(target=tick, daemon=True).start()
    pubs['/lwd/task'].publish(messages[0][1])  # latched: the recorder gets it when it joins
    deadline = time.monotonic() + 60
    while any(p.get_subscription_count() == 0 for p in pubs.values()):
        if time.monotonic() > deadline:
            return 1
        rclpy.spin_once(node, timeout_sec=0.05)
    time.sleep(0.3)  # the recorder's side of the match may complete a little later
    for topic, msg in messages[1:]:
        pubs[topic].publish(msg)
        time.sleep(0.002)
    print('PUBLISHED', flush=True)
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    return 0


def _expected():
    messages = demo(message_classes())
    per_topic = {t: [m for topic, m in messages if topic == t] for t in TOPICS}
    return messages, per_topic


def _count_live(bag: Path) -> int:
    """Messages already on disk in a bag still being written (the salvage scan)."""
    if not bag.is_dir() or not any(bag.iterdir()):
        return 0
    return sum(1 for _ in open_bag(bag, set(TOPICS)).messages)


def _stored(bag: Path, storage: str):
    """(topic, log time, CDR bytes) as independent readers (mcap, sqlite3) see the bag."""
    if storage == 'mcap':
        from mcap.reader import make_reader
        with open(bag / f'{bag.name}.mcap', 'rb') as f:
            return [(c.topic, m.log_time, m.data) for _, c, m in make_reader(f).iter_messages()]
    con = sqlite3.connect(bag / f'{bag.name}.db3')
    rows = con.execute('SELECT t.name, m.timestamp, m.data FROM messages m '
                       'JOIN topics t ON t.id = m.topic_id ORDER BY m.id').fetchall()
    con.close()
    return rows


@pytest.mark.parametrize('signum, storage', [
    (signal.SIGINT, 'mcap'), (signal.SIGTERM, 'sqlite3'),
    (signal.SIGKILL, 'mcap'), (signal.SIGKILL, 'sqlite3')])
def test_recorder_keeps_every_message_when_stopped(ros_env, python, tmp_path, signum, storage):
    from rclpy.serialization import deserialize_message
    bag = tmp_path / 'demos'
    log = open(tmp_path / 'recorder.log', 'w')
    recorder = subprocess.Popen(
        [python, '-m', 'lwd_ros.nodes.demo_recorder', '--ros-args', '-p', 'robot:=pusht',
         '-p', f'output:={bag}', '-p', f'storage:={storage}', '-p', 'flush_period:=0.2'],
        env=ros_env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    peer = subprocess.Popen([python, __file__, 'publish'], cwd=REPO,
                            env={**ros_env, 'PYTHONPATH': str(REPO / 'test')},  # conftest
                            stdout=subprocess.PIPE, text=True)
    messages, per_topic = _expected()
    try:
        assert peer.stdout.readline().strip() == 'PUBLISHED', 'peer did not publish'
        deadline = time.monotonic() + 30
        while _count_live(bag) < len(messages) and time.monotonic() < deadline:
            assert recorder.poll() is None, (tmp_path / 'recorder.log').read_text()
            time.sleep(0.2)
        recorder.send_signal(signum)
        rc = recorder.wait(timeout=30)
    finally:
        for p in (peer, recorder):
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        log.close()
    output = (tmp_path / 'recorder.log').read_text()
    if signum == signal.SIGKILL:
        assert rc == -signal.SIGKILL and not (bag / 'metadata.yaml').exists()
        with pytest.raises(BagError, match='demos: no metadata.yaml: the recording was not '
                                           'closed, and the robot it stored is lost with it'):
            bag_to_episodes(bag)
        with pytest.raises(BagError, match='demos: no metadata.yaml: the recording was not '
                                           r'closed.*; salvaged \d+ messages'):
            bag_to_episodes(bag, ConvertConfig(robot='pusht'))
        episodes, report = bag_to_episodes(bag, ConvertConfig(robot='pusht', salvage=True))
        assert sum(report.messages.values()) == len(messages)  # all flushed before the kill
    else:
        assert rc == 0, output
        assert f'bag {bag}: {len(messages)} messages' in output
        meta = (bag / 'metadata.yaml').read_text()
        assert 'version: 9' in meta and f'message_count: {len(messages)}' in meta
        stored = _stored(bag, storage)
        classes = message_classes()
        for topic in TOPICS:
            got = [(t, data) for name, t, data in stored if name == topic]
            assert [deserialize_message(d, classes[topic]) for _, d in got] == per_topic[topic]
            times = [t for t, _ in got]
            assert times == sorted(times) and abs(times[0] * 1e-9 - time.time()) < 120
        episodes, report = bag_to_episodes(bag)
        assert report.problem == '' and report.notes.aligned_by == 'stamp'
    # what was published, step for step
    assert [(len(e), e.seed, e.task, e.success) for e in episodes] == [
        (STEPS, 40, 'classic', True), (STEPS, 41, 'classic', True)]
    status = [m for m in per_topic['/pusht/episode'] if m.episode == 2]
    first = per_topic['/joint_states'].index(next(
        m for m in per_topic['/joint_states'] if m.header.stamp == status[0].header.stamp))
    assert episodes[1].observations[0, 0] == pytest.approx(
        per_topic['/joint_states'][first].position[0], abs=1e-6)
    np.testing.assert_allclose(episodes[1].actions[:, 0], 0.2 + 0.01 * np.arange(STEPS))
    np.testing.assert_allclose(episodes[0].timestamps, np.arange(STEPS + 1) * TICKS * 0.01)


def test_recorder_refuses_to_overwrite_a_bag(ros_env, python, tmp_path):
    (tmp_path / 'demos').mkdir()
    result = subprocess.run(
        [python, '-m', 'lwd_ros.nodes.demo_recorder', '--ros-args', '-p', 'robot:=pusht',
         '-p', f'output:={tmp_path / "demos"}'],
        env=ros_env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert 'exists; a bag is never overwritten' in result.stderr + result.stdout
    assert not any((tmp_path / 'demos').iterdir())


def test_publisher_peer_and_test_agree_on_the_demo():
    messages, per_topic = _expected()
    assert len(per_topic['/pusht/episode']) == EPISODES * (STEPS + 1)
    assert len(per_topic['/joint_states']) == EPISODES * (STEPS * TICKS + 1)
    assert json.dumps(sorted(per_topic)) == json.dumps(sorted(TOPICS))
    assert os.path.basename(__file__) == 'test_demo_recorder.py'


if __name__ == '__main__' and sys.argv[1:2] == ['publish']:
    sys.exit(publisher_main(clock=sys.argv[2:] == ['--clock']))


@pytest.mark.parametrize('storage', ['mcap', 'sqlite3'])
def test_sim_time_bag_says_when_it_was_recorded_and_converts_by_sim_time(
        ros_env, python, tmp_path, storage):
    """Under use_sim_time: wall-clock starting_time and log times, the sim time beside them.

    The conversion is checked against the same messages bagged the old way (log time = sim
    time): the episodes must be identical.
    """
    import yaml

    from lwd_ros.data.bag_writer import SIM_TIME_KEY, BagRecorder
    bag = tmp_path / 'demos'
    started = time.time_ns()
    log = open(tmp_path / 'recorder.log', 'w')
    recorder = subprocess.Popen(
        [python, '-m', 'lwd_ros.nodes.demo_recorder', '--ros-args', '-p', 'robot:=pusht',
         '-p', f'output:={bag}', '-p', f'storage:={storage}', '-p', 'use_sim_time:=true'],
        env=ros_env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    peer = subprocess.Popen([python, __file__, 'publish', '--clock'], cwd=REPO,
                            env={**ros_env, 'PYTHONPATH': str(REPO / 'test')},
                            stdout=subprocess.PIPE, text=True)
    messages, _ = _expected()
    try:
        assert peer.stdout.readline().strip() == 'PUBLISHED', 'peer did not publish'
        deadline = time.monotonic() + 30
        while _count_live(bag) < len(messages) and time.monotonic() < deadline:
            assert recorder.poll() is None, (tmp_path / 'recorder.log').read_text()
            time.sleep(0.2)
        recorder.send_signal(signal.SIGINT)
        assert recorder.wait(timeout=30) == 0, (tmp_path / 'recorder.log').read_text()
    finally:
        for p in (peer, recorder):
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        log.close()
    info = yaml.safe_load((bag / 'metadata.yaml').read_text())['rosbag2_bagfile_information']
    start = info['starting_time']['nanoseconds_since_epoch']
    assert started - 1e9 <= start <= time.time_ns() and info['message_count'] == len(messages)
    custom = info['custom_data']
    # (topic, wall log time, sim time, CDR) in the order written
    if storage == 'mcap':
        from mcap.reader import make_reader
        with open(bag / f'{bag.name}.mcap', 'rb') as f:
            stored = [(c.topic, m.log_time, m.publish_time, m.data)
                      for _, c, m in make_reader(f).iter_messages(log_time_order=False)]
    else:
        con = sqlite3.connect(bag / f'{bag.name}.db3')
        stored = con.execute('SELECT t.name, m.timestamp, s.timestamp, m.data FROM messages m '
                             'JOIN topics t ON t.id = m.topic_id '
                             'JOIN lwd_sim_time s ON s.id = m.id ORDER BY m.id').fetchall()
        con.close()
    assert len(stored) == len(messages)
    for topic in TOPICS:
        walls = [w for name, w, _, _ in stored if name == topic]
        assert walls == sorted(walls) and started - 1e9 <= walls[0], topic  # monotonic
        assert walls[-1] <= time.time_ns()
    sims = [s for *_, s, _ in stored]
    assert max(sims) < 3600e9  # the sim clock's time base (1970), not the wall clock's
    # The same messages bagged with the sim time as log time, as before: same episodes.
    old = BagRecorder(tmp_path / 'old', storage=storage, custom_data={
        k: v for k, v in custom.items() if k != SIM_TIME_KEY})
    types = {t['topic_metadata']['name']: t['topic_metadata']['type']
             for t in info['topics_with_message_count']}
    for topic, msgtype in types.items():
        old.add_topic(topic, msgtype)
    for topic, _, sim, data in stored:
        old.write(topic, sim, data)
    old.close()
    new_episodes, report = bag_to_episodes(bag)
    old_episodes, _ = bag_to_episodes(tmp_path / 'old')
    assert report.problem == '' and report.notes.aligned_by == 'stamp'
    assert [(e.seed, e.task) for e in new_episodes] == [(40, 'classic'), (41, 'classic')]
    assert len(new_episodes) == len(old_episodes)
    for a, b in zip(new_episodes, old_episodes):
        for name in ('observations', 'actions', 'timestamps'):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_a_late_sigint_cannot_kill_a_recorder_that_has_closed(ros_env, python, tmp_path):
    # Under ros2 launch a Ctrl-C stops the bridge too, whose exit shuts the graph down: launch
    # then sends its own SIGINT to the recorder, which may be ending already. Once Python's
    # finalisation has restored the default action, that signal would kill it (exit -2, "process
    # has died"); after its main() the recorder ignores both signals instead.
    code = (
        'import os, signal, sys, threading\n'
        'from lwd_ros.nodes.demo_recorder import main\n'
        'threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGINT)).start()\n'
        f"rc = main(['demo_recorder', '--ros-args', '-p', 'robot:=pusht', '-p', "
        f"'output:={tmp_path / 'bag'}'])\n"
        'print(rc, signal.getsignal(signal.SIGINT) is signal.SIG_IGN,\n'
        '      signal.getsignal(signal.SIGTERM) is signal.SIG_IGN, flush=True)\n'
        'os.kill(os.getpid(), signal.SIGINT)\n'  # as launch's, after the teardown
        'os.kill(os.getpid(), signal.SIGTERM)\n')
    done = subprocess.run([python, '-c', code], env=ros_env, cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == '0 True True'
    assert (tmp_path / 'bag' / 'metadata.yaml').exists()
