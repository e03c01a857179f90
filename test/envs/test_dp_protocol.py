# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The gym-pusht adapter of ``bench/bench_dp_protocol.py``: units, frames and coverage agree.

gym-pusht is a bench-only dependency (``pip install gym-pusht==0.1.8``); CI does not install
it, so these tests skip there.
"""

import importlib.util

from conftest import REPO
import numpy as np
import pytest

pytest.importorskip('gym_pusht')

from lwd_ros.envs.pusht import geometry as geom  # noqa: E402


@pytest.fixture(scope='module')
def bench():
    spec = importlib.util.spec_from_file_location(
        'bench_dp_protocol', REPO / 'bench' / 'bench_dp_protocol.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def envs(bench):
    theirs, ours = bench.GymPushT(), bench.OurPushT()
    yield theirs, ours
    theirs.close()
    ours.close()


def test_conversions_round_trip(bench):
    state_px = np.array([12.5, 500.0, 256.0, 100.25, 5.5])
    state_m = bench.to_metres(state_px)
    np.testing.assert_allclose(state_m, [0.0125, 0.5, 0.256, 0.10025, 5.5])
    np.testing.assert_allclose(bench.to_pixels(state_m), state_px)
    np.testing.assert_allclose(bench.to_pixels(np.array([0.256, 0.256, 1.0])), [256, 256, 1])
    np.testing.assert_allclose(bench.action_to_pixels([0.1, 0.4]), [100.0, 400.0])
    np.testing.assert_allclose(bench.GOAL_M, [0.256, 0.256, np.pi / 4])


def test_goal_is_our_classic_task(bench, envs):
    theirs, ours = envs
    theirs.reset(seed=0)
    np.testing.assert_allclose(theirs.pusht.goal_pose, bench.GOAL_PX)
    np.testing.assert_allclose(ours.env.unwrapped.config.tasks[bench.TASK], bench.GOAL_M)


def test_gym_pusht_starts_have_our_coverage_and_keypoints(bench, envs):
    theirs, _ = envs
    for seed in range(100_000, 100_010):
        obs, _ = theirs.reset(seed=seed)  # metres
        pusht = theirs.pusht
        reward_coverage = pusht._get_coverage()  # what gym-pusht's reward is made of
        assert geom.coverage(obs[2:], bench.GOAL_M) == pytest.approx(reward_coverage, abs=1e-12)
        keypoints = geom.to_world(obs[2:], geom.T_KEYPOINTS) / geom.M_PER_PX
        np.testing.assert_allclose(keypoints, pusht.get_keypoints(pusht._block_shapes),
                                   atol=1e-9)


@pytest.mark.parametrize('pose_m', [[0.256, 0.256, 0.6], [0.2, 0.3, 3.9], [0.28, 0.23, 0.75]])
def test_a_pose_converted_both_ways_has_the_same_coverage(bench, envs, pose_m):
    theirs, ours = envs
    state_m = np.r_[0.05, 0.05, pose_m]
    obs_m, info = ours.env.reset(options={'task': bench.TASK, 'reset_to_state': state_m})
    theirs.reset(seed=0)
    bench.set_pose_exact(theirs.pusht, *np.split(bench.to_pixels(obs_m), [2]))
    back = bench.to_metres(theirs.pusht.get_obs())
    np.testing.assert_allclose(back, obs_m, atol=1e-9)  # both wrap the angle to [0, 2 pi)
    assert theirs.pusht._get_coverage() == pytest.approx(info['coverage'], abs=1e-9)
    assert info['coverage'] > 0.1


def test_the_same_push_moves_the_block_the_same_way(bench, envs):
    theirs, ours = envs
    start = np.array([0.256, 0.12, 0.25, 0.17, 0.0])  # pusher below the bar, right of centre
    obs, _ = ours.env.reset(options={'task': bench.TASK, 'reset_to_state': start})
    theirs.reset(seed=0)
    bench.set_pose_exact(theirs.pusht, *np.split(bench.to_pixels(start), [2]))
    for i in range(1, 11):  # push up (+y) through the bar, 15 mm a step
        target = np.array([0.256, start[1] + 0.015 * i])
        obs, *_ = ours.env.step(target.astype(np.float32))
        their_obs, *_ = theirs.step(target)
    assert obs[3] - start[3] > 0.05 and obs[4] > 0.05  # pushed up, turned counter-clockwise
    np.testing.assert_allclose(their_obs[2:4], obs[2:4], atol=0.003)  # as in gym-pusht
    assert abs((their_obs[4] - obs[4] + np.pi) % (2 * np.pi) - np.pi) < 0.03
