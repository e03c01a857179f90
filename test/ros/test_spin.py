# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``run_node``: Ctrl-C ends a node cleanly, never by an exception raised mid-callback."""

import signal
import subprocess
import sys
import time

from conftest import REPO
import pytest

from lwd_ros.ros.spin import REPEAT_S  # noqa: E402

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
    time.sleep(REPEAT_S + 0.1)  # a second Ctrl-C, not the first one delivered twice
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    out = proc.communicate(timeout=20)[0]
    assert time.monotonic() - t0 < 10, 'the second Ctrl-C did not cut the 30 s teardown short'
    assert proc.returncode == 130 and 'Traceback' not in out, out


def test_one_ctrl_c_delivered_twice_exits_cleanly(ros_env):
    # A terminal signals the process group and ros2 launch forwards its own SIGINT: the
    # node sees two SIGINTs a few ms apart, inside its teardown.
    proc, lines = _start(ros_env)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out = ''.join(lines) + proc.communicate(timeout=20)[0]
    assert proc.returncode == 0, out
    assert 'Traceback' not in out and 'destroyed' in out, out
