# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""BlockKick: the block moves by the configured amount at the configured steps, nothing else."""

import numpy as np
import pytest

from lwd_ros.config import load_config
from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht.disturbance import BlockKick, KickConfig
from lwd_ros.envs.pusht.env import WALL_INNER, PushTEnv


def _run(env, seed, steps=30):
    obs, _ = env.reset(seed=seed, options={'task': 'classic'})
    trace = [(obs, {'kicked': False})]
    for _ in range(steps):
        obs, _, terminated, truncated, info = env.step(obs[:2].astype(np.float32))  # stay
        trace.append((obs, info))
        if terminated or truncated:
            break
    return trace


def test_kicks_move_only_the_block_at_the_configured_steps():
    cfg = KickConfig(steps=(5, 12), translation=0.03, rotation=0.4)
    env = BlockKick(PushTEnv(), cfg)
    trace = _run(env, seed=3)
    kicked = [t for t, (_, info) in enumerate(trace) if info['kicked']]
    assert kicked == [5, 12] and env.kicks == 2
    for t in kicked:
        before, after = trace[t - 1][0], trace[t][0]
        np.testing.assert_allclose(after[:2], before[:2], atol=1e-3)  # the pusher stays
        assert np.linalg.norm(after[2:4] - before[2:4]) == pytest.approx(0.03, abs=1e-3)
        turn = np.angle(np.exp(1j * (after[4] - before[4])))
        assert 0 < abs(turn) <= 0.4 + 1e-6
        corners = geom.to_world(after[2:], geom.T_OUTLINE)
        assert corners.min() > WALL_INNER[0] and corners.max() < WALL_INNER[1]
    # between kicks a resting block stays put
    np.testing.assert_allclose(trace[8][0][2:], trace[6][0][2:], atol=1e-4)


def test_kicks_are_reproducible_per_seed_and_differ_across_seeds():
    env = BlockKick(PushTEnv(), KickConfig(steps=(4,)))
    a, b, c = (_run(env, seed=s, steps=5)[4][0] for s in (7, 7, 8))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_shipped_config_and_bad_values():
    cfg = load_config(KickConfig, 'config/envs/pusht_disturbance.yaml')
    assert cfg.steps == (20, 50) and cfg.translation > 0
    with pytest.raises(ValueError, match='>= 1'):
        KickConfig(steps=(0,))
    with pytest.raises(ValueError, match='>= 0'):
        KickConfig(translation=-0.1)
