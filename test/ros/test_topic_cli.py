# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd task`` and ``lwd mark``: what ``ros2 topic pub`` does, for a venv without ``ros2``.

Each command runs as its own process against a live subscriber: this test's rclpy node
(with the QoS the generator uses) or a real demo_recorder.
"""

import signal
import subprocess
import threading
import time

from conftest import REPO
import pytest


def _lwd(python, env, *args, timeout=60):
    return subprocess.run([python, '-m', 'lwd_ros', *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def spinning(rclpy_context):
    """A node of this test, spun in a thread while a command runs."""
    import rclpy
    from rclpy.executors import SingleThreadedExecutor

    node = rclpy.create_node('task_listener', namespace='/robot_0', context=rclpy_context)
    executor = SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            executor.spin_once(timeout_sec=0.05)
    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    yield node
    stop.set()
    thread.join(5)
    node.destroy_node()


def test_lwd_task_reaches_the_namespaced_subscriber(spinning, ros_env, python):
    from lwd_ros.msg import TaskSwitch
    from lwd_ros.ros.qos import LATCHED
    heard = []
    spinning.create_subscription(TaskSwitch, 'lwd/task', heard.append, LATCHED)
    done = _lwd(python, ros_env, 'task', 'goal_right', '--namespace', '/robot_0')
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ("task 'goal_right' sent on /robot_0/lwd/task to "
                                   '/robot_0/task_listener')
    deadline = time.monotonic() + 5
    while not heard and time.monotonic() < deadline:  # acknowledged: in the reader's cache
        time.sleep(0.05)
    assert [m.task for m in heard] == ['goal_right']


def test_lwd_task_without_a_listener_fails_with_one_line(ros_env, python):
    started = time.monotonic()
    done = _lwd(python, ros_env, 'task', 'goal_left', '--namespace', 'robot_9', '--timeout',
                '1')
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "nobody subscribes to /robot_9/lwd/task after 1 s: task 'goal_left' not sent (is the "
        'graph running, in this namespace and ROS_DOMAIN_ID?)']
    assert time.monotonic() - started < 30


def test_lwd_mark_is_recorded_in_the_bag(ros_env, python, tmp_path):
    from rclpy.serialization import deserialize_message
    from std_msgs.msg import String

    from lwd_ros.data.bag_reader import open_bag
    bag = tmp_path / 'demos'
    recorder = subprocess.Popen(
        [python, '-m', 'lwd_ros.nodes.demo_recorder', '--ros-args', '-p', 'robot:=pusht', '-p',
         f'output:={bag}'],
        env=ros_env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        marks = [_lwd(python, ros_env, 'mark', m, '--timeout', '30') for m in ('fail', 'success')]
    finally:
        recorder.send_signal(signal.SIGINT)
        out = recorder.communicate(timeout=30)[0]
    for m in marks:
        assert m.returncode == 0, m.stdout + m.stderr + out
    assert marks[1].stdout.strip() == "mark 'success' sent on /lwd/mark to /demo_recorder"
    assert recorder.returncode == 0, out
    raw = open_bag(bag, {'/lwd/mark'})
    got = [(topic, deserialize_message(data, String).data) for topic, _, data in raw.messages]
    assert raw.types == {'/lwd/mark': 'std_msgs/msg/String'}
    assert got == [('/lwd/mark', 'fail'), ('/lwd/mark', 'success')]


def test_lwd_mark_refuses_other_labels(ros_env, python):
    done = _lwd(python, ros_env, 'mark', 'maybe')
    assert done.returncode == 2 and "invalid choice: 'maybe'" in done.stderr
