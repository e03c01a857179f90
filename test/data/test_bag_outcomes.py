# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Failed demonstrations: outcomes in the summary and the dataset, and dropping episodes.

The teleoperator's workflow: ``lwd mark fail`` after a botched demo while recording, then
``lwd bag2dataset --successes-only`` (or ``--drop-episodes`` with the indices the first
run's summary listed). An episode nobody labelled is ``unknown``, never a success.
"""

import argparse
import json

from bag_scene import record_with_marks
import pytest

from lwd_ros.cli import main
from lwd_ros.data.bag2dataset import episode_indices
from lwd_ros.data.minari_io import (
    episode_outcomes,
    load_episodes,
    load_training_set,
    read_metadata,
)

LABELS = ['fail', 'success', None]  # episode 3 was never marked


@pytest.fixture(scope='module')
def marked_bag(tmp_path_factory):
    path = tmp_path_factory.mktemp('bags') / 'marked'
    record_with_marks(path, LABELS, markers=False)
    return path


def _convert(bag, out, *flags, capsys=None):
    rc = main(['bag2dataset', str(bag), '--out', str(out), '--no-progress', *flags])
    captured = capsys.readouterr() if capsys else None
    return rc, captured


def test_the_summary_lists_every_episode_with_its_outcome_and_source(marked_bag, tmp_path,
                                                                     capsys, caplog):
    rc, out = _convert(marked_bag, tmp_path / 'ds', capsys=capsys)
    assert rc == 0
    summary = json.loads(out.out)
    rows = [(r['index'], r['task'], r['steps'], r['outcome'], r['source'], r['kept'])
            for r in summary['per_episode']]
    assert rows == [(1, 'classic', 12, 'fail', 'lwd mark', True),
                    (2, 'classic', 12, 'success', 'lwd mark', True),
                    (3, 'goal_left', 12, 'unknown', 'none', True)]
    assert summary['episodes'] == summary['converted'] == 3
    assert summary['outcomes'] == {'success': 1, 'fail': 1, 'unknown': 1}
    assert summary['successes'] == 1  # the unmarked episode is not counted as one
    assert summary['dropped'] == {'total': 0, 'listed': [], 'fail': 0, 'unknown': 0}
    assert "1 kept episodes have no outcome" in caplog.text

    # the dataset records them, readable without loading the data
    stored = episode_outcomes(tmp_path / 'ds')
    assert [(o['index'], o['outcome'], o['success'], o['source']) for o in stored] == [
        (0, 'fail', False, 'lwd mark'), (1, 'success', True, 'lwd mark'),
        (2, 'unknown', False, 'none')]
    episodes = load_episodes(tmp_path / 'ds')
    assert [e.outcome for e in episodes] == ['fail', 'success', 'unknown']
    # training learns from every stored episode, unlabelled ones included (as before)
    assert len(load_training_set([tmp_path / 'ds'])[0]) == 3
    table = read_metadata(tmp_path / 'ds')['lwd_ros']['bag2dataset']['episodes']
    assert [r['outcome'] for r in table] == ['fail', 'success', 'unknown']


def test_successes_only_keeps_known_successes_and_says_what_it_dropped(marked_bag, tmp_path,
                                                                       capsys, caplog):
    rc, out = _convert(marked_bag, tmp_path / 'ds', '--successes-only', '--json',
                       str(tmp_path / 's.json'), capsys=capsys)
    assert rc == 0
    summary = json.loads((tmp_path / 's.json').read_text())
    assert summary['episodes'] == 1 and summary['converted'] == 3
    assert summary['dropped'] == {'total': 2, 'listed': [], 'fail': 1, 'unknown': 1}
    assert [r['dropped'] for r in summary['per_episode']] == [
        'fail (--successes-only)', None, 'unknown (--successes-only)']
    assert 'dropped 2 of 3 episodes: 0 listed (--drop-episodes), 1 failed and 1 with no ' \
        'outcome (--successes-only)' in caplog.text
    assert [o['outcome'] for o in episode_outcomes(tmp_path / 'ds')] == ['success']
    meta = read_metadata(tmp_path / 'ds')['lwd_ros']['bag2dataset']
    assert meta['successes_only'] is True
    assert [r['kept'] for r in meta['episodes']] == [False, True, False]


def test_drop_episodes_by_the_indices_the_summary_listed(marked_bag, tmp_path, capsys):
    rc, out = _convert(marked_bag, tmp_path / 'ds', '--drop-episodes', '1', capsys=capsys)
    assert rc == 0
    summary = json.loads(out.out)
    assert summary['dropped']['listed'] == [1] and summary['episodes'] == 2
    assert [o['outcome'] for o in episode_outcomes(tmp_path / 'ds')] == ['success', 'unknown']
    # indices do not shift with --successes-only: 2 is still the marked success
    rc, out = _convert(marked_bag, tmp_path / 'ds2', '--drop-episodes', '2',
                       '--successes-only', capsys=capsys)
    assert rc == 2
    assert 'all 3 converted episodes were dropped (1 listed, 1 failed, 1 with no outcome)' \
        in out.err
    assert not (tmp_path / 'ds2').exists()


def test_drop_episodes_beyond_the_count_names_the_valid_range(marked_bag, tmp_path, capsys):
    rc, out = _convert(marked_bag, tmp_path / 'ds', '--drop-episodes', '2,99', capsys=capsys)
    assert rc == 2
    assert '--drop-episodes 99: the bags hold episodes 1-3 (1-based, in the order converted)' \
        in out.err
    assert not (tmp_path / 'ds').exists()


def test_episode_index_lists():
    assert episode_indices('3,7,12') == (3, 7, 12)
    assert episode_indices('9, 3-5,3') == (3, 4, 5, 9)
    for bad in ('0', '3,x', '5-3', '-2', ','):
        with pytest.raises(argparse.ArgumentTypeError):
            episode_indices(bad)
    with pytest.raises(SystemExit):  # argparse turns it into a usage error
        main(['bag2dataset', 'b', '--out', 'o', '--drop-episodes', 'x'])


def test_sim_markers_are_the_source_where_the_bag_has_them(tmp_path, capsys):
    record_with_marks(tmp_path / 'b', ['fail', None, None])  # the sim says all succeeded
    rc, out = _convert(tmp_path / 'b', tmp_path / 'ds', '--successes-only', capsys=capsys)
    assert rc == 0
    rows = json.loads(out.out)['per_episode']
    assert [(r['outcome'], r['source'], r['kept']) for r in rows] == [
        ('success', 'sim marker', True)] * 3


def test_datasets_from_before_outcomes_read_from_success(tmp_path):
    import h5py
    import numpy as np

    from lwd_ros.data.episode import Episode
    from lwd_ros.data.minari_io import write_episodes
    eps = [Episode(np.zeros((3, 5)), np.zeros((2, 2)), 'classic', 0, success=s)
           for s in (True, False)]
    eps.append(Episode(np.zeros((3, 5)), np.zeros((2, 2)), 'classic', success_known=False))
    write_episodes(eps, tmp_path / 'ds', robot='pusht')
    assert [o['outcome'] for o in episode_outcomes(tmp_path / 'ds')] == [
        'success', 'fail', 'unknown']
    assert [o['source'] for o in episode_outcomes(tmp_path / 'ds')] == [None] * 3
    with h5py.File(tmp_path / 'ds' / 'data' / 'main_data.hdf5', 'a') as f:
        for i in range(3):
            del f[f'episode_{i}'].attrs['outcome']  # as written before this key existed
    assert [o['outcome'] for o in episode_outcomes(tmp_path / 'ds')] == [
        'success', 'fail', 'fail']
    assert [e.success_known for e in load_episodes(tmp_path / 'ds')] == [True] * 3
