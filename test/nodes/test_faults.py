# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The controller under hostile input: random bursts on every topic it subscribes to.

The test plays sim and generator at once: it feeds good joint states and poses, a good policy,
and in between a burst of malformed messages of every kind (NaN/Inf joints and poses, missing
joints, zero quaternions, NaN/overflowing/huge/forged-generation policies). What must hold:
the controller stays up, every command it sends is finite and within limits, and it still
runs the good policy afterwards.
"""

import time

from nodes_util import spawn, spin_until, stop
import numpy as np
import pytest

from lwd_ros.msg import PolicyWeights
from lwd_ros.ros.qos import LATCHED, SENSOR
from lwd_ros.runtime.mlp import num_params
from lwd_ros.runtime.policy_msg import fill_policy_msg

LAYERS = (5, 8, 2)
BURST = 1500  # messages per topic; bench/bench_faults.py runs 10,000


def _policy(generation, weights=None, layers=LAYERS, gen_id='fuzz'):
    if weights is None:
        weights = np.zeros(num_params(layers), np.float32)
        weights[-2:] = (0.3, 0.2)
    return fill_policy_msg(PolicyWeights(), layer_sizes=layers, weights=weights,
                           activation='relu', task='classic', generation=generation,
                           generator_id=gen_id)


def _bad_policies(rng, generation):
    n = num_params(LAYERS)
    kinds = [
        lambda: _policy(generation, np.full(n, np.nan, np.float32)),
        lambda: _policy(generation, np.full(n, 3e38, np.float32)),  # finite, overflowing
        lambda: _policy(generation, rng.normal(size=n - 1).astype(np.float32)),  # wrong size
        lambda: _policy(2**32 - 1),  # forged generation
        lambda: _policy(generation, layers=(5, 600, 600, 2),
                        weights=np.zeros(num_params((5, 600, 600, 2)), np.float32)),  # costly
    ]
    return kinds[rng.integers(len(kinds))]()


@pytest.mark.slow
def test_controller_survives_a_random_burst_on_every_topic(rclpy_context, ros_env):
    from diagnostic_msgs.msg import DiagnosticArray
    from geometry_msgs.msg import PoseStamped
    import rclpy
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray
    node = rclpy.create_node('fault_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    commands, diag = [], {}
    node.create_subscription(Float64MultiArray, '/forward_position_controller/commands',
                             lambda m: commands.append(list(m.data)), SENSOR)
    node.create_subscription(DiagnosticArray, '/diagnostics', lambda m: diag.update(
        {kv.key: kv.value for s in m.status for kv in s.values}), 10)
    joints_pub = node.create_publisher(JointState, '/joint_states', SENSOR)
    pose_pub = node.create_publisher(PoseStamped, '/pusht/object_pose', SENSOR)
    policy_pub = node.create_publisher(PolicyWeights, '/lwd/policy', LATCHED)
    ctrl = spawn('lwd_controller', ros_env, control_rate=200.0, diagnostics_period=0.2,
                 obs_timeout=0.5)
    rng = np.random.default_rng(0)

    def joints(x=0.1, y=0.2, names=('gantry_x', 'gantry_y')):
        return JointState(name=list(names), position=[float(x), float(y)][:len(names)])

    def pose(x=0.25, y=0.3, q=(0.0, 0.0, 0.0, 1.0)):
        p = PoseStamped()
        p.pose.position.x, p.pose.position.y = float(x), float(y)
        o = p.pose.orientation
        o.x, o.y, o.z, o.w = (float(v) for v in q)
        return p

    def good():
        joints_pub.publish(joints())
        pose_pub.publish(pose())
    try:
        policy_pub.publish(_policy(1))
        assert spin_until(executor, lambda: good() or diag.get('mode') == 'run', 30, [ctrl])
        bad_values = [np.nan, np.inf, -np.inf, 1e308, -1e308]
        for i in range(BURST):
            v = bad_values[i % len(bad_values)]
            choice = i % 4
            if choice == 0:
                joints_pub.publish(joints(v, 0.2))
            elif choice == 1:
                joints_pub.publish(joints(names=('other_joint',)))
            elif choice == 2:
                pose_pub.publish(pose(v, 0.3) if i % 8 == 2 else pose(q=(0, 0, 0, 0)))
            else:
                policy_pub.publish(_bad_policies(rng, 2 + i))
            if i % 10 == 0:
                good()
                executor.spin_once(timeout_sec=0.0)
        policy_pub.publish(_policy(10_000_000 + 1, gen_id='fuzz-2'))  # a new generator
        assert spin_until(executor, lambda: good() or (
            diag.get('mode') == 'run' and diag.get('policy_generation') == '10000001'),
            30, [ctrl]), diag
        end = time.monotonic() + 1.0  # good input only: the controller commands again
        while time.monotonic() < end:
            good()
            executor.spin_once(timeout_sec=0.005)
        assert ctrl.poll() is None, 'controller died'
        sent = np.array(commands)
        assert len(sent) > 50
        assert np.isfinite(sent).all(), 'a non-finite command reached the actuators'
        assert (sent >= 0.0).all() and (sent <= 0.512).all(), 'a command left the limits'
        assert int(diag['inputs_dropped']) > 0 and int(diag['policies_rejected']) > 0
    finally:
        out = stop(ctrl)[0]
        node.destroy_node()
    assert 'Traceback' not in out, out[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize('signum', [2, 15])
def test_nodes_end_cleanly_on_sigint_and_sigterm(ros_env, signum):
    import subprocess
    procs = {name: spawn(name, ros_env) for name in
             ('lwd_controller', 'mujoco_bridge', 'policy_generator')}
    deadline = time.monotonic() + 60
    lines = {name: [] for name in procs}
    for name, p in procs.items():  # wait until each node is up (it logs once ready)
        while time.monotonic() < deadline and not lines[name]:
            lines[name].append(p.stdout.readline())
    time.sleep(1.0)  # spinning: timers and subscriptions live
    for p in procs.values():
        p.send_signal(signum)
    for name, p in procs.items():
        try:
            rc = p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = 'hung'
        out = ''.join(lines[name]) + p.stdout.read()
        assert rc == 0 and 'Traceback' not in out, f'{name} (signal {signum}): {rc}\n{out}'
