# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Controller logic without ROS: swap, reject, clamp, hold, and no torch on the path."""

import math
import subprocess
import sys

import numpy as np
import pytest

from lwd_ros.runtime.controller import ControllerConfig, Mode, PolicyController
from lwd_ros.runtime.observation import quaternion_from_yaw, yaw_from_quaternion
from lwd_ros.runtime.rate_monitor import RateMonitor
from lwd_ros.msg import PolicyWeights
from lwd_ros.runtime.mlp import num_params
from lwd_ros.runtime.policy_msg import InvalidPolicy, fill_policy_msg

LAYERS = (5, 16, 2)


def _msg(generation, weights=None, gen_id='g1', bias=(0.3, 0.2)):
    if weights is None:
        weights = np.zeros(num_params(LAYERS), np.float32)
        weights[-2:] = bias  # zero weights: the output is the last bias, a constant target
    return fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=weights,
                           activation='relu', task='classic', generation=generation,
                           generator_id=gen_id)


def _fed_controller(now=0.0, yaw=0.5):
    c = PolicyController(ControllerConfig(obs_timeout=0.1))
    c.obs.update_joints(['gantry_y', 'gantry_x'], [0.2, 0.1], now)
    c.obs.update_pose(0.25, 0.3, quaternion_from_yaw(yaw), now)
    return c


def test_observation_orders_joints_by_config_and_wraps_yaw():
    c = _fed_controller(yaw=-0.5)
    np.testing.assert_allclose(c.obs.observation(), [0.1, 0.2, 0.25, 0.3, 2 * math.pi - 0.5],
                               rtol=1e-6)
    assert yaw_from_quaternion(*quaternion_from_yaw(1.2)) == pytest.approx(1.2)


def test_silent_until_first_policy_then_runs_it():
    c = _fed_controller()
    cmd, mode = c.tick(0.01)
    assert mode is Mode.NO_POLICY and cmd is None  # the position controller keeps its target
    c.offer_policy(_msg(1), 0.01)
    cmd, mode = c.tick(0.02)
    assert mode is Mode.RUN
    np.testing.assert_allclose(cmd, [0.3, 0.2], rtol=1e-6)


def test_invalid_policy_keeps_last_good_one():
    c = _fed_controller()
    c.offer_policy(_msg(1), 0.0)
    bad = _msg(2)
    bad.weights[0] = float('nan')
    with pytest.raises(InvalidPolicy, match='NaN'):
        c.offer_policy(bad, 0.0)
    with pytest.raises(InvalidPolicy, match='not newer'):
        c.offer_policy(_msg(1, bias=(0.4, 0.4)), 0.0)
    assert c.rejected == 2 and c.active.generation == 1
    np.testing.assert_allclose(c.tick(0.01)[0], [0.3, 0.2], rtol=1e-6)
    c.offer_policy(_msg(1, gen_id='restarted', bias=(0.4, 0.1)), 0.0)  # a new generator
    np.testing.assert_allclose(c.tick(0.01)[0], [0.4, 0.1], rtol=1e-6)


def test_commands_are_clamped_to_limits():
    c = _fed_controller()
    c.offer_policy(_msg(1, bias=(5.0, -5.0)), 0.0)
    np.testing.assert_allclose(c.tick(0.01)[0], [0.512, 0.0])


def test_stale_pose_holds_position_and_stale_joints_go_silent():
    c = _fed_controller(now=0.0)
    c.offer_policy(_msg(1), 0.0)
    c.obs.update_joints(['gantry_x', 'gantry_y'], [0.15, 0.25], 0.5)
    cmd, mode = c.tick(0.55)  # pose is 0.55 s old, joints fresh
    assert mode is Mode.STALE
    np.testing.assert_allclose(cmd, [0.15, 0.25])
    cmd, mode = c.tick(2.0)
    assert mode is Mode.STALE and cmd is None


def test_no_observation_publishes_nothing():
    c = PolicyController(ControllerConfig())
    assert c.tick(0.0) == (None, Mode.NO_OBSERVATION)


def test_rate_monitor_reports_rate_and_missed_ticks():
    m = RateMonitor(0.001, window=100)
    times = np.arange(200) * 0.001
    times[150:] += 0.003  # one late tick = three missed periods
    for t in times:
        m.tick(t)
    s = m.stats()
    assert s['missed'] == 3 and s['rate_hz'] == pytest.approx(99 / 0.102, rel=1e-3)


def test_controller_path_never_imports_torch():
    code = ('import sys, lwd_ros.nodes.lwd_controller, lwd_ros.runtime.controller;'
            'bad = [m for m in ("torch", "mujoco", "diffusers") if m in sys.modules];'
            'assert not bad, bad')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_config_validation():
    with pytest.raises(ValueError, match='action_low'):
        ControllerConfig(action_low=(0.0,))
    with pytest.raises(ValueError, match="obs_timeout"):
        ControllerConfig(obs_timeout=0.0)
