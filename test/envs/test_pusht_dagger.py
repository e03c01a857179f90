# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd dagger``: expert continuations start exactly where the learner was."""

import argparse

from conftest import REPO
import gymnasium as gym
import numpy as np
import pytest

from lwd_ros.data.episode import Episode
from lwd_ros.data.minari_io import load_episodes, read_metadata, write_episodes
from lwd_ros.envs.pusht.dagger import add_arguments, dagger, run, start_states
from lwd_ros.evaluation.cli import load_source
from lwd_ros.evaluation.rollout import EpisodeResult, EvalReport, evaluate

MODEL = REPO / 'models' / 'pusht'


def _args(*argv):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args([*argv, '--no-progress'])


def test_start_states_skip_the_initial_and_final_state():
    obs = np.arange(11 * 5, dtype=np.float32).reshape(11, 5)  # 10 steps
    report = EvalReport({}, 7, [EpisodeResult(7, 'classic', False, 0.5, 0.4, 10, obs)], [])
    starts = start_states(report, every=4)
    assert [(task, seed, t) for task, seed, t, _ in starts] == [('classic', 7, 4),
                                                                ('classic', 7, 8)]
    np.testing.assert_array_equal(starts[1][3], obs[8])
    assert start_states(report, every=10) == []  # step 10 is the last state: not a start


def test_continuations_start_where_the_learner_was(tmp_path):
    args = _args('--checkpoint', str(MODEL), '--out', str(tmp_path / 'ds'), '--rollouts', '2',
                 '--seed', '40000', '--every', '25', '--steps', '4')
    summary = dagger(args)
    episodes = load_episodes(tmp_path / 'ds')
    assert summary['episodes'] == len(episodes) == summary['start_states'] > 0
    assert summary['steps'] == sum(len(e) for e in episodes)
    assert all(1 <= len(e) <= 4 and e.seed is None for e in episodes)
    meta = read_metadata(tmp_path / 'ds')['lwd_ros']['dagger']
    assert meta['rollouts'] == 2 and meta['learner_success_rate'] == \
        summary['learner_success_rate']

    # The same rollouts again: each continuation begins at a state the learner visited,
    # and its first action is the expert's answer there, not the learner's.
    env = gym.make('lwd_ros/PushT-v0')
    report = evaluate(env, load_source(MODEL), 2, 40000, record_episodes=2)
    visited = np.concatenate([ep.observations[25:-1:25] for ep in report.episodes])
    np.testing.assert_allclose(np.stack([e.observations[0] for e in episodes]), visited,
                               atol=1e-6)
    assert [e.task for e in episodes] == [ep.task for ep in report.episodes
                                          for _ in ep.observations[25:-1:25]]


def test_an_existing_dataset_is_kept(tmp_path, capsys):
    old = [Episode(np.full((3, 5), 0.2), np.full((2, 2), 0.1), 'classic', 1)]
    write_episodes(old, tmp_path / 'ds', robot='pusht')
    assert run(_args('--out', str(tmp_path / 'ds'), '--rollouts', '1')) == 2
    assert '--overwrite' in capsys.readouterr().err
    assert len(load_episodes(tmp_path / 'ds')) == 1


@pytest.mark.parametrize('flag', ['--rollouts', '--steps', '--workers'])
def test_non_positive_sizes_are_refused(tmp_path, flag, capsys):
    assert run(_args('--out', str(tmp_path / 'ds'), flag, '0')) == 2
    assert flag in capsys.readouterr().err
