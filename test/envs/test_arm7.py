# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""arm7: the env, its IK expert, collection and the shipped model.

The env keeps its contract, its servos track, tasks move the goal, the expert solves each
task, collection writes the contract's width, and the shipped model runs.
"""

from conftest import REPO
import mujoco
import numpy as np
import pytest

from lwd_ros.contract import get_contract
from lwd_ros.envs import get_spec, make_env
from lwd_ros.envs.arm7.env import Arm7PushEnv
from lwd_ros.envs.arm7.expert import run_episode
from lwd_ros.envs.arm7.spec import ARM7, GOALS, MAX_EPISODE_STEPS, SPEC, SUCCESS_RADIUS, TASKS


@pytest.fixture(scope='module')
def env():
    e = Arm7PushEnv()
    yield e
    e.close()


def test_spaces_follow_the_contract(env):
    contract = get_contract('arm7')
    assert get_spec('arm7') is SPEC and get_spec(SPEC.gym_id) is SPEC
    assert ARM7 is SPEC.contract is contract and env.tasks == contract.tasks == TASKS
    obs, info = env.reset(seed=0)
    assert obs.shape == env.observation_space.shape == (len(contract.obs_names),) == (17,)
    assert obs.dtype == np.float64 and not info['success']
    assert env.action_space.shape == (contract.act_dim,) == (7,)
    np.testing.assert_allclose(env.action_space.low, contract.command.low, atol=1e-6)
    np.testing.assert_allclose(env.action_space.high, contract.command.high, atol=1e-6)
    m = env.model
    for i, joint in enumerate(contract.command.joints):  # the commanded joints, in order
        jnt = m.joint(joint)
        assert m.jnt_type[jnt.id] == mujoco.mjtJoint.mjJNT_HINGE
        lo, hi = m.jnt_range[jnt.id]
        assert lo <= contract.command.low[i] < contract.command.high[i] <= hi
        act = m.actuator(f'{joint}_position')
        assert m.actuator_biastype[act.id] == mujoco.mjtBias.mjBIAS_AFFINE  # a position servo
        np.testing.assert_allclose(m.actuator_ctrlrange[act.id],
                                   [contract.command.low[i], contract.command.high[i]])
        assert obs[i] == env.data.qpos[jnt.qposadr[0]]
        assert obs[7 + i] == env.data.qvel[jnt.dofadr[0]]
    np.testing.assert_allclose(obs[14:], env.data.xpos[m.body('object').id])
    assert contract.obs_names[14:] == ('object_x', 'object_y', 'object_z')
    assert env.frame_skip * m.opt.timestep == pytest.approx(1 / contract.policy_rate)
    assert MAX_EPISODE_STEPS == contract.extra['max_episode_steps']


def test_position_servos_hold_a_target(env):
    obs, _ = env.reset(seed=1)
    target = obs[:7] + np.array([0.2, -0.15, 0.2, -0.2, 0.2, -0.2, 0.2])
    for _ in range(20):  # 1 s
        obs, *_ = env.step(target)
    np.testing.assert_allclose(obs[:7], target, atol=0.01)
    assert np.abs(obs[7:14]).max() < 0.05  # and settle there
    out_of_range = np.array(env.action_space.high) + 1.0
    for _ in range(20):
        obs, *_ = env.step(out_of_range)
    assert np.all(obs[:7] <= env.action_space.high + 0.02)  # clipped to the contract


def test_task_option_moves_the_goal_and_is_kept(env):
    goals = {}
    for task in TASKS:
        env.reset(seed=3, options={'task': task})
        assert env.task == task
        goals[task] = env.data.xpos[env.model.body('goal').id][:2].copy()
        np.testing.assert_allclose(goals[task], GOALS[task])
    assert len({tuple(np.round(g, 3)) for g in goals.values()}) == len(TASKS)
    env.reset(seed=4)
    assert env.task == TASKS[-1]  # kept
    a, _ = env.reset(seed=5)
    b, _ = env.reset(seed=5)
    c, _ = env.reset(seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[14:16], c[14:16])  # the puck's start comes from the seed
    with pytest.raises(ValueError, match='valid tasks'):
        env.reset(seed=0, options={'task': 'goal_up'})


@pytest.mark.parametrize('task', TASKS)
def test_expert_pushes_the_puck_to_each_goal(env, task):
    for seed in (100000, 100001, 100002):
        episode, stats = run_episode(env, task, seed)
        assert stats['success'] and episode.success, (task, seed)
        assert env.distance() < SUCCESS_RADIUS
        assert episode.observations.shape == (stats['steps'] + 1, 17)
        assert np.all(episode.actions >= np.float32(env.action_space.low))
        assert np.all(episode.actions <= np.float32(env.action_space.high))


def test_make_env_and_render():
    e = make_env('arm7', render_mode='rgb_array')
    obs, _ = e.reset(seed=0, options={'task': 'goal_left'})
    _, _, terminated, truncated, info = e.step(obs[:7])
    assert info['task'] == 'goal_left' and not terminated and not truncated
    assert set(info) >= {'success', 'coverage'}
    frame = e.render()
    assert frame.shape == (240, 240, 3) and frame.std() > 0
    e.close()


@pytest.mark.skipif(not (REPO / SPEC.model / 'model.safetensors').is_file(),
                    reason='models/arm7 is not shipped')
def test_shipped_model_loads_and_runs():
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate

    source = load_source(REPO / SPEC.model)
    assert set(source.tasks) == set(TASKS)
    e = make_env('arm7')
    report = evaluate(e, source, episodes=3, seed=100000, max_steps=40)
    e.close()
    assert [r.task for r in report.episodes] == list(TASKS)
    assert all(r.steps <= 40 for r in report.episodes)
    assert report.source['policy_layer_sizes'][0] == 17
    assert report.source['policy_layer_sizes'][-1] == 7


def test_an_operator_records_what_it_executed(env):
    # A teleoperated bag holds the commands the arm got: the drifted, paused ones.
    from lwd_ros.data.operator import Operator

    clean, _ = run_episode(env, 'goal_center', 100000)
    op = Operator(drift=0.01, hesitation=0.05)
    a, stats = run_episode(env, 'goal_center', 100000, operator=op)
    b, _ = run_episode(env, 'goal_center', 100000, operator=op)
    np.testing.assert_array_equal(a.actions, b.actions)  # a pure function of the seed
    assert stats['pauses'] > 0 and (np.diff(a.actions, axis=0) == 0).all(1).sum() >= 3
    n = min(len(a), len(clean))
    assert not np.allclose(a.actions[:n], clean.actions[:n])
