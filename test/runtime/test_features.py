# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Model space: named features, task frames, and their exact folding into emitted MLPs."""

import math

import numpy as np
import pytest

from lwd_ros.data.episode import Episode
from lwd_ros.runtime.features import (
    FeatureMap,
    ModelSpace,
    PlanarFrames,
    feature_names,
)
from lwd_ros.runtime.mlp import MlpPolicy, fold_affine, num_params
from lwd_ros.runtime.normalisation import NormStats

RAW = ('agent_x', 'agent_y', 'block_x', 'block_y', 'block_angle')
POSES = {'classic': (0.256, 0.256, math.pi / 4), 'goal_right': (0.35, 0.265, math.pi)}


def _frames():
    return PlanarFrames(POSES, obs_points=((0, 1), (2, 3)), act_points=((0, 1),),
                        angle_dims=(4,))


def _random_obs(rng, n):
    return np.c_[rng.uniform(0, 0.512, (n, 4)), rng.uniform(0, 2 * np.pi, n)].astype(np.float32)


def test_feature_names_and_values():
    names = feature_names(RAW, angle_dims=(4,))
    assert names == RAW[:4] + ('sin(block_angle)', 'cos(block_angle)')
    fmap = FeatureMap(names, RAW)
    obs = np.array([0.1, 0.2, 0.3, 0.4, 1.0], np.float32)
    np.testing.assert_allclose(fmap(obs), [0.1, 0.2, 0.3, 0.4, np.sin(1.0), np.cos(1.0)],
                               rtol=1e-6)
    # Continuous across the wrap, where the raw angle jumps by 2 pi.
    a, b = fmap(np.r_[obs[:4], 1e-4]), fmap(np.r_[obs[:4], 2 * np.pi - 1e-4])
    assert np.abs(a - b).max() < 1e-3


def test_feature_map_reads_by_name_and_refuses_unknown_names():
    reordered = tuple(reversed(RAW))
    names = feature_names(RAW, (4,))
    obs = np.array([0.1, 0.2, 0.3, 0.4, 1.0], np.float32)
    np.testing.assert_allclose(FeatureMap(names, reordered)(obs[::-1]),
                               FeatureMap(names, RAW)(obs), rtol=1e-6)
    with pytest.raises(ValueError, match="'block_yaw'"):
        FeatureMap(('agent_x', 'sin(block_yaw)'), RAW)


def test_goal_frame_puts_the_goal_at_the_origin():
    frames = _frames()
    fmap = FeatureMap(feature_names(RAW, (4,)), RAW)
    for task, (x, y, yaw) in POSES.items():
        A, c = frames.feature_affine(task, fmap)
        at_goal = A @ fmap(np.array([x + 0.01, y, x, y, yaw % (2 * np.pi)])) + c
        # The block sits on the goal: zero offset, zero relative yaw (sin 0, cos 1); the
        # agent 1 cm along world x is 1 cm away in the rotated frame.
        np.testing.assert_allclose(at_goal[2:], [0, 0, 0, 1], atol=1e-6)
        np.testing.assert_allclose(np.hypot(*at_goal[:2]), 0.01, rtol=1e-5)
        B, d = frames.action_affine(task, 2)
        np.testing.assert_allclose(B @ at_goal[:2] + d, [x + 0.01, y], atol=1e-6)


@pytest.mark.parametrize('use_frames', [False, True])
def test_folded_policy_equals_model_space_policy(use_frames):
    rng = np.random.default_rng(0)
    eps = [Episode(_random_obs(rng, 11), rng.uniform(0, 0.5, (10, 2)), t) for t in POSES]
    fmap = FeatureMap(feature_names(RAW, (4,)), RAW)
    space = ModelSpace.fit(eps, fmap, _frames() if use_frames else None)
    sizes = (len(fmap), 16, 2)
    inner = MlpPolicy(sizes, rng.normal(0, 0.5, num_params(sizes)).astype(np.float32))
    obs = _random_obs(rng, 20)
    for task in POSES:
        folded = MlpPolicy(sizes, fold_affine(sizes, inner.weights, *space.input_affine(task),
                                              *space.output_affine(task)), features=fmap)
        expected = space.act_out(inner.act(space.obs_in(obs, task)), task)
        np.testing.assert_allclose(folded.act(obs), expected, rtol=1e-4, atol=1e-5)
        # act_in inverts act_out, and the fitted statistics normalise the training data.
        act = rng.uniform(0, 0.5, (5, 2))
        np.testing.assert_allclose(space.act_out(space.act_in(act, task), task), act,
                                   atol=1e-5)
    x = np.concatenate([space.obs_in(e.observations, e.task) for e in eps])
    np.testing.assert_allclose(x.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(x.std(0), 1, atol=1e-4)


def test_frames_validate_their_inputs():
    with pytest.raises(ValueError, match='finite'):
        PlanarFrames({'t': (0.0, np.nan, 0.0)}, (), (), ())
    with pytest.raises(ValueError, match='no frame'):
        _frames().pose('goal_left')
    fmap = FeatureMap(RAW, RAW)  # the angle not as sin/cos: a frame cannot rotate it
    with pytest.raises(ValueError, match='sin/cos'):
        _frames().feature_affine('classic', fmap)
    stats = NormStats(np.zeros(4), np.ones(4), np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match='5 features'):
        ModelSpace(fmap, stats, None)
