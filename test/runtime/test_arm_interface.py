# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A Cartesian arm (MT10's spec) on the numpy runtime: points in, velocity commands out.

Also the once-per-episode schedule of a model trained on whole demonstrations.
"""

import numpy as np
import pytest

from lwd_ros.contract import CommandSpec
from lwd_ros.envs.mt10.spec import MT10
from lwd_ros.msg import PolicyWeights
from lwd_ros.runtime.controller import ControllerConfig, Mode, PolicyController
from lwd_ros.runtime.mlp import num_params
from lwd_ros.runtime.policy_msg import fill_policy_msg
from lwd_ros.runtime.schedule import RegenerationSchedule

LAYERS = (10, 8, 4)
Q = (0.0, 0.0, 0.0, 1.0)


def _policy(bias, generation=1):
    w = np.zeros(num_params(LAYERS), np.float32)
    w[-4:] = bias
    return fill_policy_msg(PolicyWeights(), layer_sizes=LAYERS, weights=w, activation='relu',
                           task='reach-v3', generation=generation, generator_id='g',
                           obs_names=MT10.obs_names, action_names=MT10.action_names)


def _feed(c, now):
    c.obs.update_pose((0.1, 0.6, 0.2), Q, now, 'ee_pose')
    c.obs.update_joints(['right_j0', 'gripper'], [0.3, 0.9], now, 'joint_states')
    c.obs.update_pose((0.0, 0.7, 0.02), Q, now, 'mt10/object_pose')
    c.obs.update_pose((0.1, 0.8, 0.1), Q, now, 'mt10/goal')


def test_points_fill_the_observation_in_spec_order():
    c = PolicyController(ControllerConfig(robot='mt10'))
    _feed(c, 0.0)
    np.testing.assert_allclose(c.obs.observation(),
                               [0.1, 0.6, 0.2, 0.9, 0.0, 0.7, 0.02, 0.1, 0.8, 0.1], rtol=1e-6)
    assert not c.obs.update_pose((np.nan, 0.0, 0.0), Q, 0.0, 'mt10/goal')


def test_velocity_interface_runs_without_joint_feedback_and_holds_at_zero():
    c = PolicyController(ControllerConfig(robot='mt10', obs_timeout=0.1))
    _feed(c, 0.0)
    assert c.tick(0.01) == (None, Mode.NO_POLICY)
    c.offer_policy(_policy([0.5, -2.0, 0.1, 1.0]), 0.01)
    cmd, mode = c.tick(0.02)
    assert mode is Mode.RUN
    np.testing.assert_allclose(cmd, [0.5, -1.0, 0.1, 1.0], rtol=1e-6)  # clamped to [-1, 1]
    cmd, mode = c.tick(0.5)  # every input silent: stop the arm, do not go quiet
    assert mode is Mode.STALE
    np.testing.assert_array_equal(cmd, np.zeros(4))


def test_policy_for_another_robot_is_refused_by_name():
    from lwd_ros.runtime.policy_msg import InvalidPolicy

    c = PolicyController(ControllerConfig(robot='mt10'))
    msg = _policy([0, 0, 0, 0])
    msg.action_names = ['gantry_x', 'gantry_y', 'ee_dz', 'gripper_effort']
    with pytest.raises(InvalidPolicy, match='commands'):
        c.offer_policy(msg, 0.0)


def test_twist_command_spec_needs_a_scale_and_a_gripper_topic():
    with pytest.raises(ValueError, match='twist'):
        CommandSpec('servo', 'geometry_msgs/msg/TwistStamped', 'velocity',
                    ('x', 'y', 'z', 'g'), (-1,) * 4, (1,) * 4, ('1',) * 4, twist_scale=0.8)
    with pytest.raises(ValueError, match='not one of'):
        CommandSpec('c', 'std_msgs/msg/String', 'position', ('x',), (0,), (1,), ('m',))


def test_horizon_zero_generates_only_on_request():
    s = RegenerationSchedule(0)
    assert s.due
    s.generated()
    for _ in range(1000):
        s.step()
    assert not s.due  # one policy per episode
    s.request()  # a new episode or a task switch
    assert s.due
    with pytest.raises(ValueError):
        RegenerationSchedule(-1)


def test_shipped_models_deploy_at_their_trained_horizons(tmp_path):
    # PushT's regenerates every 8 steps, MT10's records 0 (whole demonstrations): one policy
    # per episode. A checkpoint from before the horizon was recorded deploys at 8.
    import json
    import shutil

    from conftest import REPO

    from lwd_ros.runtime.loader import load_generator

    assert load_generator(REPO / 'models' / 'pusht').default_horizon == 8
    assert load_generator(REPO / 'models' / 'mt10').default_horizon == 0
    old = shutil.copytree(REPO / 'models' / 'mt10', tmp_path / 'old')
    meta = json.loads((old / 'meta.json').read_text())
    del meta['horizon']
    (old / 'meta.json').write_text(json.dumps(meta))
    assert load_generator(old).default_horizon == 8
