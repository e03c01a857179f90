# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The numpy weight-layout contract (``lwd_ros.runtime.mlp``) every producer must follow."""

import numpy as np
import pytest

from lwd_ros.runtime.mlp import (
    ACTIVATIONS,
    MlpPolicy,
    carry_skip,
    flatten_layers,
    flops_per_step,
    fold_affine,
    num_params,
    split_layers,
)

SIZES = [(5, 2), (5, 16, 2), (5, 32, 16, 2), (3, 7, 7, 7, 4)]


def _reference(layer_sizes, flat, x, activation):
    """Straight-line reference forward: W_l row-major (out, in), then b_l, per layer."""
    start, last = 0, len(layer_sizes) - 2
    for i, (fi, fo) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        w = flat[start:start + fi * fo].reshape(fo, fi)
        start += fi * fo
        b = flat[start:start + fo]
        start += fo
        x = w @ x + b
        if i != last:
            x = {'relu': lambda v: np.maximum(v, 0), 'tanh': np.tanh,
                 'elu': lambda v: np.where(v > 0, v, np.expm1(v)),
                 'silu': lambda v: v / (1 + np.exp(-v))}[activation](x)
    assert start == flat.size
    return x


@pytest.mark.parametrize('layer_sizes', SIZES)
@pytest.mark.parametrize('activation', sorted(ACTIVATIONS))
def test_act_matches_reference_layout(layer_sizes, activation):
    rng = np.random.default_rng(0)
    flat = rng.normal(0, 0.5, num_params(layer_sizes)).astype(np.float32)
    policy = MlpPolicy(layer_sizes, flat, activation)
    obs = rng.normal(size=(6, layer_sizes[0])).astype(np.float32)
    batch = policy.act(obs)
    assert batch.shape == (6, layer_sizes[-1])
    for row, out in zip(obs, batch):
        np.testing.assert_allclose(policy.act(row), out, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(out, _reference(layer_sizes, flat.astype(np.float64),
                                                   row.astype(np.float64), activation),
                                   rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('layer_sizes', SIZES)
def test_split_flatten_round_trip_and_counts(layer_sizes):
    flat = np.arange(num_params(layer_sizes), dtype=np.float32)
    layers = split_layers(layer_sizes, flat)
    assert [w.shape for w, _ in layers] == [(o, i) for i, o in
                                            zip(layer_sizes[:-1], layer_sizes[1:])]
    np.testing.assert_array_equal(flatten_layers(layers), flat)
    assert flops_per_step(layer_sizes) == sum(2 * w.size + b.size for w, b in layers)


def test_fold_affine_is_exact():
    rng = np.random.default_rng(1)
    sizes = (5, 16, 16, 2)
    flat = rng.normal(0, 0.4, num_params(sizes)).astype(np.float32)
    M, o = rng.normal(size=(5, 5)), rng.normal(size=5)
    N, q = rng.normal(size=(2, 2)), rng.normal(size=2)
    folded = MlpPolicy(sizes, fold_affine(sizes, flat, M, o, N, q))
    inner = MlpPolicy(sizes, flat)
    obs = rng.normal(size=(10, 5))
    expected = inner.act((obs @ M.T + o).astype(np.float32)) @ N.T + q
    np.testing.assert_allclose(folded.act(obs), expected, rtol=1e-4, atol=1e-4)


def test_invalid_weights_and_sizes_raise():
    with pytest.raises(ValueError, match='expected 13'):
        MlpPolicy((2, 3, 1), np.zeros(11))
    with pytest.raises(ValueError, match='NaN'):
        MlpPolicy((2, 3, 1), np.full(13, np.nan))
    with pytest.raises(ValueError, match='activation'):
        MlpPolicy((2, 3, 1), np.zeros(13), 'gelu')
    with pytest.raises(ValueError, match='layer_sizes'):
        MlpPolicy((2,), np.zeros(0))


@pytest.mark.parametrize('sizes', [(5, 16, 2), (5, 16, 8, 2), (5, 2)])
def test_carry_skip_adds_the_skip_exactly(sizes):
    # a = skip @ x + MLP(x), as a plain (wider) ReLU MLP: negative inputs too.
    rng = np.random.default_rng(2)
    flat = rng.normal(0, 0.4, num_params(sizes)).astype(np.float32)
    skip = np.zeros((2, 5))
    skip[0, 0] = skip[1, 1] = 1.0
    wide_sizes, wide = carry_skip(sizes, flat, skip)
    assert wide_sizes == (5, *(h + 4 for h in sizes[1:-1]), 2)
    obs = rng.normal(size=(20, 5)).astype(np.float32)
    expected = MlpPolicy(sizes, flat).act(obs) + obs[:, :2]
    np.testing.assert_allclose(MlpPolicy(wide_sizes, wide).act(obs), expected, atol=1e-5)
    with pytest.raises(ValueError, match='relu'):
        carry_skip(sizes, flat, skip, activation='tanh')
