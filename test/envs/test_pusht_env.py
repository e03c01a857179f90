# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT: geometry, the simulator's conventions, and the gymnasium env contract."""

import gymnasium as gym
from gymnasium.utils.env_checker import check_env
import numpy as np
import pytest

from lwd_ros.config import load_config
from lwd_ros.envs.pusht import config as pusht_config
from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht import sim as pusht_sim
import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
from lwd_ros.envs.pusht.env import PushTEnv

CLASSIC = np.array(pusht_config.TASKS['classic'])


# --- geometry ---------------------------------------------------------------------------------

def test_t_area_matches_original():
    assert geom.t_polygon(CLASSIC).area == pytest.approx(geom.T_AREA)
    assert geom.T_AREA == pytest.approx(6300e-6)  # 120x30 + 30x90 px^2 at 1 mm / px


@pytest.mark.parametrize('task', sorted(pusht_config.TASKS))
def test_coverage_at_goal_is_one(task):
    goal = np.array(pusht_config.TASKS[task])
    assert geom.coverage(goal, goal) == pytest.approx(1.0)


def test_coverage_far_away_is_zero():
    assert geom.coverage(CLASSIC + [0.3, 0.0, 0.0], CLASSIC) == 0.0


@pytest.mark.parametrize('d', [0.002, 0.01, 0.03])
def test_coverage_of_a_sideways_shift_is_analytic(d):
    # Shifting along the crossbar by d keeps (120 - d) x 30 of the bar and (30 - d) x 90 of the
    # stem (in mm) overlapping.
    goal = np.array([0.2, 0.2, 0.0])
    expected = ((0.12 - d) * 0.03 + (0.03 - d) * 0.09) / geom.T_AREA
    assert geom.coverage(goal + [d, 0.0, 0.0], goal) == pytest.approx(expected)


def test_coverage_of_half_turn_about_the_origin():
    # Yaw by pi about the origin flips the T onto the other side of the bar edge: no overlap.
    assert geom.coverage(CLASSIC + [0, 0, np.pi], CLASSIC) == pytest.approx(0.0, abs=1e-12)
    assert geom.coverage(CLASSIC + [0, 0, 2 * np.pi], CLASSIC) == pytest.approx(1.0)


def test_keypoint_error_is_zero_only_at_goal():
    poses = np.array([CLASSIC, CLASSIC + [0.01, 0, 0], CLASSIC + [0, 0, 0.1]])
    err = geom.keypoint_error(poses, CLASSIC)
    assert err[0] == pytest.approx(0.0) and err[1] == pytest.approx(1e-4) and err[2] > 0


def test_first_contact_edge():
    pose = np.array([0.25, 0.25, 0.0])
    r = geom.AGENT_RADIUS
    far = [0.45, 0.45]
    # Approach the crossbar's outer edge (local y = 0) from below.
    obs = np.array([[*far, *pose], [0.25, 0.25 - r - 0.02, *pose], [0.25, 0.25 - r, *pose]])
    assert geom.first_contact_edge(obs) == 'bar_top'
    obs[2, :2] = [0.25, 0.25 + geom.STEM_END + r]
    assert geom.first_contact_edge(obs) == 'stem_end'
    assert geom.first_contact_edge(obs[:2]) is None


# --- simulator --------------------------------------------------------------------------------

def test_block_pose_qpos_round_trip():
    rng = np.random.default_rng(0)
    for _ in range(10):
        pose = np.r_[rng.uniform(0.1, 0.4, 2), rng.uniform(-np.pi, np.pi)]
        back = pusht_sim.block_pose_from_qpos(pusht_sim.qpos_from_block_pose(pose))
        np.testing.assert_allclose(back, pose)


def test_sim_matches_geometry_constants_and_names():
    sim = pusht_sim.PushTSim()
    m = sim.model
    assert [m.joint(n).name for n in pusht_sim.PushTSim.JOINT_NAMES] == ['gantry_x', 'gantry_y']
    np.testing.assert_allclose(m.geom('block_bar').size[:2], [geom.BAR_HALF_LENGTH,
                                                              geom.BAR_WIDTH / 2])
    np.testing.assert_allclose(m.geom('block_stem').size[:2],
                               [geom.STEM_HALF_WIDTH, (geom.STEM_END - geom.BAR_WIDTH) / 2])
    assert m.geom('pusher').size[0] == pytest.approx(geom.AGENT_RADIUS)
    # The MuJoCo body frame is the documented T frame.
    pose = np.array([0.3, 0.2, 1.0])
    sim.reset_state((0.05, 0.05), pose)
    np.testing.assert_allclose(sim.data.xpos[m.body('block').id][:2], pose[:2], atol=1e-12)
    np.testing.assert_allclose(sim.block_pose(), pose, atol=1e-12)


def test_centre_push_translates_and_block_stops():
    sim = pusht_sim.PushTSim()
    sim.reset_state((0.256, 0.2), (0.256, 0.3, 0.0))
    sim.set_target((0.256, 0.35))  # through the centre of gravity, on the crossbar's edge
    sim.step_physics(150)
    pose = sim.block_pose()
    assert pose[1] == pytest.approx(0.365, abs=2e-3)  # bar edge ends one radius ahead
    assert abs(pose[0] - 0.256) < 1e-6 and abs(pose[2]) < 1e-6
    sim.step_physics(50)
    np.testing.assert_allclose(sim.block_pose(), pose, atol=1e-4)  # quasi-static: it stays


def test_off_centre_push_turns_counter_clockwise():
    sim = pusht_sim.PushTSim()
    sim.reset_state((0.29, 0.2), (0.256, 0.3, 0.0))
    sim.set_target((0.29, 0.35))
    sim.step_physics(150)
    assert sim.block_pose()[2] > 0.3  # pymunk gives 0.436 rad for the same push


def test_shipped_config_loads():
    cfg = load_config(pusht_config.PushTConfig, 'config/envs/pusht.yaml')
    assert set(cfg.tasks) == set(pusht_config.TASKS)
    for name, pose in pusht_config.TASKS.items():
        np.testing.assert_allclose(cfg.tasks[name], pose)
    assert cfg.control_dt == pytest.approx(0.1)


def test_config_rejects_bad_default_task():
    with pytest.raises(ValueError, match='default_task'):
        pusht_config.PushTConfig(default_task='nope')


# --- gymnasium env ----------------------------------------------------------------------------

def test_check_env():
    check_env(PushTEnv(), skip_render_check=True)


def test_registered_with_time_limit():
    env = gym.make('lwd_ros/PushT-v0')
    assert env.spec.max_episode_steps == 300
    assert env.unwrapped.tasks == ('classic', 'goal_left', 'goal_right')


def test_reset_is_deterministic_per_seed():
    a, b = PushTEnv(), PushTEnv()
    obs_a, _ = a.reset(seed=7)
    obs_b, _ = b.reset(seed=7)
    np.testing.assert_array_equal(obs_a, obs_b)
    for _ in range(5):
        act = np.array([0.3, 0.3], np.float32)
        np.testing.assert_array_equal(a.step(act)[0], b.step(act)[0])
    assert not np.allclose(a.reset(seed=8)[0], obs_a)


def test_initial_states_are_valid():
    env = PushTEnv()
    for seed in range(20):
        obs, info = env.reset(seed=seed)
        assert env.observation_space.contains(obs)
        gap = geom.distance_to_t(obs[2:5], obs[None, :2])[0] - geom.AGENT_RADIUS
        assert gap > env.config.reset_clearance
        assert not info['success']


def test_task_selection_moves_goal():
    env = PushTEnv()
    for task in env.tasks:
        _, info = env.reset(seed=0, options={'task': task})
        assert info['task'] == task == env.task
        np.testing.assert_allclose(info['goal_pose'], pusht_config.TASKS[task])
    _, info = env.reset(seed=1)  # the task persists across resets
    assert info['task'] == env.tasks[-1]
    with pytest.raises(ValueError, match='valid tasks'):
        env.reset(options={'task': 'goal_nowhere'})


def test_live_task_switch_keeps_the_state_and_moves_the_goal():
    env = PushTEnv(task='classic')
    goal = np.array(pusht_config.TASKS['goal_left'])
    obs, info = env.reset(options={'reset_to_state': [0.45, 0.45, *goal]})
    assert info['coverage'] < 0.95
    env.set_task('goal_left')  # mid-episode: the block stays where it is
    obs2, _, terminated, _, info = env.step(obs[:2].astype(np.float32))
    assert terminated and info['task'] == 'goal_left' and info['coverage'] == pytest.approx(1.0)
    np.testing.assert_allclose(obs2[2:], obs[2:], atol=1e-4)
    with pytest.raises(ValueError, match='valid tasks'):
        env.set_task('goal_nowhere')
    assert env.task == 'goal_left'


def test_block_on_goal_succeeds_and_terminates():
    env = PushTEnv(task='goal_left')
    goal = np.array(pusht_config.TASKS['goal_left'])
    obs, info = env.reset(options={'reset_to_state': [0.45, 0.45, *goal]})
    assert info['coverage'] == pytest.approx(1.0)
    obs, reward, terminated, truncated, info = env.step(obs[:2].astype(np.float32))
    assert terminated and info['success'] and reward == 1.0 and not truncated


def test_reward_is_clipped_coverage():
    env = PushTEnv()
    shifted = CLASSIC + [0.01, 0.0, 0.0]
    obs, _ = env.reset(options={'reset_to_state': [0.45, 0.05, *shifted]})
    _, reward, terminated, _, info = env.step(obs[:2].astype(np.float32))
    assert reward == pytest.approx(min(info['coverage'] / 0.95, 1.0))
    assert 0.0 < info['coverage'] < 0.95 and not terminated


def test_render_rgb_array():
    env = PushTEnv(render_mode='rgb_array')
    env.reset(seed=0)
    try:
        frame = env.render()
    except Exception as exc:  # no EGL/OSMesa on this machine
        pytest.skip(f'no headless OpenGL: {exc}')
    finally:
        env.close()
    assert frame.shape == (512, 512, 3) and frame.dtype == np.uint8
    assert frame.std() > 0
