# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Bridge and controller as real processes; the test plays the generator.

Covers the controller's contract end to end: a latched policy drives the pusher, a malformed
one is rejected while the last good one keeps running, a late controller still receives the
current policy, and a silent sim makes the controller hold.
"""

from nodes_util import spawn, spin_until, stop
import numpy as np
import pytest

from lwd_ros.msg import PolicyWeights
from lwd_ros.ros.qos import LATCHED, SENSOR
from lwd_ros.runtime.mlp import num_params
from lwd_ros.runtime.policy_msg import fill_policy_msg

LAYERS = (5, 8, 2)


def constant_policy(target, generation):
    """Zero weights and the target as the output bias: a policy that always commands target."""
    w = np.zeros(num_params(LAYERS), np.float32)
    w[-2:] = target
    return fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=w, activation='relu',
                           task='classic', generation=generation, generator_id='test')


@pytest.mark.slow
def test_controller_drives_sim_swaps_rejects_latches_and_holds(rclpy_context, ros_env):
    from diagnostic_msgs.msg import DiagnosticArray
    import rclpy
    from sensor_msgs.msg import JointState
    node = rclpy.create_node('sim_graph_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    joints, diags = {}, {}
    node.create_subscription(JointState, '/joint_states',
                             lambda m: joints.update(pos=np.array(m.position)), SENSOR)

    def on_diag(msg):
        for status in msg.status:
            diags[status.hardware_id + status.name] = {kv.key: kv.value for kv in status.values}
    node.create_subscription(DiagnosticArray, '/diagnostics', on_diag, 10)
    policy_pub = node.create_publisher(PolicyWeights, '/lwd/policy', LATCHED)

    bridge = spawn('mujoco_bridge', ros_env, real_time_factor=2.0, auto_reset=False,
                   seed=1)
    ctrl = spawn('lwd_controller', ros_env, control_rate=200.0, diagnostics_period=0.2,
                 obs_timeout=0.3)
    procs = [bridge, ctrl]
    late = None
    try:
        def near(target):
            return lambda: 'pos' in joints and np.allclose(joints['pos'], target, atol=5e-3)
        policy_pub.publish(constant_policy((0.30, 0.20), 1))
        assert spin_until(executor, near((0.30, 0.20)), 40, procs), joints

        bad = constant_policy((0.10, 0.40), 2)
        bad.weights[0] = float('nan')
        policy_pub.publish(bad)
        key = 'lwd_ros' + 'lwd_controller'
        assert spin_until(executor, lambda: diags.get(key, {}).get('policies_rejected') == '1',
                          20, procs), diags
        assert 'NaN' in diags[key]['last_rejection']
        assert near((0.30, 0.20))(), 'last good policy must keep running'

        policy_pub.publish(constant_policy((0.10, 0.40), 3))
        assert spin_until(executor, near((0.10, 0.40)), 40, procs), joints

        # A controller started now still receives generation 3 (TRANSIENT_LOCAL).
        late = spawn('lwd_controller', ros_env, name='late_controller', params={'robot': 'pusht'},
                     control_rate=50.0, diagnostics_period=0.2)
        late_key = 'lwd_ros' + 'late_controller'
        assert spin_until(executor, lambda: diags.get(late_key, {}).get('mode') == 'run', 30,
                          [*procs, late]), diags.get(late_key)
        assert diags[late_key]['policy_generation'] == '3'

        stop(bridge)  # the sim goes silent: controllers must hold
        assert spin_until(executor, lambda: diags.get(key, {}).get('mode') == 'stale', 20,
                          [ctrl])
    finally:
        outputs = stop(*procs, *([late] if late else []))
    assert 'rejected policy generation 2' in outputs[1]
