# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MT10: the env behind the spec, its scripted experts, collection and the bridge's runner."""

import json
import warnings

import numpy as np
import pytest

from lwd_ros.envs import get_spec, make_env

pytest.importorskip('metaworld')

from lwd_ros.envs.mt10.env import RAW_INDEX, MT10Env  # noqa: E402
from lwd_ros.envs.mt10.expert import run_episode  # noqa: E402
from lwd_ros.envs.mt10.spec import MT10, SPEC, TASKS  # noqa: E402
from lwd_ros.envs.runner import SimBridgeConfig, SimRunner  # noqa: E402


@pytest.fixture(scope='module')
def env():
    e = MT10Env()
    yield e
    e.close()


def test_spec_is_registered_and_matches_the_env(env):
    assert get_spec('mt10') is SPEC and get_spec('lwd_ros/MT10-v0') is SPEC
    assert MT10 is SPEC.contract
    obs, info = env.reset(seed=3, options={'task': 'push-v3'})
    assert obs.shape == (len(MT10.obs_names),) == env.observation_space.shape
    assert env.action_space.shape == (MT10.act_dim,)
    # the spec's entries are the 39-D vector's hand, gripper, object and goal
    np.testing.assert_array_equal(obs, info['raw_obs'][RAW_INDEX])
    assert MT10.obs_names[:4] == ('hand_x', 'hand_y', 'hand_z', 'gripper_opening')
    assert np.any(info['raw_obs'][36:] != 0), 'the goal must be observable'


def test_same_seed_same_scene_and_seeds_differ(env):
    a, _ = env.reset(seed=11, options={'task': 'pick-place-v3'})
    b, _ = env.reset(seed=11, options={'task': 'pick-place-v3'})
    c, _ = env.reset(seed=12, options={'task': 'pick-place-v3'})
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[4:], c[4:])  # object/goal positions come from the seed


def test_unknown_task_is_refused_with_the_valid_ones(env):
    with pytest.raises(ValueError, match='valid tasks'):
        env.reset(seed=0, options={'task': 'fly-v3'})


@pytest.mark.parametrize('task', ['reach-v3', 'drawer-open-v3', 'window-close-v3'])
def test_expert_solves_and_episode_stops_at_success(env, task):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        episode, stats = run_episode(env, task, seed=5)
    assert episode.success and stats['success']
    assert episode.actions.shape == (stats['steps'], 4) and stats['steps'] < 200
    assert np.abs(episode.actions).max() <= 1.0


def test_make_env_builds_it_through_gymnasium():
    e = make_env('mt10')
    obs, _ = e.reset(seed=0, options={'task': 'reach-v3'})
    _, _, _, _, info = e.step(np.zeros(4, np.float32))
    assert obs.shape == (10,) and info['task'] == 'reach-v3'
    e.close()


def test_collect_writes_a_labelled_dataset(tmp_path):
    from lwd_ros.cli import main
    from lwd_ros.data.minari_io import load_episodes, read_metadata

    out, summary = tmp_path / 'mt10', tmp_path / 'summary.json'
    rc = main(['collect', '--robot', 'mt10', '--out', str(out), '--episodes', '4',
               '--tasks', 'reach-v3,drawer-close-v3', '--seed', '7', '--json', str(summary),
               '--no-progress'])
    assert rc == 0
    episodes = load_episodes(out)
    assert [e.task for e in episodes] == ['reach-v3', 'drawer-close-v3'] * 2
    assert [e.seed for e in episodes] == [7, 8, 9, 10] and all(e.success for e in episodes)
    meta = read_metadata(out)['lwd_ros']
    assert meta['env'] == 'mt10' and set(TASKS) <= set(meta['task_names'])
    report = json.loads(summary.read_text())
    assert report['per_task']['reach-v3']['expert_success_rate'] == 1.0


def _runner(**cfg):  # the shared bridge's runner: MT10 brings no bridge code
    return SimRunner(SimBridgeConfig(**cfg), MT10, make_env('mt10'))


def test_runner_takes_twist_and_gripper_parts_and_refuses_nan():
    runner = _runner(task='reach-v3', seed=2)
    runner.reset()
    assert runner.waiting
    assert runner.command(slice(0, 3), [2.0, 0.0, -0.5]) is None
    assert runner.command(slice(3, 4), [1.0]) is None
    np.testing.assert_array_equal(runner.action, [1.0, 0.0, -0.5, 1.0])  # clipped to [-1, 1]
    assert 'non-finite' in runner.command(slice(0, 3), [np.nan, 0.0, 0.0])
    assert 'values for joints' in runner.command(slice(0, 3), [0.0])
    hand = runner.blocks()[0].copy()  # the contract's first block: ee_pose
    runner.step()
    assert runner.blocks()[0][0] > hand[0]  # +x command moved the hand along +x
    assert runner.blocks()[1].shape == (1,)  # the gripper opening, alone on joint_states


def test_runner_task_switch_starts_that_tasks_scene():
    runner = _runner(task='reach-v3', seed=20)
    first = runner.reset()
    switched = runner.set_task('drawer-open-v3')
    assert (first.episode, first.seed) == (1, 20)
    assert (switched.episode, switched.seed, switched.task) == (2, 21, 'drawer-open-v3')
    assert runner.env.unwrapped.task == 'drawer-open-v3' and switched.step == 0


def test_runner_stops_the_arm_when_commands_go_stale():
    runner = _runner(task='reach-v3', seed=2, command_timeout=0.05)
    runner.reset()
    runner.command(slice(0, 4), [1.0, 0.0, 0.0, 0.0])
    for _ in range(6):  # 75 ms of sim time: past the timeout
        runner.step()
    assert runner.stale
    for _ in range(10):  # the hand trails its mocap target by a few steps
        runner.step()
    before = runner.blocks()[0].copy()
    for _ in range(5):
        runner.step()
    assert abs(runner.blocks()[0][0] - before[0]) < 2e-3
