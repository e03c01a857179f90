# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``run_node``: Ctrl-C ends a node cleanly, never by an exception raised mid-callback."""

import signal
import subprocess
import sys
import time

from conftest import REPO
import pytest

from lwd_ros.ros.spin import REPEAT_S, TEARDOWN_S, entry_node, wants_help  # noqa: E402

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
    assert proc.returncode == 0 and 'Traceback' not in out, out


def test_a_hanging_teardown_ends_by_itself_before_launch_escalates(ros_env):
    # No second signal: the watchdog ends the process TEARDOWN_S after the first, with 0,
    # before launch's SIGTERM (5 s) and SIGKILL escalation.
    proc, lines = _start(ros_env, '--hang')
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out = ''.join(lines) + proc.communicate(timeout=30)[0]
    took = time.monotonic() - t0
    assert proc.returncode == 0 and 'Traceback' not in out, out
    assert TEARDOWN_S <= took < TEARDOWN_S + 4, took
    assert 'exiting without finishing it' in out, out


# A "node" still starting: a long import or model load (a sleep in Python bytecode).
STARTING = '''
import sys, time
from lwd_ros.ros.spin import install_start_up_handlers
install_start_up_handlers()
print('loading', flush=True)
for _ in range(300):
    time.sleep(0.1)
print('loaded', flush=True)
'''


@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_starting_ends_the_process_at_once(signum):
    proc = subprocess.Popen([sys.executable, '-u', '-c', STARTING], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout.readline() == 'loading\n'
    t0 = time.monotonic()
    proc.send_signal(signum)
    out = proc.communicate(timeout=20)[0]
    assert proc.returncode == 0 and time.monotonic() - t0 < 2, out
    assert 'Traceback' not in out and 'loaded' not in out, out


def test_only_a_process_started_as_a_node_gets_the_start_up_handlers():
    nodes = ('mujoco_bridge', 'fleet_host')
    assert entry_node(['x'], ['python', '-m', 'lwd_ros.nodes.fleet_host', '--ros-args'],
                      nodes) == 'fleet_host'
    assert entry_node(['x'], ['python', '-u', '-m', 'lwd_ros.nodes.mujoco_bridge'],
                      nodes) == 'mujoco_bridge'
    assert entry_node(['/venv/bin/mujoco_bridge', '--ros-args'], ['/venv/bin/python',
                      '/venv/bin/mujoco_bridge', '--ros-args'], nodes) == 'mujoco_bridge'
    assert entry_node(['/venv/bin/pytest'], ['python', '/venv/bin/pytest'], nodes) is None
    assert entry_node(['-m'], ['python', '-m', 'lwd_ros.cli', 'launch'], nodes) is None
    assert entry_node(['-c'], ['python', '-c', 'import lwd_ros.nodes'], nodes) is None


def test_a_node_script_is_guarded_from_its_first_package_import(tmp_path):
    # A console script (ros2 run, colcon) does `from lwd_ros.nodes.X import main`: lwd_ros's
    # own __init__ runs first, and a Ctrl-C there once raised KeyboardInterrupt in pkgutil.
    probe = ('import signal, sys; sys.argv[0] = {name!r}; import lwd_ros; '
             'print(signal.getsignal(signal.SIGINT).__name__, '
             'getattr(signal.getsignal(signal.SIGTERM), "__name__", "default"))')
    seen = {}
    for name in ('/opt/ros/lib/lwd_ros/lwd_controller', '/venv/bin/lwd', '/venv/bin/pytest'):
        # Started as from a terminal: a run in the background of a non-interactive shell
        # ignores SIGINT, which its children inherit (and which the guard rightly keeps).
        run = subprocess.run([sys.executable, '-c', probe.format(name=name)], cwd=REPO,
                             capture_output=True, text=True, timeout=60,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        seen[name.rsplit('/', 1)[1]] = run.stdout.split()
    assert seen['lwd_controller'] == ['_stop_while_importing', '_stop_while_importing']
    assert seen['lwd'] == seen['pytest'] == ['default_int_handler', 'default']


def test_help_is_the_nodes_own_argument_not_a_ros_one():
    assert wants_help(['node', '--help'])
    assert wants_help(['node', '-h', '--ros-args', '-p', 'a:=1'])
    assert not wants_help(['node', '--ros-args', '-p', 'a:=1'])
    assert not wants_help(['node', '--ros-args', '--help'])  # rcl's, not ours


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
