# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``run_node``: Ctrl-C ends a node cleanly, never by an exception raised mid-callback."""

import signal
import subprocess
import sys
import time

from conftest import REPO
import pytest

pytest.importorskip('rclpy')

# A node whose timer callback runs ~1.5 s of Python, so the SIGINT lands inside it: the
# callback must finish (rclpy's handler stops the executor afterwards), not be interrupted.
NODE = '''
import sys, time
from rclpy.node import Node
from lwd_ros.ros.spin import run_node

class Busy(Node):
    def __init__(self):
        super().__init__('busy')
        self.create_timer(0.01, self.work)

    def work(self):
        print('callback started', flush=True)
        end = time.monotonic() + 1.5
        try:
            while time.monotonic() < end:
                pass
        except KeyboardInterrupt:
            print('interrupted mid-callback', flush=True)
            raise
        print('callback finished', flush=True)

    def destroy_node(self):
        print('destroyed', flush=True)
        if '--hang' in sys.argv:
            time.sleep(30)
        super().destroy_node()

sys.exit(run_node(Busy))
'''


def _start(ros_env, *argv):
    proc = subprocess.Popen([sys.executable, '-u', '-c', NODE, *argv], env=ros_env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines.append(proc.stdout.readline())
        if 'callback started' in lines[-1]:
            return proc, lines
    proc.kill()
    pytest.fail(''.join(lines))


def test_sigint_lets_the_running_callback_finish_then_exits_cleanly(ros_env):
    proc, lines = _start(ros_env)
    proc.send_signal(signal.SIGINT)
    out = ''.join(lines) + proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, out
    assert 'interrupted mid-callback' not in out and 'Traceback' not in out, out
    assert 'callback finished' in out and 'destroyed' in out, out


def test_a_second_sigint_interrupts_a_hanging_teardown(ros_env):
    proc, lines = _start(ros_env, '--hang')
    proc.send_signal(signal.SIGINT)
    while 'destroyed' not in lines[-1]:
        lines.append(proc.stdout.readline())
        assert lines[-1], ''.join(lines)
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    proc.communicate(timeout=20)
    assert time.monotonic() - t0 < 10, 'the second Ctrl-C did not cut the 30 s teardown short'
