# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``Pushes`` moves arm7's puck and joints by the asked strength, the same per seed."""

import numpy as np
import pytest

from lwd_ros.envs import make_env
from lwd_ros.envs.pushes import PushConfig, Pushes

PUCK = slice(14, 16)  # the puck's x, y in arm7's observation
JOINTS = slice(0, 7)


def rollout(env, seed, steps=40):
    """Hold the start pose; the observations before and after each step, and the infos."""
    obs, _ = env.reset(seed=seed)
    hold = obs[JOINTS].copy()
    out = []
    for _ in range(steps):
        new, _, terminated, truncated, info = env.step(hold)
        out.append((obs, new, info))
        obs = new
        if terminated or truncated:
            break
    return out


def test_pushes_move_what_they_say_at_their_steps():
    env = Pushes(make_env('arm7'), PushConfig(steps=(5, 20), object=0.03, robot=0.2))
    steps = rollout(env, seed=4)
    pushed = [t for t, (_, _, info) in enumerate(steps, 1) if info['pushed']]
    assert pushed == [5, 20] and env.pushes == 2
    for t in pushed:
        before, after, _ = steps[t - 1]
        moved = after[PUCK] - before[PUCK]
        assert np.linalg.norm(moved) == pytest.approx(0.03, abs=2e-3)  # one step of drift
        joints = np.abs(after[JOINTS] - before[JOINTS])
        assert joints.max() <= 0.2 + 1e-3 and joints.max() > 0.05
        assert np.allclose(after[7:14], 0.0)  # the shoved arm is at rest


def test_same_pushes_for_the_same_seed_and_none_at_strength_zero():
    cfg = PushConfig(steps=(10,), object=0.05, robot=0.1)
    a = rollout(Pushes(make_env('arm7'), cfg), seed=7)
    b = rollout(Pushes(make_env('arm7'), cfg), seed=7)
    np.testing.assert_array_equal(np.array([s[1] for s in a]), np.array([s[1] for s in b]))
    c = rollout(Pushes(make_env('arm7'), cfg), seed=8)
    assert not np.allclose(a[9][1][PUCK] - a[9][0][PUCK], c[9][1][PUCK] - c[9][0][PUCK])
    clean = rollout(make_env('arm7'), seed=7)
    zero = rollout(Pushes(make_env('arm7'), PushConfig(steps=(10,))), seed=7)
    np.testing.assert_array_equal(np.array([s[1] for s in clean]),
                                  np.array([s[1] for s in zero]))
    assert not any(info['pushed'] for _, _, info in zero)


def test_bad_settings_and_envs_that_cannot_be_pushed_are_refused():
    with pytest.raises(ValueError, match='must be >= 0'):
        PushConfig(object=-0.1)
    with pytest.raises(ValueError, match='must be >= 1'):
        PushConfig(steps=(0,))
    import gymnasium as gym
    with pytest.raises(ValueError, match='cannot be pushed'):
        Pushes(gym.make('CartPole-v1'), PushConfig(object=0.1))


def test_pusht_pushes_keep_the_t_inside_and_off_the_pusher():
    from lwd_ros.envs.pusht.env import placeable

    env = Pushes(make_env('pusht'), PushConfig(steps=(3, 6, 9), object=0.05, robot=0.05))
    obs, _ = env.reset(seed=2)
    for _ in range(10):
        before = obs
        obs, _, terminated, _, info = env.step(obs[:2])
        if info['pushed']:
            assert np.linalg.norm(obs[2:4] - before[2:4]) == pytest.approx(0.05, abs=0.01)
            assert placeable(info['block_pose'], obs[:2], 0.0)
        assert not terminated
    assert env.pushes == 3
