# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What the tick reuses between ticks changes nothing it returns or counts."""

import numpy as np
import pytest

from lwd_ros.msg import PolicyWeights
from lwd_ros.observations.pose2d import quaternion_from_yaw
from lwd_ros.runtime.controller import ControllerConfig, Mode, PolicyController
from lwd_ros.runtime.mlp import num_params
from lwd_ros.runtime.policy_msg import fill_policy_msg

LAYERS = (5, 16, 2)


def _msg(generation, bias=(0.3, 0.2), high=None):
    weights = np.zeros(num_params(LAYERS), np.float32)
    weights[-2:] = bias
    ranges = {} if high is None else {'obs_low': [0.0] * 5, 'obs_high': high}
    return fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=weights,
                           activation='relu', task='classic', generation=generation,
                           generator_id='g', **ranges)


def _controller():
    c = PolicyController(ControllerConfig(robot='pusht', obs_timeout=1.0))
    c.obs.update_joints(['gantry_x', 'gantry_y'], [0.1, 0.2], 0.0)
    c.obs.update_pose((0.25, 0.3, 0.0), quaternion_from_yaw(0.5), 0.0)
    return c


def test_latest_is_shared_read_only_and_rebuilt_after_each_update():
    c = _controller()
    first = c.obs.latest()
    assert first is c.obs.latest() and not first.flags.writeable
    np.testing.assert_array_equal(first, c.obs.observation())
    assert c.obs.observation() is not c.obs.observation()  # still a new array each call
    with pytest.raises(ValueError):
        first[0] = 1.0
    c.obs.update_joints(['gantry_x', 'gantry_y'], [0.15, 0.2], 0.1)
    assert c.obs.latest() is not first and c.obs.latest()[0] == np.float32(0.15)
    assert not c.obs.update_joints(['gantry_x', 'gantry_y'], [np.nan, 0.2], 0.2)
    assert c.obs.latest()[0] == np.float32(0.15)  # a refused message changes nothing


def test_training_range_counts_every_tick_and_is_rechecked_for_a_new_policy():
    c = _controller()  # block_x 0.25
    c.offer_policy(_msg(1, high=[0.5, 0.5, 0.2, 0.5, 6.3]), 0.0)  # block_x past 0.2 + pad
    for k in range(3):  # the same observation: checked once, counted each tick
        assert c.tick(0.01 * (k + 1))[1] is Mode.RUN
    assert c.out_of_range == 3
    c.offer_policy(_msg(2, high=[0.5, 0.5, 0.5, 0.5, 6.3]), 0.0)  # same obs, wider range
    c.tick(0.05)
    assert c.out_of_range == 3
    c.obs.update_pose((0.6, 0.3, 0.0), quaternion_from_yaw(0.5), 0.06)  # a new obs: past it
    c.tick(0.07)
    assert c.out_of_range == 4 and c.outside_training(c.last_obs) == ('block_x',)


def test_clamp_and_fault_match_clip_and_isfinite():
    c = _controller()
    for generation, bias in enumerate([(5.0, -5.0), (0.1, 0.5), (-0.0, 0.512)], 1):
        c.offer_policy(_msg(generation, bias), 0.0)
        command, mode = c.tick(0.01)
        expected = np.clip(np.asarray(bias, np.float32).astype(np.float64), 0.0, 0.512)
        assert mode is Mode.RUN and command.dtype == np.float64
        np.testing.assert_array_equal(command, expected)
    # inf weights are refused at the swap: a fault comes from overflow in the forward pass
    weights = np.zeros(num_params(LAYERS), np.float32)
    weights[:5 * 16] = 3e38  # layer 1 overflows to inf for a positive input
    weights[5 * 16 + 16:5 * 16 + 16 + 32] = 1.0
    msg = fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=weights,
                          activation='relu', task='classic', generation=10, generator_id='g')
    c.offer_policy(msg, 0.0)
    command, mode = c.tick(0.02)
    assert mode is Mode.FAULT and c.faults == 1
    np.testing.assert_allclose(command, [0.1, 0.2], rtol=1e-6)  # held where the joints are
