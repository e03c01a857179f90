# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""planar2: the env, its IK expert, teleop, pushes and collection.

The env keeps its contract, its velocity servos track and stop, the seed draws the start, the
task picks the elbow, the expert solves both tasks from the observation alone, and an operator
between them records what it executed.
"""

import mujoco
import numpy as np
import pytest

from lwd_ros.contract import get_contract
from lwd_ros.envs import get_spec, make_env
from lwd_ros.envs.planar2.env import Planar2ReachEnv, fingertip
from lwd_ros.envs.planar2.expert import act, run_episode, solve
from lwd_ros.envs.planar2.spec import (
    ELBOW,
    MAX_EPISODE_STEPS,
    PLANAR2,
    SPEC,
    SUCCESS_RADIUS,
    TASKS,
)


@pytest.fixture(scope='module')
def env():
    e = Planar2ReachEnv()
    yield e
    e.close()


def test_spaces_follow_the_contract(env):
    contract = get_contract('planar2')
    assert get_spec('planar2') is SPEC and get_spec(SPEC.gym_id) is SPEC
    assert PLANAR2 is SPEC.contract is contract and env.tasks == contract.tasks == TASKS
    assert contract.command.interface == 'velocity' and contract.position_feedback() == {}
    obs, info = env.reset(seed=0)
    assert obs.shape == env.observation_space.shape == (len(contract.obs_names),) == (7,)
    assert obs.dtype == np.float64 and not info['success']
    assert env.action_space.shape == (contract.act_dim,) == (2,)
    np.testing.assert_allclose(env.action_space.low, contract.command.low)
    np.testing.assert_allclose(env.action_space.high, contract.command.high)
    m = env.model
    for i, joint in enumerate(contract.command.joints):
        jnt = m.joint(joint)
        assert obs[i] == env.data.qpos[jnt.qposadr[0]] and obs[2 + i] == 0.0  # at rest
        assert m.actuator_biasprm[m.actuator(f'{joint}_velocity').id][2] < 0  # a velocity servo
    np.testing.assert_allclose(obs[4:], env.data.xpos[m.body('target').id])
    assert contract.obs_names[4:] == ('target_x', 'target_y', 'target_z')
    assert env.frame_skip * m.opt.timestep == pytest.approx(1 / contract.policy_rate)
    np.testing.assert_allclose(fingertip(obs[:2]), env.data.site_xpos[m.site('fingertip').id][:2])


def test_velocity_servos_track_and_stop(env):
    obs, _ = env.reset(seed=1)
    start = obs[:2].copy()
    for _ in range(10):  # 1 s at (0.4, -0.3) rad/s
        obs, *_ = env.step([0.4, -0.3])
    np.testing.assert_allclose(obs[2:4], [0.4, -0.3], atol=0.02)
    np.testing.assert_allclose(obs[:2] - start, [0.4, -0.3], atol=0.03)
    for _ in range(2):
        obs, *_ = env.step([0.0, 0.0])
    held = obs[:2].copy()
    obs, *_ = env.step([0.0, 0.0])
    assert np.abs(obs[2:4]).max() < 0.01 and np.abs(obs[:2] - held).max() < 1e-3
    obs, *_ = env.step([5.0, -5.0])  # clipped to the contract's 1 rad/s
    assert np.abs(obs[2:4]).max() < 1.02


def test_reset_seed_draws_the_start_and_the_task_is_kept(env):
    a, _ = env.reset(seed=5, options={'task': 'elbow_right'})
    b, _ = env.reset(seed=5)
    c, _ = env.reset(seed=6)
    np.testing.assert_array_equal(a, b)
    assert env.task == 'elbow_right'  # kept
    assert not np.allclose(a[:2], c[:2]) and not np.allclose(a[4:6], c[4:6])
    with pytest.raises(ValueError, match='valid tasks'):
        env.reset(seed=0, options={'task': 'elbow_up'})


def test_the_two_tasks_are_two_ik_solutions():
    target = np.array([0.2, 0.15])
    left, right = solve(target, ELBOW['elbow_left']), solve(target, ELBOW['elbow_right'])
    np.testing.assert_allclose(fingertip(left), target, atol=1e-9)
    np.testing.assert_allclose(fingertip(right), target, atol=1e-9)
    assert left[1] > 0.2 and right[1] < -0.2
    obs = np.r_[right, 0.0, 0.0, target, 0.0]  # on the target with the other elbow: move
    assert np.abs(act(obs, 'elbow_left')).max() > 0.3
    np.testing.assert_allclose(act(obs, 'elbow_right'), 0.0, atol=1e-9)


@pytest.mark.parametrize('task', TASKS)
def test_expert_reaches_with_each_elbow(env, task):
    for seed in range(100000, 100020):
        episode, stats = run_episode(env, task, seed)
        assert stats['success'] and episode.success, (task, seed)
        assert env.distance() < SUCCESS_RADIUS and ELBOW[task] * episode.observations[-1][1] > 0
        assert stats['steps'] < MAX_EPISODE_STEPS
        assert episode.observations.shape == (stats['steps'] + 1, 7)
        assert np.all(np.abs(episode.actions) <= 1.0)


def test_a_wrong_elbow_on_the_target_is_no_success(env):
    env.reset(seed=2, options={'task': 'elbow_left'})
    target = env.data.xpos[env.model.body('target').id][:2]
    q = env.data.qpos
    q[:2] = solve(target, ELBOW['elbow_right'])
    mujoco.mj_forward(env.model, env.data)
    assert env.distance() < 1e-6 and not env.succeeded()
    env.reset(seed=2, options={'task': 'elbow_right'})
    q[:2] = solve(target, ELBOW['elbow_right'])
    mujoco.mj_forward(env.model, env.data)
    assert env.succeeded()


def test_teleop_expert_acts_as_the_expert_on_the_bridges_task():
    from lwd_ros.envs import env_hook
    from lwd_ros.envs.teleop import TeleopConfig

    teleop = env_hook(SPEC, 'teleop')(TeleopConfig(robot='planar2'))
    e = Planar2ReachEnv()
    obs, _ = e.reset(seed=3)
    np.testing.assert_array_equal(teleop.act(obs, obs[2:4]), act(obs, TASKS[0]))
    teleop.reset('elbow_right', 3)
    np.testing.assert_array_equal(teleop.act(obs, obs[2:4]), act(obs, 'elbow_right'))
    assert not np.allclose(act(obs, 'elbow_left'), act(obs, 'elbow_right'))
    assert teleop.max_steps == MAX_EPISODE_STEPS and teleop.rate == PLANAR2.policy_rate


def test_an_operator_records_what_it_executed(env):
    from lwd_ros.data.operator import Operator

    clean, _ = run_episode(env, 'elbow_left', 100000)
    op = Operator(drift=0.2, hesitation=0.1)
    a, stats = run_episode(env, 'elbow_left', 100000, operator=op)
    b, _ = run_episode(env, 'elbow_left', 100000, operator=op)
    np.testing.assert_array_equal(a.actions, b.actions)  # a pure function of the seed
    assert stats['pauses'] > 0 and (np.diff(a.actions, axis=0) == 0).all(1).sum() >= 3
    n = min(len(a), len(clean))
    assert not np.allclose(a.actions[:n], clean.actions[:n])


def test_pushes_move_the_target_and_the_joints():
    from lwd_ros.envs.pushes import PushConfig, Pushes

    e = Pushes(make_env('planar2'), PushConfig(steps=(3,), object=0.05, robot=0.2))
    obs, _ = e.reset(seed=7, options={'task': 'elbow_left'})
    before = obs.copy()
    for _ in range(3):
        obs, _, _, _, info = e.step(np.zeros(2))
    assert info['pushed']
    assert np.linalg.norm(obs[4:6] - before[4:6]) == pytest.approx(0.05, abs=1e-6)
    assert 0 < np.abs(obs[:2] - before[:2]).max() <= 0.2 + 1e-9 and not obs[2:4].any()
    e.close()


def test_make_env_and_render():
    e = make_env('planar2', render_mode='rgb_array')
    e.reset(seed=0, options={'task': 'elbow_right'})
    _, _, terminated, truncated, info = e.step(np.zeros(2))
    assert info['task'] == 'elbow_right' and not terminated and not truncated
    frame = e.render()
    assert frame.shape == (240, 240, 3) and frame.std() > 0
    e.close()
