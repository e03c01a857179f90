# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Camera bags: size per minute of demonstration, and what converting them costs.

A 640 x 480 camera at 30 Hz beside 100 Hz joint states and 10 Hz trajectory commands (the
never-seen camera arm of ``test/camera_robot_scene.py``, its picture drawn at VGA with
noise, so that JPEG does not flatter it), recorded with ``BagRecorder`` as ``demo_recorder``
writes, raw ``bgr8`` ``Image`` or JPEG ``CompressedImage``; then ``lwd bag2dataset`` to
96 x 96 frames. Reported per minute of recording: bag MB, dataset MB; conversion wall time,
frames decoded per second, and the converter's peak memory against the bag's size (the
frames are streamed: the bag is never held in memory).

    python bench/bench_camera_bags.py --minutes 1 --json results/cameras/camera_bags.json
"""

import argparse
import io
import json
from pathlib import Path
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

from lwd_ros.report import emit_json

REPO = Path(__file__).resolve().parents[1]
CAMERA_HZ, JOINTS_HZ, RATE = 30, 100, 10


def contract(compressed: bool) -> dict:
    return {
        'name': 'vga_arm', 'policy_rate': float(RATE), 'control_rate': 100.0, 'tasks': ['reach'],
        'observation': [
            {'kind': 'joints', 'topic': 'arm/joint_states', 'joints': ['base', 'lift']},
            {'kind': 'image', 'prefix': 'cam', 'crop': [80, 0, 480, 480],
             'topic': 'camera/image_raw/compressed' if compressed else 'camera/image_raw',
             'msg_type': ('sensor_msgs/msg/CompressedImage' if compressed
                          else 'sensor_msgs/msg/Image')}],
        'command': {'topic': 'arm_controller/joint_trajectory',
                    'msg_type': 'trajectory_msgs/msg/JointTrajectory', 'interface': 'position',
                    'joints': ['base', 'lift'], 'low': [-1.0] * 2, 'high': [1.0] * 2}}


def record(path: Path, seconds: float, compressed: bool) -> None:
    from PIL import Image, ImageDraw
    from rclpy.serialization import serialize_message
    from sensor_msgs.msg import CompressedImage, JointState
    from sensor_msgs.msg import Image as RawImage
    from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

    from lwd_ros.data.bag_writer import BagRecorder

    rng = np.random.default_rng(0)
    rec = BagRecorder(path)
    cam = contract(compressed)['observation'][1]
    rec.add_topic('/arm/joint_states', 'sensor_msgs/msg/JointState')
    rec.add_topic('/' + cam['topic'], cam['msg_type'])
    rec.add_topic('/arm_controller/joint_trajectory', 'trajectory_msgs/msg/JointTrajectory')
    noise = rng.integers(0, 24, (480, 640, 3), np.uint8)
    t0, q, target = 1_000_000_000, np.zeros(2), rng.uniform(-0.8, 0.8, 2)
    for tick in range(int(seconds * JOINTS_HZ)):
        t = t0 + tick * 10_000_000
        if tick % 200 == 0:  # a new demonstration every 2 s
            q, target = np.zeros(2), rng.uniform(-0.8, 0.8, 2)
        js = JointState(name=['base', 'lift'], position=q.tolist())
        js.header.stamp.sec, js.header.stamp.nanosec = divmod(t, 1_000_000_000)
        rec.write('/arm/joint_states', t, serialize_message(js))
        if tick % (JOINTS_HZ // RATE) == 0:
            q = q + 0.3 * (target - q)
            rec.write('/arm_controller/joint_trajectory', t + 1000, serialize_message(
                JointTrajectory(joint_names=['base', 'lift'],
                                points=[JointTrajectoryPoint(positions=q.tolist())])))
        if (tick * CAMERA_HZ) % JOINTS_HZ < CAMERA_HZ:  # 30 of every 100 ticks
            frame = Image.new('RGB', (640, 480), (30, 40, 50))
            cx, cy = 320 + 240 * target[0], 240 + 240 * target[1]
            ImageDraw.Draw(frame).ellipse((cx - 40, cy - 40, cx + 40, cy + 40),
                                          fill=(250, 240, 80))
            pixels = np.asarray(frame) + noise
            if compressed:
                buffer = io.BytesIO()
                Image.fromarray(pixels).save(buffer, format='JPEG', quality=90)
                msg = CompressedImage(format='jpeg', data=buffer.getvalue())
            else:
                msg = RawImage(height=480, width=640, encoding='bgr8', step=640 * 3,
                               data=pixels[..., ::-1].tobytes())
            msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(t, 1_000_000_000)
            rec.write('/' + cam['topic'], t + 2000, serialize_message(msg))
    rec.close()


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob('*') if f.is_file()) / 1e6


CONVERT = r'''
import json, resource, sys, time
from lwd_ros.cli import main
t = time.perf_counter()
rc = main(['bag2dataset', sys.argv[1], '--robot', sys.argv[2], '--out', sys.argv[3],
           '--reset-jump', '0.3', '--task', 'reach', '--no-progress', '--json', sys.argv[4]])
print(json.dumps({'rc': rc, 'wall_s': time.perf_counter() - t,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def measure(root: Path, minutes: float, compressed: bool) -> dict:
    import yaml

    name = 'jpeg' if compressed else 'raw_bgr8'
    robot = root / f'{name}.yaml'
    robot.write_text(yaml.safe_dump(contract(compressed)))
    t = time.perf_counter()
    record(root / f'{name}_bag', minutes * 60, compressed)
    write_s = time.perf_counter() - t
    # its own process: peak memory is the converter's alone
    out = subprocess.run([sys.executable, '-c', CONVERT, str(root / f'{name}_bag'), str(robot),
                          str(root / f'{name}_ds'), str(root / f'{name}.json')],
                         capture_output=True, text=True, cwd=REPO, check=True)
    run = json.loads(out.stdout.strip().splitlines()[-1])
    summary = json.loads((root / f'{name}.json').read_text())
    frames = summary['frames']['decoded']
    bag_mb, ds_mb = size_mb(root / f'{name}_bag'), size_mb(root / f'{name}_ds')
    return {'camera': f'640x480 {name} at {CAMERA_HZ} Hz -> 96x96 rgb8',
            'bag_mb_per_min': round(bag_mb / minutes, 1),
            'dataset_mb_per_min': round(ds_mb / minutes, 1),
            'record_write_s': round(write_s, 2),
            'convert_wall_s': round(run['wall_s'], 2),
            'convert_s_per_min': round(run['wall_s'] / minutes, 2),
            'frames_recorded': int(minutes * 60 * CAMERA_HZ), 'frames_decoded': frames,
            'frames_decoded_per_s': round(frames / run['wall_s'], 1),
            'episodes': summary['episodes'], 'steps': summary['steps'],
            'converter_peak_rss_mb': round(run['peak_rss_mb'], 1), 'bag_mb': round(bag_mb, 1)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--minutes', type=float, default=1.0)
    p.add_argument('--json', default='')
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = {c: measure(Path(tmp), args.minutes, c == 'jpeg') for c in ('jpeg', 'raw')}
    emit_json({'minutes_recorded': args.minutes, 'by_camera': rows,
               'python_peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024},
              args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
