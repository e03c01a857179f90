# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""DART noise: correlated, of the stated size, on what is executed, never on what is recorded."""

from types import SimpleNamespace

import numpy as np
import pytest

from lwd_ros.data.action_noise import ActionNoise
from lwd_ros.envs.pusht.expert import run_episode


def test_noise_has_the_stated_deviation_and_correlation():
    noise = ActionNoise(std=0.02, correlation=0.7).sequence(np.random.default_rng(0), 20000, 2)
    assert noise.std(axis=0) == pytest.approx([0.02, 0.02], rel=0.05)
    lag1 = np.corrcoef(noise[1:, 0], noise[:-1, 0])[0, 1]
    assert lag1 == pytest.approx(0.7, abs=0.03)


@pytest.mark.parametrize('std,rho', [(-0.1, 0.5), (0.1, 1.0), (0.1, -0.2)])
def test_bad_noise_is_refused(std, rho):
    with pytest.raises(ValueError):
        ActionNoise(std, rho)


class _RecordingEnv:
    """Records what it is told to execute; the observation is the pusher position."""

    def __init__(self):
        self.unwrapped = SimpleNamespace(config=SimpleNamespace(max_episode_steps=30))
        self.executed = []

    def reset(self, seed, options):
        self.executed.clear()
        return np.array([0.2, 0.2, 0.3, 0.3, 0.0]), self._info()

    def step(self, action):
        self.executed.append(np.array(action))
        return np.array([*action, 0.3, 0.3, 0.0]), 0.0, False, False, self._info()

    def _info(self):
        return {'coverage': 0.0, 'success': False, 'agent_vel': np.zeros(2)}


class _ConstantExpert:
    def reset(self, task, seed):
        pass

    def act(self, obs, vel):
        return np.array([0.25, 0.25])


def test_episode_records_the_clean_action_while_the_noisy_one_runs():
    env = _RecordingEnv()
    episode, _ = run_episode(env, _ConstantExpert(), 'classic', 3, noise=ActionNoise(0.02))
    executed = np.array(env.executed)
    np.testing.assert_allclose(episode.actions, 0.25)
    assert 0.01 < np.abs(executed - 0.25).mean() < 0.04
    np.testing.assert_allclose(episode.observations[1:, :2], executed)
    run_episode(env, _ConstantExpert(), 'classic', 3, noise=ActionNoise(0.02))
    np.testing.assert_array_equal(np.array(env.executed), executed)  # a function of the seed
    run_episode(env, _ConstantExpert(), 'classic', 3)
    np.testing.assert_allclose(np.array(env.executed), 0.25)
