# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Recording overhead: bag bytes per episode, writer throughput, demo_recorder under load.

1. ``episode_bytes``: one 300-step PushT episode (30 s at 10 Hz) written with ``BagRecorder``
   at the contract's rates: the sim bridge (joint states + pose at the 100 Hz physics rate,
   markers and expert commands at 10 Hz) and a hardware setup (1 kHz joint states, pose at
   a 100 Hz mocap, lwd_controller commands at 1 kHz), for MCAP/sqlite3 with and without zstd.
2. ``writer_msgs_per_s``: ``BagRecorder.write`` alone (CDR bytes in, flushing every second).
3. ``ros``: the real ``demo_recorder`` process while this process publishes joint states and
   poses at fixed rates for a few seconds: messages recorded vs published, the recorder's CPU
   (over the run plus a 1 s drain). Publisher and recorder share the machine's cores.

Prints JSON (``--json PATH`` also writes it).
"""

import argparse
import os
from pathlib import Path
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

from lwd_ros.data.bag_writer import BagRecorder
from lwd_ros.data.bags import DemoTopics, demo_typestore
from lwd_ros.report import emit_json

TOPICS = DemoTopics()
REPO = Path(__file__).resolve().parents[1]


def _cdr(msgtype: str, **fields) -> bytes:
    """Serialise like the wire does (rosbags typestore: exact CDR sizes)."""
    store = demo_typestore()
    t = store.types
    header = t['std_msgs/msg/Header'](stamp=t['builtin_interfaces/msg/Time'](sec=1, nanosec=2),
                                      frame_id=fields.pop('frame_id', ''))
    if msgtype == 'sensor_msgs/msg/JointState':
        msg = t[msgtype](header=header, name=['gantry_x', 'gantry_y'],
                         position=np.array([0.1, 0.2]), velocity=np.array([0.01, 0.02]),
                         effort=np.zeros(0))
    elif msgtype == 'geometry_msgs/msg/PoseStamped':
        msg = t[msgtype](header=header, pose=t['geometry_msgs/msg/Pose'](
            position=t['geometry_msgs/msg/Point'](x=0.2, y=0.3, z=0.0),
            orientation=t['geometry_msgs/msg/Quaternion'](x=0.0, y=0.0, z=0.38, w=0.92)))
    elif msgtype == 'std_msgs/msg/Float64MultiArray':
        msg = t[msgtype](layout=t['std_msgs/msg/MultiArrayLayout'](dim=[], data_offset=0),
                         data=np.array([0.25, 0.25]))
    elif msgtype == 'lwd_ros/msg/EpisodeStatus':
        msg = t[msgtype](header=header, episode=1, seed=3, task='classic', step=7,
                         coverage=0.5, max_coverage=0.6, success=False, done=False)
    else:
        msg = t[msgtype](header=header, task='classic')
    return bytes(store.serialize_cdr(msg, msgtype))


def episode_bytes(tmp: Path, rates: dict[str, float], steps: int = 300) -> dict:
    """Bytes of one ``steps``-step episode at ``rates`` (topic -> Hz), per storage."""
    duration_ns = int(steps * 0.1 * 1e9)
    payload = {topic: _cdr(msgtype, frame_id='world') for topic, msgtype in TOPICS.types().items()}
    events = sorted((int(k * 1e9 / hz), topic) for topic, hz in rates.items()
                    for k in range(int(duration_ns * hz / 1e9)))
    out = {'messages': len(events), 'rates_hz': rates}
    for storage in ('mcap', 'sqlite3'):
        for compression in ('none', 'zstd'):
            path = tmp / f'ep_{storage}_{compression}_{len(events)}'
            with BagRecorder(path, storage=storage, compression=compression) as rec:
                for topic, msgtype in TOPICS.types().items():
                    rec.add_topic(topic, msgtype)
                for t, topic in events:
                    rec.write(topic, t, payload[topic])
            key = storage if compression == 'none' else f'{storage}_zstd'
            out[key] = rec.close().size_bytes
    return out


def writer_rate(tmp: Path, storage: str, n: int = 100_000) -> float:
    data = _cdr('sensor_msgs/msg/JointState')
    rec = BagRecorder(tmp / f'rate_{storage}', storage=storage)
    rec.add_topic(TOPICS.joint_states, 'sensor_msgs/msg/JointState')
    t0 = time.perf_counter()
    for i in range(n):
        rec.write(TOPICS.joint_states, i * 1_000_000, data)
        if i % 2000 == 1999:  # ~once a second at 2 kHz
            rec.flush()
    rec.close()
    return n / (time.perf_counter() - t0)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def ros_run(tmp: Path, state_hz: float, seconds: float, storage: str = 'mcap') -> dict:
    """demo_recorder records joint states + poses published here at ``state_hz`` each."""
    from geometry_msgs.msg import PoseStamped
    import rclpy
    from sensor_msgs.msg import JointState

    from lwd_ros.ros.qos import SENSOR
    bag = tmp / f'ros_{storage}_{int(state_hz)}'
    env = dict(os.environ, ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST',
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get('PYTHONPATH', '')]))
    recorder = subprocess.Popen(
        [sys.executable, '-m', 'lwd_ros.nodes.demo_recorder', '--ros-args', '-p',
         f'output:={bag}', '-p', f'storage:={storage}'], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    context = rclpy.Context()
    rclpy.init(context=context, domain_id=int(os.environ['ROS_DOMAIN_ID']))
    node = rclpy.create_node('bench_publisher', context=context)
    pubs = [node.create_publisher(JointState, TOPICS.joint_states, SENSOR),
            node.create_publisher(PoseStamped, TOPICS.object_pose, SENSOR)]
    joints, pose = JointState(name=['gantry_x', 'gantry_y'], position=[0.1, 0.2]), PoseStamped()
    try:
        deadline = time.monotonic() + 60
        while any(p.get_subscription_count() == 0 for p in pubs):
            assert time.monotonic() < deadline, 'recorder did not subscribe'
            time.sleep(0.05)
        time.sleep(0.5)
        cpu0, sent, period = _cpu_seconds(recorder.pid), 0, 1.0 / state_hz
        t0 = time.perf_counter()
        next_tick = t0
        while (now := time.perf_counter()) - t0 < seconds:
            if now < next_tick:
                time.sleep(min(next_tick - now, 0.001))
                continue
            pubs[0].publish(joints)
            pubs[1].publish(pose)
            sent += 2
            next_tick += period
        elapsed = time.perf_counter() - t0
        time.sleep(1.0)  # let the recorder drain its queues
        cpu = _cpu_seconds(recorder.pid) - cpu0
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=30)
    finally:
        if recorder.poll() is None:
            recorder.kill()
        node.destroy_node()
        context.try_shutdown()
    from mcap.reader import make_reader
    recorded = 0
    if storage == 'mcap':
        with open(bag / f'{bag.name}.mcap', 'rb') as f:
            recorded = make_reader(f).get_summary().statistics.message_count
    return {'target_msgs_per_s': 2 * state_hz, 'published': sent,
            'published_msgs_per_s': round(sent / elapsed, 1), 'recorded': recorded,
            'lost': sent - recorded,
            'recorder_cpu_pct_of_one_core': round(100 * cpu / (elapsed + 1.0), 1),
            'bag_bytes_per_message': round((bag / f'{bag.name}.mcap').stat().st_size
                                           / max(recorded, 1), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', default=None, metavar='PATH')
    parser.add_argument('--seconds', type=float, default=5.0, help='per ROS run')
    parser.add_argument('--rates', type=float, nargs='*', default=[100.0, 1000.0, 5000.0],
                        help='joint-state (= pose) rates of the ROS runs, Hz')
    args = parser.parse_args()
    os.environ.setdefault('ROS_DOMAIN_ID', str(100 + os.getpid() % 100))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bridge = {TOPICS.joint_states: 100.0, TOPICS.object_pose: 100.0,
                  TOPICS.episode: 10.0, TOPICS.command: 10.0}
        hardware = {TOPICS.joint_states: 1000.0, TOPICS.object_pose: 100.0,
                    TOPICS.episode: 10.0, TOPICS.command: 1000.0}
        result = {
            'episode_300_steps_bytes': {
                'sim_bridge_expert': episode_bytes(tmp, bridge),
                'hardware_1khz_controller': episode_bytes(tmp, hardware)},
            'writer_msgs_per_s': {s: round(writer_rate(tmp, s)) for s in ('mcap', 'sqlite3')},
            'ros': [ros_run(tmp, hz, args.seconds) for hz in args.rates],
            'cpu_count': os.cpu_count(),
        }
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
