# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Node deaths and stalls in the running PushT graph (``lwd launch pusht_sim``).

1. SIGKILL the generator: the controller goes on commanding with the last policy; ``lwd
   launch`` respawns the generator; measured: the longest gap between commands and the time
   from the kill to the first policy of the new generator.
2. SIGSTOP the bridge (a stalled sim): measured: the time until the controller falls silent
   (both inputs stale) and, after SIGCONT, until it commands again.
Prints JSON.
"""

import argparse
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
from lwd_ros.ros.qos import LATCHED, SENSOR


def child_pid(root: int, module: str) -> int | None:
    """The pid of ``root``'s child running ``python -m <module>``."""
    for proc in Path('/proc').glob('[0-9]*'):
        try:
            ppid = int((proc / 'stat').read_text().rsplit(')', 1)[1].split()[1])
            cmd = (proc / 'cmdline').read_bytes().split(b'\0')
        except (OSError, IndexError, ValueError):
            continue
        if ppid == root and module.encode() in cmd:
            return int(proc.name)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()
    from std_msgs.msg import Float64MultiArray
    os.environ.setdefault('ROS_DOMAIN_ID', '79')
    os.environ.setdefault('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    rclpy.init()
    node = rclpy.create_node('bench_supervision')
    ex = SingleThreadedExecutor()
    ex.add_node(node)
    commands, policies = [], []
    node.create_subscription(Float64MultiArray, '/forward_position_controller/commands',
                             lambda m: commands.append(time.monotonic()), SENSOR)
    node.create_subscription(PolicyWeights, '/lwd/policy',
                             lambda m: policies.append((time.monotonic(), m.generator_id)),
                             LATCHED)
    launch = subprocess.Popen([sys.executable, '-m', 'lwd_ros', 'launch', 'pusht_sim'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def spin(seconds, until=lambda: False):
        end = time.monotonic() + seconds
        while time.monotonic() < end and not until():
            ex.spin_once(timeout_sec=0.002)
        return until()
    result = {}
    try:
        assert spin(120, lambda: len(policies) >= 3 and len(commands) > 100), 'graph not up'
        spin(2.0)
        # 1. generator SIGKILL
        gen = child_pid(launch.pid, 'lwd_ros.nodes.policy_generator')
        old_id = policies[-1][1]
        t_kill = time.monotonic()
        os.kill(gen, signal.SIGKILL)
        respawned = spin(120, lambda: policies[-1][1] != old_id)
        t_new = next(t for t, g in policies if g != old_id) if respawned else None
        spin(1.0)
        c = np.array(commands)
        during = c[(c >= t_kill) & (c <= (t_new or time.monotonic()))]
        result['generator_sigkill'] = {
            'respawned': respawned,
            'first_new_policy_after_s': round(t_new - t_kill, 2) if respawned else None,
            'commands_while_down': int(len(during)),
            'max_command_gap_ms': round(float(np.diff(during).max()) * 1e3, 2)
            if len(during) > 1 else None}
        # 2. bridge SIGSTOP / SIGCONT
        bridge = child_pid(launch.pid, 'lwd_ros.nodes.mujoco_bridge')
        n = len(commands)
        t_stop = time.monotonic()
        os.kill(bridge, signal.SIGSTOP)
        spin(2.0)
        after_stop = [t for t in commands[n:] if t >= t_stop]
        silent_after = (after_stop[-1] - t_stop) if after_stop else 0.0
        n = len(commands)
        t_cont = time.monotonic()
        os.kill(bridge, signal.SIGCONT)
        resumed = spin(10.0, lambda: len(commands) > n)
        result['bridge_sigstop'] = {
            'controller_silent_after_s': round(silent_after, 3),
            'resumed_after_sigcont_s': round(commands[n] - t_cont, 3) if resumed else None}
        result['graph_alive'] = launch.poll() is None
    finally:
        launch.send_signal(signal.SIGINT)
        try:
            result['lwd_launch_exit'] = launch.wait(60)
        except subprocess.TimeoutExpired:
            launch.kill()
        node.destroy_node()
        rclpy.shutdown()
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
