# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Mirrored PushT demonstrations are physically valid demonstrations of the same task."""

import numpy as np
import pytest

from lwd_ros.data.episode import Episode
from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht.augment import mirror_episode, mirrored
from lwd_ros.envs.pusht.config import TASKS
from lwd_ros.envs.pusht.env import PushTEnv


def _pushing_episode(seed, task='classic', steps=25):
    """Drive the pusher at the block's centre of gravity: contact, pushing, turning."""
    env = PushTEnv()
    obs, info = env.reset(seed=seed, options={'task': task})
    observations, actions = [obs], []
    for _ in range(steps):
        cog = geom.to_world(info['block_pose'], geom.COG_LOCAL[None])[0]
        target = obs[:2] + np.clip(cog - obs[:2], -0.02, 0.02)
        obs, _, _, _, info = env.step(target)
        observations.append(obs)
        actions.append(target)
    env.close()
    return Episode(np.array(observations), np.array(actions), task, seed=seed)


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_a_mirrored_episode_replays_in_the_sim(seed):
    # The classic goal's axis is a diagonal of the square workspace: every mirror is kept.
    ep = _pushing_episode(seed)
    mirror = mirror_episode(ep, TASKS['classic'])
    assert mirror is not None and mirror.task == 'classic'
    assert np.abs(ep.observations[-1, 2:4] - ep.observations[0, 2:4]).max() > 0.005  # pushed
    env = PushTEnv()
    env.reset(seed=0, options={'task': 'classic'})
    o = mirror.observations
    env.sim.reset_state(o[0, :2], o[0, 2:5])
    for t, action in enumerate(mirror.actions):
        obs = env.step(action)[0]
        np.testing.assert_allclose(obs[:4], o[t + 1, :4], atol=1e-4)
        assert abs(np.angle(np.exp(1j * (obs[4] - o[t + 1, 4])))) < 1e-3
    goal = TASKS['classic']
    np.testing.assert_allclose(geom.coverage(mirror.observations[-1, 2:5], goal),
                               geom.coverage(ep.observations[-1, 2:5], goal), atol=1e-6)
    env.close()


def test_mirrors_leaving_the_workspace_are_dropped():
    ep = _pushing_episode(3, task='goal_right')
    near_wall = Episode(ep.observations, ep.actions, 'goal_right')
    # goal_right's axis is vertical at x = 0.35: a pusher at x = 0.1 mirrors to x = 0.6
    near_wall.observations[:, 0] = 0.1
    assert mirror_episode(near_wall, TASKS['goal_right']) is None
    assert len(mirrored([near_wall, ep], TASKS)) <= 1
