# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Behaviour-diversity figures: first-contact histograms, TV distance, entropy, PCA.

Observation arrays are built from the T geometry so the first contact is known exactly: the
pusher comes in along an edge's outward normal and stops just touching its midpoint.
"""

import importlib.util
import json
import math
import sys

from conftest import REPO
import numpy as np
import pytest

from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht.diversity import (
    CATEGORIES,
    NONE,
    contact_histogram,
    count_labels,
    diversity_summary,
    first_contacts,
    normalized_entropy,
    pca_2d,
    probabilities,
    total_variation,
    variance_explained_by,
)

BLOCK = np.array([0.25, 0.26, 1.0])  # a rotated block, so the local -> world map matters


def _approach(edge: int, pose=BLOCK, steps: int = 6) -> np.ndarray:
    """``(steps, 5)`` observations: the pusher comes along edge ``edge``'s normal to contact."""
    a, b = geom.T_OUTLINE[edge], geom.T_OUTLINE[(edge + 1) % len(geom.T_OUTLINE)]
    normal = geom.outward_normals()[edge]
    gaps = np.linspace(0.08, geom.AGENT_RADIUS + 0.0005, steps)  # last row within 1 mm tol
    local = (a + b) / 2 + gaps[:, None] * normal
    agent = geom.to_world(pose, local)
    return np.concatenate([agent, np.tile(pose, (steps, 1))], 1)


def _far(steps: int = 4, pose=BLOCK) -> np.ndarray:
    agent = geom.to_world(pose, np.array([[0.0, -0.2]]))  # 0.2 m beyond the bar's top
    return np.concatenate([np.tile(agent, (steps, 1)), np.tile(pose, (steps, 1))], 1)


# -- total variation ------------------------------------------------------------------------

def test_total_variation_properties():
    rng = np.random.default_rng(0)
    p, q = rng.integers(0, 20, 9), rng.integers(0, 20, 9)
    assert total_variation(p, p) == 0.0
    assert total_variation(p, 7 * p) == pytest.approx(0.0)  # counts are normalised
    assert total_variation(p, q) == pytest.approx(total_variation(q, p))
    assert 0.0 < total_variation(p, q) < 1.0
    assert total_variation([3, 0, 0], [0, 1, 4]) == pytest.approx(1.0)  # disjoint supports
    assert total_variation([1, 1], [1, 0]) == pytest.approx(0.5)
    r = rng.integers(0, 20, 9)
    assert total_variation(p, r) <= total_variation(p, q) + total_variation(q, r) + 1e-12


def test_total_variation_on_dicts_and_bad_input():
    a = {'bar_top': 2, 'stem_end': 2}
    b = {'bar_top': 4, 'none': 4}  # missing keys count as zero
    assert total_variation(a, b) == pytest.approx(0.5)
    # Only the sides among contacts: bar_top 1/2 vs 1 -> 0.5 too, but stem_end carries it.
    assert total_variation(a, b, geom.T_EDGES) == pytest.approx(0.5)
    assert total_variation({'none': 3}, {'bar_top': 1}, geom.T_EDGES) is None  # no contacts
    assert total_variation([0, 0], [1, 0]) is None
    with pytest.raises(ValueError):
        total_variation([1, 2], [1, 2, 3])
    with pytest.raises(ValueError):
        total_variation([1, -1], [1, 1])


# -- entropy ----------------------------------------------------------------------------------

def test_entropy_is_normalised_by_log8():
    assert normalized_entropy(dict.fromkeys(geom.T_EDGES, 5)) == pytest.approx(1.0)
    assert normalized_entropy({'stem_end': 9}) == 0.0
    two = {'bar_top': 3, 'stem_end': 3}
    assert normalized_entropy(two) == pytest.approx(math.log(2) / math.log(8))  # = 1/3
    # Episodes without contact do not count as a ninth "side".
    assert normalized_entropy({**two, NONE: 100}) == pytest.approx(1 / 3)
    assert normalized_entropy({NONE: 4}) is None
    assert normalized_entropy([1, 1, 1, 1]) == pytest.approx(1.0)  # array: base = its length
    assert normalized_entropy([1, 1, 0, 0], base=8) == pytest.approx(1 / 3)


def test_probabilities():
    np.testing.assert_allclose(probabilities({'bar_top': 1, NONE: 3}),
                               [0.25] + [0.0] * 7 + [0.75])
    assert probabilities({}) is None


# -- first-contact histograms -----------------------------------------------------------------

@pytest.mark.parametrize('edge', range(8))
def test_first_contact_of_a_synthetic_approach(edge):
    obs = np.concatenate([_far(), _approach(edge)])
    assert first_contacts([obs]) == [geom.T_EDGES[edge]]


def test_histogram_counts_the_first_contact_only():
    # Touch edge 0 then edge 4; reversed order -> the other edge; never touching -> 'none'.
    first_bar = np.concatenate([_approach(0), _far(), _approach(4)])
    first_stem = np.concatenate([_approach(4), _far(), _approach(0)])
    never = _far(10)
    h = contact_histogram([first_bar, first_stem, first_bar, never])
    assert tuple(h) == CATEGORIES
    assert h == {**dict.fromkeys(CATEGORIES, 0), 'bar_top': 2, 'stem_end': 1, NONE: 1}


def test_histogram_of_an_unrotated_block_and_float32():
    pose = np.array([0.3, 0.2, 0.0])
    obs = np.concatenate([_far(pose=pose), _approach(5, pose=pose)]).astype(np.float32)
    assert contact_histogram([obs])['stem_left'] == 1


def test_count_labels_rejects_unknown_labels():
    assert count_labels([])[NONE] == 0
    with pytest.raises(ValueError, match='unknown contact label'):
        count_labels(['bar_top', 'stem_top'])


def test_diversity_summary_overall_and_per_task():
    demos = (['bar_top', 'stem_end', 'bar_top', 'stem_end'], ['a', 'a', 'b', 'b'])
    labels = ['bar_top', 'bar_top', 'stem_end', NONE]
    out = diversity_summary(labels, ['a', 'a', 'b', 'b'], demos, 'demos')
    assert out['episodes'] == 4 and out['contact_rate'] == 0.75
    assert out['counts']['bar_top'] == 2 and sum(out['counts'].values()) == 4
    # overall: (1/2, 1/4, 1/4 none) vs (1/2, 1/2): TV = 0.25
    assert out['tv_to_demos'] == pytest.approx(0.25)
    assert out['tv_to_demos_given_contact'] == pytest.approx(1 / 6, abs=1e-4)  # rounded
    a, b = out['per_task']['a'], out['per_task']['b']
    assert a['tv_to_demos'] == pytest.approx(0.5) and a['entropy_norm'] == 0.0
    assert b['tv_to_demos'] == pytest.approx(0.5)
    assert b['tv_to_demos_given_contact'] == pytest.approx(0.5)
    assert 'tv_to_demos' not in diversity_summary(labels, ['a'] * 4)
    with pytest.raises(ValueError):
        diversity_summary(labels, ['a'])


# -- latents ----------------------------------------------------------------------------------

def test_pca_2d_recovers_the_main_axes():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((500, 3)) * [5.0, 2.0, 0.1]
    rot = np.linalg.qr(rng.standard_normal((3, 3)))[0]
    proj, ratio = pca_2d(x @ rot.T + 7.0)
    assert proj.shape == (500, 2)
    assert ratio[0] == pytest.approx(25 / 29.01, abs=0.03)
    assert ratio[1] == pytest.approx(4 / 29.01, abs=0.03)
    np.testing.assert_allclose(proj.mean(0), 0.0, atol=1e-9)
    assert np.var(proj[:, 0]) > np.var(proj[:, 1])
    line = np.outer(np.arange(10.0), [1.0, 2.0, 2.0])  # rank one
    _, ratio = pca_2d(line)
    np.testing.assert_allclose(ratio, [1.0, 0.0], atol=1e-9)
    with pytest.raises(ValueError):
        pca_2d(np.zeros((1, 4)))


def test_variance_explained_by_groups():
    x = np.array([[0.0, 0.0], [0.0, 0.2], [10.0, 0.0], [10.0, 0.2]])
    assert variance_explained_by(x, ['l', 'l', 'r', 'r']) == pytest.approx(100 / 100.04)
    assert variance_explained_by(x, ['l', 'r', 'l', 'r']) == pytest.approx(0.04 / 100.04)
    assert variance_explained_by(x, ['l'] * 4) == 0.0
    assert variance_explained_by(np.ones((3, 2)), ['a', 'b', 'c']) is None


# -- the benchmark script, dataset only -------------------------------------------------------

def test_bench_on_a_tiny_dataset(tmp_path, monkeypatch, capsys):
    from lwd_ros.data.episode import Episode
    from lwd_ros.data.minari_io import write_episodes

    def episode(obs, task):
        return Episode(obs, obs[1:, :2], task, seed=0, success=False)

    eps = [episode(np.concatenate([_far(), _approach(0)]), 'classic'),
           episode(np.concatenate([_far(), _approach(4)]), 'goal_left'),
           episode(_far(6), 'classic')]
    write_episodes(eps, tmp_path / 'ds', robot='pusht')
    spec = importlib.util.spec_from_file_location('bench_diversity',
                                                  REPO / 'bench' / 'bench_diversity.py')
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(sys, 'argv', [
        'bench_diversity.py', '--dataset', str(tmp_path / 'ds'), '--lwd', str(tmp_path / 'no'),
        '--bc', '', '--json', str(tmp_path / 'out.json'),
        '--plot', str(tmp_path / 'contacts.png'), '--latent-plot', str(tmp_path / 'lat.png')])
    assert bench.main() == 0
    result = json.loads((tmp_path / 'out.json').read_text())
    demos = result['methods']['demos']
    assert demos['counts']['bar_top'] == 1 and demos['counts']['stem_end'] == 1
    assert demos['counts'][NONE] == 1 and demos['per_task']['classic']['episodes'] == 2
    assert result['methods']['lwd'] == {'missing': str(tmp_path / 'no')}
    assert 'bc' not in result['methods'] and 'dp' not in result['methods']
    assert (tmp_path / 'contacts.png').stat().st_size > 0
    assert not (tmp_path / 'lat.png').exists()  # no generator: no latent plot
    assert json.loads(capsys.readouterr().out) == result  # stdout is the same JSON
