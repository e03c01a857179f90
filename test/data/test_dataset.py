# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Minari datasets: round trip, Minari compatibility, safe errors, and ``lwd collect``."""

import json
import os
import re
import signal
import subprocess
import sys

from conftest import REPO
import numpy as np
import pytest

from lwd_ros.data.episode import Episode
from lwd_ros.data.minari_io import load_episodes, load_training_set, read_metadata, write_episodes


def _episodes():
    rng = np.random.default_rng(0)
    spec = [(5, 'classic', 1, True), (3, 'goal_left', 2, False), (7, 'goal_right', 3, True)]
    return [Episode(rng.uniform(0.1, 0.4, (n + 1, 5)), rng.uniform(0.0, 0.5, (n, 2)),
                    task, seed, success) for n, task, seed, success in spec]


def test_round_trip(tmp_path):
    episodes = _episodes()
    path = write_episodes(episodes, tmp_path / 'ds', robot='pusht')
    back = load_episodes(path)
    assert len(back) == len(episodes)
    for a, b in zip(episodes, back):
        assert (b.task, b.seed, b.success) == (a.task, a.seed, a.success)
        assert b.observations.dtype == np.float32 and b.actions.dtype == np.float32
        np.testing.assert_array_equal(a.observations, b.observations)
        np.testing.assert_array_equal(a.actions, b.actions)


def test_training_set_joins_datasets_of_one_env_and_goals(tmp_path):
    poses = {'classic': [0.256, 0.256, 0.785]}
    a = write_episodes(_episodes()[:2], tmp_path / 'a', goal_poses=poses, robot='pusht')
    b = write_episodes(_episodes()[2:], tmp_path / 'b', goal_poses=poses, robot='pusht')
    episodes, got = load_training_set([a, b])
    assert [e.seed for e in episodes] == [1, 2, 3] and got == poses
    moved = write_episodes(_episodes(), tmp_path / 'moved', robot='pusht',
                           goal_poses={'classic': [0.3, 0.3, 0]})
    with pytest.raises(ValueError, match="goal 'classic'"):
        load_training_set([a, moved])
    other = write_episodes(_episodes(), tmp_path / 'other', goal_poses=poses, robot='pusht')
    meta_file = next(other.rglob('metadata.json'))
    meta = json.loads(meta_file.read_text())
    meta['lwd_ros']['env'] = 'mt10'
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(ValueError, match='different envs'):
        load_training_set([a, other])


def test_minari_reads_it_with_task_per_step(tmp_path):
    minari = pytest.importorskip('minari')
    path = write_episodes(_episodes(), tmp_path / 'ds', robot='pusht')
    dataset = minari.MinariDataset(path / 'data')
    names = read_metadata(path)['lwd_ros']['task_names']
    assert dataset.total_episodes == 3 and dataset.total_steps == 15
    ep = dataset[1]
    assert ep.observations.shape == (4, 5) and ep.actions.shape == (3, 2)
    assert [names[i] for i in set(ep.infos['task_id'])] == ['goal_left']
    assert ep.infos['coverage'].shape == (4,) and ep.truncations[-1]  # a failed episode
    assert dataset[0].terminations[-1]
    assert dataset.recover_environment().unwrapped.tasks == ('classic', 'goal_left',
                                                             'goal_right')


def test_rewards_follow_coverage(tmp_path):
    from lwd_ros.envs.pusht.config import TASKS

    goal = np.array(TASKS['classic'])
    obs = np.array([[0.45, 0.45, 0.4, 0.05, 0.0], [0.45, 0.45, *goal]])
    path = write_episodes([Episode(obs, [[0.45, 0.45]], 'classic', 0)], tmp_path / 'ds',
                          robot='pusht')
    import minari

    ep = minari.MinariDataset(path / 'data')[0]
    np.testing.assert_allclose(ep.rewards, [1.0], rtol=1e-5)  # float32 observations
    np.testing.assert_allclose(ep.infos['coverage'], [0.0, 1.0], rtol=1e-5)


def test_existing_dataset_is_kept_without_overwrite(tmp_path):
    path = write_episodes(_episodes(), tmp_path / 'ds', robot='pusht')
    with pytest.raises(FileExistsError, match='overwrite'):
        write_episodes(_episodes()[:1], path, robot='pusht')
    assert len(load_episodes(path)) == 3
    write_episodes(_episodes()[:1], path, overwrite=True, robot='pusht')
    assert len(load_episodes(path)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ['ds']  # no temporary leftovers


def test_failed_write_loses_nothing(tmp_path):
    path = write_episodes(_episodes(), tmp_path / 'ds', robot='pusht')
    bad = _episodes()[:1]
    bad[0].task = 'goal_nowhere'
    with pytest.raises(ValueError, match='unknown task'):
        write_episodes(bad, path, overwrite=True, robot='pusht')
    assert len(load_episodes(path)) == 3
    assert [p.name for p in tmp_path.iterdir()] == ['ds']


def test_unwritable_path(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('not a directory')
    with pytest.raises(PermissionError, match='cannot write'):
        write_episodes(_episodes(), blocker / 'ds', robot='pusht')
    with pytest.raises(NotADirectoryError):
        write_episodes(_episodes(), blocker, robot='pusht')


def test_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='no Minari dataset'):
        load_episodes(tmp_path / 'nothing')


def _lwd(*args):
    return subprocess.run([sys.executable, '-m', 'lwd_ros', *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def test_collect_bad_input_fails_cleanly(tmp_path):
    res = _lwd('collect', '--out', str(tmp_path / 'ds'), '--tasks', 'goal_nowhere')
    assert res.returncode == 2 and 'valid tasks' in res.stderr
    res = _lwd('collect', '--out', str(tmp_path / 'ds'), '--settle-coverage', '0.9')
    assert res.returncode == 2 and 'success threshold' in res.stderr
    assert not (tmp_path / 'ds').exists()
    write_episodes(_episodes(), tmp_path / 'ds', robot='pusht')
    res = _lwd('collect', '--out', str(tmp_path / 'ds'), '--episodes', '1')
    assert res.returncode == 2 and '--overwrite' in res.stderr
    assert len(load_episodes(tmp_path / 'ds')) == 3


@pytest.mark.slow
def test_collect_is_reproducible_and_summarised(tmp_path):
    args = ['--episodes', '2', '--tasks', 'classic,goal_right', '--seed', '11',
            '--no-progress']
    res = _lwd('collect', '--out', str(tmp_path / 'a'), '--json', str(tmp_path / 'a.json'),
               *args)
    assert res.returncode == 0, res.stderr
    summary = json.loads((tmp_path / 'a.json').read_text())
    assert summary['episodes'] == 2 and summary['attempts'] >= 2
    assert 0 < summary['success_rate'] <= 1 and summary['steps'] > 0
    assert summary['wall_time_s'] > 0
    res = _lwd('collect', '--out', str(tmp_path / 'b'), '--workers', '2', *args)
    assert res.returncode == 0, res.stderr
    a, b = load_episodes(tmp_path / 'a'), load_episodes(tmp_path / 'b')
    assert [e.task for e in a] == ['classic', 'goal_right'] and all(e.success for e in a)
    for ea, eb in zip(a, b):
        assert ea.seed == eb.seed
        np.testing.assert_array_equal(ea.observations, eb.observations)
        np.testing.assert_array_equal(ea.actions, eb.actions)


@pytest.mark.slow
def test_collect_interrupted_keeps_finished_episodes(tmp_path):
    # Ctrl-C in a terminal signals the whole process group, pool workers included.
    out, summary = tmp_path / 'ds', tmp_path / 'ds.json'
    # As typed in a terminal: Ctrl-C not ignored. A test run started in the background of a
    # non-interactive shell (`make test &`, some CI) ignores SIGINT, and a child inherits
    # that: the collect then rightly ran on to its end (exit 0) or past the timeout.
    proc = subprocess.Popen(
        [sys.executable, '-m', 'lwd_ros', 'collect', '--out', str(out), '--episodes', '40',
         '--workers', '2', '--seed', '11', '--json', str(summary)],
        cwd=REPO, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = ''
    try:
        # tqdm's bar: at least two episodes kept. Not ' 2/40 ' itself: the bar redraws at
        # most every 0.1 s, so two episodes finished together go from 1/40 to 3/40 (on a
        # busy machine the collect then ran to its end waiting for a '2/40' never drawn).
        while max(map(int, re.findall(r' (\d+)/40 ', seen)), default=0) < 2:
            chunk = proc.stderr.read(64)
            assert chunk, f'collect ended early: {seen[-2000:]}'
            seen += chunk
        os.killpg(proc.pid, signal.SIGINT)
        rest = proc.communicate(timeout=120)[1]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1, rest  # short of the episodes asked for
    assert 'Traceback' not in rest and 'writing the' in rest
    record = json.loads(summary.read_text())
    kept = load_episodes(out)
    assert record['interrupted'] and record['episodes'] == len(kept) >= 2
    assert all(e.success for e in kept)
