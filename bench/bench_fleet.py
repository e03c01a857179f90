# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One generator, N robots: ``lwd launch pusht_sim robots:=N`` (N sims + N 100 Hz controllers).

For each N this process listens to every robot's ``/robot_i/lwd/policy`` for ``--seconds``
after every robot got its first policy, and reports: the generator's batch latency (each
policy carries the wall time of the batch it came from) p50/p99, the per-robot time between
policies against the regeneration deadline (H policy steps at the policy rate: 0.8 s on
PushT), the share of regenerations on time, and the CPU the whole graph used (cores, from
/proc). Prints JSON.
"""

import argparse
import json
import os
from pathlib import Path
import signal
import subprocess
import sys
import time

import numpy as np
import rclpy
from rclpy.executors import SingleThreadedExecutor

from lwd_ros.msg import PolicyWeights
from lwd_ros.report import emit_json
from lwd_ros.ros.qos import LATCHED

TICK = os.sysconf('SC_CLK_TCK')


def tree_cpu_s(root: int) -> float:
    """User + system CPU seconds of ``root``'s descendants (alive ones, from /proc)."""
    children, total = {}, 0.0
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append((int(stat.parent.name), fields))
    todo = [root]
    while todo:
        for pid, fields in children.get(todo.pop(), []):
            total += (int(fields[11]) + int(fields[12])) / TICK
            todo.append(pid)
    return total


def run(n: int, seconds: float, deadline_s: float) -> dict:
    node = rclpy.create_node(f'bench_fleet_{n}')
    ex = SingleThreadedExecutor()
    ex.add_node(node)
    arrivals = {i: [] for i in range(n)}
    latency = []
    for i in range(n):
        node.create_subscription(PolicyWeights, f'/robot_{i}/lwd/policy', lambda m, i=i: (
            arrivals[i].append(time.monotonic()), latency.append(m.generation_latency_ms)),
            LATCHED)
    launch = subprocess.Popen(
        [sys.executable, '-m', 'lwd_ros', 'launch', 'pusht_sim', f'robots:={n}',
         'control_rate:=100', '--no-respawn'], stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT)
    t_start = time.monotonic()
    while time.monotonic() - t_start < 300 and not all(arrivals.values()):
        ex.spin_once(timeout_sec=0.05)
    startup = time.monotonic() - t_start
    for a in arrivals.values():
        a.clear()
    latency.clear()
    cpu0, t0 = tree_cpu_s(launch.pid), time.monotonic()
    while time.monotonic() - t0 < seconds:
        ex.spin_once(timeout_sec=0.05)
    cpu = (tree_cpu_s(launch.pid) - cpu0) / (time.monotonic() - t0)
    launch.send_signal(signal.SIGINT)
    try:
        launch.wait(60)
    except subprocess.TimeoutExpired:
        launch.kill()
    node.destroy_node()
    gaps = np.concatenate([np.diff(a) for a in arrivals.values() if len(a) > 1] or [[np.inf]])
    per_robot_max = [float(np.diff(a).max()) if len(a) > 1 else float('inf')
                     for a in arrivals.values()]
    return {
        'robots': n, 'startup_s': round(startup, 1), 'window_s': seconds,
        'policies': int(sum(len(a) for a in arrivals.values())),
        'batch_latency_ms': {'p50': round(float(np.percentile(latency, 50)), 2),
                             'p99': round(float(np.percentile(latency, 99)), 2)}
        if latency else None,
        'policy_interval_s': {'p50': round(float(np.percentile(gaps, 50)), 3),
                              'p99': round(float(np.percentile(gaps, 99)), 3),
                              'max': round(float(gaps.max()), 3)},
        'deadline_s': deadline_s,
        'on_time_fraction': round(float(np.mean(gaps <= deadline_s * 1.1)), 3),
        'robots_always_on_time': int(sum(m <= deadline_s * 1.1 for m in per_robot_max)),
        'graph_cpu_cores': round(cpu, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--robots', type=int, nargs='+', default=[1, 4, 16, 32])
    parser.add_argument('--seconds', type=float, default=20.0)
    parser.add_argument('--deadline', type=float, default=0.8,
                        help='regeneration period, s (H = 8 at 10 Hz)')
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()
    os.environ.setdefault('ROS_DOMAIN_ID', '78')
    os.environ.setdefault('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    rclpy.init()
    results = {'machine_cores': os.cpu_count(), 'by_robots': []}
    for n in args.robots:
        results['by_robots'].append(run(n, args.seconds, args.deadline))
        print(json.dumps(results['by_robots'][-1]), file=sys.stderr, flush=True)
    rclpy.shutdown()
    emit_json(results, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
