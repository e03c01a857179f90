# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Controller logic without ROS: swap, reject, clamp, hold, and no torch on the path."""

import math

import numpy as np
import pytest

from lwd_ros.msg import PolicyWeights
from lwd_ros.observations.pose2d import quaternion_from_yaw, yaw_from_quaternion
from lwd_ros.runtime.controller import ControllerConfig, Mode, PolicyController
from lwd_ros.runtime.mlp import num_params
from lwd_ros.runtime.policy_msg import InvalidPolicy, fill_policy_msg
from lwd_ros.runtime.rate_monitor import RateMonitor

LAYERS = (5, 16, 2)


def _msg(generation, weights=None, gen_id='g1', bias=(0.3, 0.2)):
    if weights is None:
        weights = np.zeros(num_params(LAYERS), np.float32)
        weights[-2:] = bias  # zero weights: the output is the last bias, a constant target
    return fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=weights,
                           activation='relu', task='classic', generation=generation,
                           generator_id=gen_id)


def _fed_controller(now=0.0, yaw=0.5):
    c = PolicyController(ControllerConfig(robot='pusht', obs_timeout=0.1))
    c.obs.update_joints(['gantry_y', 'gantry_x'], [0.2, 0.1], now)
    c.obs.update_pose((0.25, 0.3, 0.0), quaternion_from_yaw(yaw), now)
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
    c = PolicyController(ControllerConfig(robot='pusht'))
    assert c.tick(0.0) == (None, Mode.NO_OBSERVATION)


def test_rate_monitor_reports_rate_and_missed_ticks():
    m = RateMonitor(0.001, window=100)
    times = np.arange(200) * 0.001
    times[150:] += 0.003  # one late tick = three missed periods
    for t in times:
        m.tick(t)
    s = m.stats()
    assert s['missed'] == 3 and s['rate_hz'] == pytest.approx(99 / 0.102, rel=1e-3)


def test_config_validation():
    with pytest.raises(ValueError, match='action_low'):
        ControllerConfig(robot='pusht', action_low=(0.0,))
    with pytest.raises(ValueError, match="obs_timeout"):
        ControllerConfig(robot='pusht', obs_timeout=0.0)


def _named(generation, obs_names, action_names, **kw):
    msg = _msg(generation, **kw)
    msg.obs_names, msg.action_names = list(obs_names), list(action_names)
    return msg


def test_policy_for_another_robot_is_refused_naming_the_mismatch():
    c = _fed_controller()
    obs = ['agent_x', 'agent_y', 'block_x', 'block_y', 'block_angle']
    with pytest.raises(InvalidPolicy, match=r"reads \['joint_7'\]"):
        c.offer_policy(_named(1, [*obs[:4], 'joint_7'], ['gantry_x', 'gantry_y']), 0.0)
    with pytest.raises(InvalidPolicy, match=r"commands \['gantry_y', 'gantry_x'\]"):
        c.offer_policy(_named(2, obs, ['gantry_y', 'gantry_x']), 0.0)
    c.offer_policy(_named(3, obs, ['gantry_x', 'gantry_y']), 0.0)
    assert c.rejected == 2 and c.active.generation == 3


@pytest.mark.parametrize('bad', [float('nan'), float('inf')])
def test_non_finite_inputs_are_dropped_and_lead_to_a_hold(bad):
    c = _fed_controller(now=0.0)
    c.offer_policy(_msg(1), 0.0)
    assert not c.obs.update_joints(['gantry_x', 'gantry_y'], [bad, 0.2], 0.05)
    assert not c.obs.update_pose((bad, 0.3, 0.0), quaternion_from_yaw(0.1), 0.05)
    assert not c.obs.update_pose((0.2, 0.3, 0.0), (0.0, 0.0, 0.0, 0.0), 0.05)  # not a rotation
    np.testing.assert_allclose(c.obs.observation()[:2], [0.1, 0.2])  # last good values kept
    c.obs.update_joints(['gantry_x', 'gantry_y'], [0.1, 0.2], 0.15)
    cmd, mode = c.tick(0.15)  # the pose stopped refreshing: hold, as for a silent sensor
    assert mode is Mode.STALE and np.isfinite(cmd).all()


def test_non_finite_policy_output_holds_and_is_counted():
    c = _fed_controller()
    weights = np.full(num_params(LAYERS), 3e38, np.float32)  # finite weights, overflowing output
    c.offer_policy(_msg(1, weights=weights), 0.0)
    cmd, mode = c.tick(0.01)
    assert mode is Mode.FAULT and c.faults == 1
    np.testing.assert_allclose(cmd, [0.1, 0.2])  # where the joints are
    assert np.isfinite(cmd).all()


def test_policy_outliving_valid_for_steps_keeps_running_or_holds():
    for on_expired, mode in (('keep', Mode.EXPIRED), ('hold', Mode.STALE)):
        c = PolicyController(ControllerConfig(robot='pusht', obs_timeout=10.0,
                                              on_expired=on_expired))
        c.obs.update_joints(['gantry_x', 'gantry_y'], [0.1, 0.2], 0.0)
        c.obs.update_pose((0.25, 0.3, 0.0), quaternion_from_yaw(0.5), 0.0)
        msg = _msg(1)
        msg.valid_for_steps = 8  # 0.8 s at PushT's 10 Hz; expires after 3x that
        c.offer_policy(msg, 0.0)
        assert c.tick(2.3)[1] is Mode.RUN
        cmd, got = c.tick(2.5)
        assert got is mode
        np.testing.assert_allclose(cmd, [0.3, 0.2] if on_expired == 'keep' else [0.1, 0.2])


def test_limits_default_to_the_env_spec_and_can_be_narrowed():
    default = ControllerConfig(robot='pusht')
    assert default.low == (0.0, 0.0) and default.high == (0.512, 0.512)
    c = PolicyController(ControllerConfig(robot='pusht', action_low=(0.01, 0.01),
                                          action_high=(0.5, 0.5)))
    c.obs.update_joints(['gantry_x', 'gantry_y'], [0.1, 0.2], 0.0)
    c.obs.update_pose((0.25, 0.3, 0.0), quaternion_from_yaw(0.5), 0.0)
    c.offer_policy(_msg(1, bias=(5.0, -5.0)), 0.0)
    np.testing.assert_allclose(c.tick(0.01)[0], [0.5, 0.01])
    with pytest.raises(ValueError, match='unknown robot'):
        ControllerConfig(robot='nope')


def test_a_forged_generation_cannot_lock_out_the_generator():
    c = _fed_controller()
    c.offer_policy(_msg(5), 0.0)
    with pytest.raises(InvalidPolicy, match='jumps from 5 to 4294967295'):
        c.offer_policy(_msg(2**32 - 1, bias=(0.4, 0.4)), 0.0)
    c.offer_policy(_msg(6), 0.0)  # the real generator's next policy still gets through
    assert c.active.generation == 6


def test_policies_over_the_compute_budget_are_refused():
    c = _fed_controller()
    big = (5, 3000, 3000, 2)
    msg = fill_policy_msg(PolicyWeights(), layer_sizes=big, weights=np.zeros(num_params(big)),
                          activation='relu', task='classic', generation=1, generator_id='g')
    with pytest.raises(InvalidPolicy, match='over the budget'):
        c.offer_policy(msg, 0.0)
    slow = PolicyController(ControllerConfig(robot='pusht', control_rate=1e6, forward_budget=0.01))
    with pytest.raises(InvalidPolicy, match='forward takes'):
        slow.offer_policy(_msg(1), 0.0)  # 10 ns at 1 MHz: no MLP is that fast
    assert c.rejected == 1 and slow.rejected == 1


def test_inputs_outside_the_training_range_are_counted_and_named():
    c = _fed_controller()  # agent (0.1, 0.2), block (0.25, 0.3, yaw 0.5)
    msg = _msg(1)
    fill_policy_msg(msg, layer_sizes=LAYERS, weights=np.frombuffer(msg.weights, np.float32),
                    activation='relu', task='classic', generation=1, generator_id='g1',
                    obs_low=[0.0, 0.0, 0.2, 0.2, 0.0], obs_high=[0.5, 0.5, 0.4, 0.4, 6.28])
    c.offer_policy(msg, 0.0)
    assert c.tick(0.01)[1] is Mode.RUN and c.out_of_range == 0
    # 0.45 is past 0.4 + 10 % of the 0.2 range + 1 mm: reported, and the policy still runs
    c.obs.update_pose((0.45, 0.3, 0.0), quaternion_from_yaw(0.5), 0.02)
    command, mode = c.tick(0.03)
    assert mode is Mode.RUN and command is not None and c.out_of_range == 1
    assert c.outside_training(c.last_obs) == ('block_x',)
    c.obs.update_pose((0.42, 0.3, 0.0), quaternion_from_yaw(0.5), 0.04)  # inside the margin
    c.tick(0.05)
    assert c.out_of_range == 1


def test_hold_is_zero_for_velocity_and_effort_interfaces(tmp_path):
    import yaml

    from lwd_ros.contract import get_contract
    data = get_contract('pusht').to_dict()
    for interface, unit in (('velocity', 'm/s'), ('effort', 'N')):
        data['command'] = dict(data['command'], interface=interface, units=[unit, unit],
                               low=[-1.0, -1.0], high=[1.0, 1.0])
        path = tmp_path / f'{interface}.yaml'
        path.write_text(yaml.safe_dump(data))
        c = PolicyController(ControllerConfig(robot=str(path), obs_timeout=0.1))
        c.obs.update_joints(['gantry_x', 'gantry_y'], [0.1, 0.2], 0.0)
        c.obs.update_pose((0.25, 0.3, 0.0), quaternion_from_yaw(0.5), 0.0)
        c.offer_policy(_msg(1, bias=(0.7, -0.7)), 0.0)
        np.testing.assert_allclose(c.tick(0.01)[0], [0.7, -0.7], rtol=1e-6)
        command, mode = c.tick(0.5)  # inputs silent: stop, do not hold a position
        assert mode is Mode.STALE
        np.testing.assert_array_equal(command, [0.0, 0.0])


def test_a_refused_joint_state_names_the_bad_entry():
    # arm7 reads positions and velocities of the same joints from one topic: the warning
    # names the bad entry, not each joint once per block.
    c = PolicyController(ControllerConfig(robot='arm7'))
    names = list(c.contract.action_names)
    pos, vel = [0.1] * len(names), [0.0] * len(names)
    assert c.obs.joints_on('joint_states') == tuple(names)
    pos[1] = math.nan
    assert not c.obs.update_joints(names, pos, 0.0, 'joint_states', vel)
    assert c.obs.bad_joints(names, pos, 'joint_states', vel) == f'{names[1]} position nan'
    assert c.obs.bad_joints(names[1:], [0.1] * (len(names) - 1), 'joint_states',
                            [0.0] * (len(names) - 1)) == f'{names[0]} missing'
    assert 'velocity has 0 entries' in c.obs.bad_joints(names, [0.1] * len(names),
                                                        'joint_states')
