# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The messages serialise losslessly, and a 20k-weight policy survives a two-process trip."""

import subprocess
import time

from conftest import REPO
from nodes_util import stop
import numpy as np
import pytest

from lwd_ros.msg import PolicyWeights, TaskSwitch
from lwd_ros.runtime.mlp import MlpPolicy, num_params
from lwd_ros.runtime.policy_msg import (
    InvalidPolicy,
    fill_policy_msg,
    policy_from_msg,
    weights_array,
)

LAYERS = (5, 200, 96, 2)  # 20,690 parameters: above the 20k the issue asks for
RAW = ('agent_x', 'agent_y', 'block_x', 'block_y', 'block_angle')


def _policy_msg(seed=0, layers=LAYERS):
    rng = np.random.default_rng(seed)
    weights = rng.standard_normal(num_params(layers)).astype(np.float32)
    msg = fill_policy_msg(
        PolicyWeights(), layer_sizes=layers, weights=weights, activation='tanh',
        task='classic', generation=7, generator_id='gen-a',
        obs_names=list(RAW),
        action_names=['gantry_x', 'gantry_y'], latent=rng.standard_normal(16),
        valid_for_steps=8, latency_ms=3.5)
    return msg, weights


def test_policy_weights_serialisation_round_trip():
    from rclpy.serialization import deserialize_message, serialize_message
    msg, weights = _policy_msg()
    back = deserialize_message(serialize_message(msg), PolicyWeights)
    assert num_params(LAYERS) >= 20_000
    np.testing.assert_array_equal(weights_array(back), weights)
    assert list(back.layer_sizes) == list(LAYERS)
    assert (back.task, back.generation, back.activation) == ('classic', 7, 'tanh')
    assert back.obs_names[-1] == 'block_angle' and back.action_names == ['gantry_x', 'gantry_y']
    assert back.valid_for_steps == 8 and back.generation_latency_ms == pytest.approx(3.5)
    np.testing.assert_allclose(np.frombuffer(back.latent, np.float32), msg.latent)


def test_task_switch_serialisation_round_trip():
    from rclpy.serialization import deserialize_message, serialize_message
    msg = TaskSwitch(task='goal_left')
    msg.header.frame_id = 'world'
    back = deserialize_message(serialize_message(msg), TaskSwitch)
    assert back.task == 'goal_left' and back.header.frame_id == 'world'


def test_policy_from_msg_matches_numpy_policy():
    msg, weights = _policy_msg()
    policy = policy_from_msg(msg, RAW, act_dim=2)
    obs = np.array([0.1, -0.2, 0.25, 0.3, 1.0], np.float32)
    np.testing.assert_array_equal(policy.act(obs), MlpPolicy(LAYERS, weights, 'tanh').act(obs))


def test_policy_features_are_computed_by_name_from_the_controllers_observation():
    rng = np.random.default_rng(3)
    layers = (6, 16, 2)
    weights = rng.standard_normal(num_params(layers)).astype(np.float32)
    features = ['sin(block_angle)', 'cos(block_angle)', 'block_x', 'block_y', 'agent_x',
                'agent_y']
    msg = fill_policy_msg(PolicyWeights(), layer_sizes=layers, weights=weights,
                          activation='relu', task='classic', generation=1, obs_names=features)
    obs = np.array([0.1, -0.2, 0.25, 0.3, 1.0], np.float32)
    x = np.r_[np.sin(1.0), np.cos(1.0), 0.25, 0.3, 0.1, -0.2].astype(np.float32)
    expected = MlpPolicy(layers, weights).act(x)
    np.testing.assert_allclose(policy_from_msg(msg, RAW, 2).act(obs), expected, rtol=1e-5)
    # A robot reporting its observation in another order still feeds the right entries.
    np.testing.assert_allclose(policy_from_msg(msg, RAW[::-1], 2).act(obs[::-1]), expected,
                               rtol=1e-5)
    msg.obs_names = features[:-1] + ['elbow_angle']
    with pytest.raises(InvalidPolicy, match="'elbow_angle'"):
        policy_from_msg(msg, RAW, 2)


@pytest.mark.parametrize('corrupt, reason', [
    (lambda m: m.weights.__setitem__(3, float('nan')), 'NaN'),
    (lambda m: setattr(m, 'weights', m.weights[:-1]), 'expected'),
    (lambda m: setattr(m, 'layer_sizes', [4, 200, 96, 2]), '5 obs_names'),
    (lambda m: setattr(m, 'layer_sizes', [5, 200, 96, 3]), 'act_dim=2'),
    (lambda m: setattr(m, 'activation', 'sigmoid'), 'unknown activation'),
    (lambda m: setattr(m, 'layer_sizes', [5]), 'do not describe'),
])
def test_malformed_policies_are_rejected_with_a_reason(corrupt, reason):
    msg, _ = _policy_msg()
    corrupt(msg)
    with pytest.raises(InvalidPolicy, match=reason):
        policy_from_msg(msg, RAW, act_dim=2)


def test_two_process_round_trip_of_20k_weights(rclpy_context, ros_env, python):
    import rclpy

    from lwd_ros.ros.qos import LATCHED
    peer = subprocess.Popen([python, str(REPO / 'test' / 'peers' / 'echo_policy.py')],
                            env=ros_env, cwd=REPO)
    node = rclpy.create_node('round_trip_test', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    received = []
    node.create_subscription(PolicyWeights, '/rt/out', received.append, LATCHED)
    pub = node.create_publisher(PolicyWeights, '/rt/in', LATCHED)
    msg, weights = _policy_msg(seed=42)
    pub.publish(msg)  # latched: the peer gets it whenever it finishes starting
    try:
        deadline = time.monotonic() + 30
        while not received and time.monotonic() < deadline:
            assert peer.poll() in (None, 0), 'echo peer died'
            executor.spin_once(timeout_sec=0.1)
        # Keep spinning while the peer waits for our acknowledgement, then it exits by itself.
        deadline = time.monotonic() + 30
        while received and peer.poll() is None and time.monotonic() < deadline:
            executor.spin_once(timeout_sec=0.1)
    finally:
        stop(peer)
        node.destroy_node()
    assert received, 'no echo within 30 s'
    back = received[0]
    np.testing.assert_array_equal(weights_array(back), weights)
    assert list(back.layer_sizes) == list(LAYERS) and back.generation == 7
