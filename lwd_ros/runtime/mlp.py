# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The generated policy as the controller runs it: numpy only, no torch, no allocation storms.

Weight layout (the contract shared by the hypernetwork, ``PolicyWeights.weights`` and ONNX):
``layer_sizes = (obs_dim, h_1, ..., h_k, act_dim)``; for each layer ``l`` in order the weight
matrix ``W_l`` of shape ``(out_l, in_l)`` in row-major (C) order, then the bias ``b_l`` of
shape ``(out_l,)``. ``y = W_l @ x + b_l``; the activation follows every layer but the last.
Observation and action normalisation are folded into the first and last layer by the
generator (see ``fold_affine``), so the controller feeds the named features of raw
observations in SI units (``lwd_ros.runtime.features``) and gets raw action targets out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0, out=x)


def _elu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0.0, x, np.expm1(np.minimum(x, 0.0)))


def _silu(x: np.ndarray) -> np.ndarray:
    return x / (1.0 + np.exp(-x))


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    'relu': _relu,
    'tanh': np.tanh,
    'elu': _elu,
    'silu': _silu,
}


def num_params(layer_sizes: Sequence[int]) -> int:
    """Count weights and biases of an MLP with these layer sizes."""
    sizes = [int(s) for s in layer_sizes]
    return sum(o * i + o for i, o in zip(sizes[:-1], sizes[1:]))


def flops_per_step(layer_sizes: Sequence[int]) -> int:
    """Multiply-adds counted as two FLOPs, plus one per bias; activations not counted."""
    sizes = [int(s) for s in layer_sizes]
    return sum(2 * o * i + o for i, o in zip(sizes[:-1], sizes[1:]))


def check_layer_sizes(layer_sizes: Sequence[int]) -> tuple[int, ...]:
    """Return the sizes as a tuple of ints, or raise ValueError if they cannot be an MLP."""
    sizes = tuple(int(s) for s in layer_sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f'layer_sizes must have >= 2 positive entries, got {sizes}')
    return sizes


def split_layers(layer_sizes: Sequence[int],
                 flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """View a flat weight vector as ``[(W_l, b_l), ...]`` (no copies)."""
    sizes = check_layer_sizes(layer_sizes)
    flat = np.asarray(flat)
    if flat.ndim != 1 or flat.size != num_params(sizes):
        raise ValueError(
            f'expected {num_params(sizes)} weights for layer_sizes {sizes}, '
            f'got shape {flat.shape}')
    layers, start = [], 0
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = flat[start:start + fan_in * fan_out].reshape(fan_out, fan_in)
        start += fan_in * fan_out
        b = flat[start:start + fan_out]
        start += fan_out
        layers.append((w, b))
    return layers


def flatten_layers(layers: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Inverse of ``split_layers``."""
    return np.concatenate([np.concatenate([w.ravel(), b.ravel()]) for w, b in layers])


def fold_affine(layer_sizes: Sequence[int], flat: np.ndarray, in_matrix: np.ndarray,
                in_offset: np.ndarray, out_matrix: np.ndarray,
                out_offset: np.ndarray) -> np.ndarray:
    """Fold ``x_model = M @ x + o`` into layer 0 and ``a = N @ y + q`` into the last layer.

    Why: the models work in a normalised task frame (``lwd_ros.runtime.features``); folding
    those affine maps in means the controller needs no statistics or frames, and one owner
    (the generator, reading the checkpoint) applies them. Exact because the first and last
    layers are affine.
    """
    layers = [(w.astype(np.float64), b.astype(np.float64))
              for w, b in split_layers(layer_sizes, flat)]
    M, o = np.asarray(in_matrix, np.float64), np.asarray(in_offset, np.float64)
    w0, b0 = layers[0]
    layers[0] = (w0 @ M, b0 + w0 @ o)
    N, q = np.asarray(out_matrix, np.float64), np.asarray(out_offset, np.float64)
    wl, bl = layers[-1]
    layers[-1] = (N @ wl, N @ bl + q)
    return flatten_layers(layers).astype(np.float32)


def carry_skip(layer_sizes: Sequence[int], flat: np.ndarray, skip: np.ndarray,
               activation: str = 'relu') -> tuple[tuple[int, ...], np.ndarray]:
    """Add ``skip @ x`` to the MLP's output, as a plain ReLU MLP: ``(layer_sizes', flat')``.

    Why: a policy that predicts a *change* of its position target (``a = x_agent + MLP(x)``)
    spends its precision on the small corrections near a goal instead of on reproducing the
    absolute position, but the controller runs plain MLPs. ReLU carries any value exactly
    through ``v = relu(v) - relu(-v)``, so ``2 * act_dim`` extra units per hidden layer
    deliver ``skip @ x`` to the output: same function, same message format and controller.
    """
    if activation != 'relu':
        raise ValueError(f'a skip path is exact through relu only, not {activation!r}')
    skip = np.asarray(skip, np.float64)
    sizes = check_layer_sizes(layer_sizes)
    k = skip.shape[0]
    if skip.shape != (sizes[-1], sizes[0]):
        raise ValueError(f'{skip.shape=} must be (act_dim, in_dim) = {(sizes[-1], sizes[0])}')
    layers = [(w.astype(np.float64), b.astype(np.float64))
              for w, b in split_layers(sizes, flat)]
    carry = np.vstack([skip, -skip])  # (2k, in)
    out = []
    for i, (w, b) in enumerate(layers):
        last = i == len(layers) - 1
        if i == 0 and not last:
            w, b = np.vstack([w, carry]), np.concatenate([b, np.zeros(2 * k)])
        elif not last:
            w = np.block([[w, np.zeros((w.shape[0], 2 * k))],
                          [np.zeros((2 * k, w.shape[1])), np.eye(2 * k)]])
            b = np.concatenate([b, np.zeros(2 * k)])
        elif i == 0:  # no hidden layer: the skip is linear already
            w = w + skip
        else:
            w = np.hstack([w, np.eye(k), -np.eye(k)])
        out.append((w, b))
    new_sizes = (sizes[0], *(h + 2 * k for h in sizes[1:-1]), sizes[-1])
    return new_sizes, flatten_layers(out).astype(np.float32)


class MlpPolicy:
    """A feedback policy ``obs -> action`` from a flat weight vector (layout in module doc).

    Args:
        layer_sizes: ``(in_dim, hidden..., act_dim)``.
        weights: flat weights in the module's layout.
        activation: hidden-layer activation name.
        features: a ``lwd_ros.runtime.features.FeatureMap`` applied to raw observations
            first (``in_dim`` = its feature count); None feeds observations as they are.
    """

    def __init__(self, layer_sizes: Sequence[int], weights: np.ndarray, activation: str = 'relu',
                 features: Callable[[np.ndarray], np.ndarray] | None = None):
        if activation not in ACTIVATIONS:
            raise ValueError(f'unknown activation {activation!r}; valid: {sorted(ACTIVATIONS)}')
        self.layer_sizes = check_layer_sizes(layer_sizes)
        weights = np.ascontiguousarray(weights, dtype=np.float32)
        if not np.all(np.isfinite(weights)):
            raise ValueError('weights contain NaN or Inf')
        if features is not None and len(features) != self.layer_sizes[0]:
            raise ValueError(f'{len(features)} features for an MLP with input size '
                             f'{self.layer_sizes[0]}')
        self.activation = activation
        self.features = features
        self._act = ACTIVATIONS[activation]
        self._layers = split_layers(self.layer_sizes, weights)
        # What ``act`` loops over, prepared once: each layer's transposed weight view (the
        # same memory, so the same products as ``x @ w.T``), its bias, and the activation
        # (None after the last layer).
        self._forward = [(w.T, b, self._act) for w, b in self._layers]
        self._forward[-1] = (*self._forward[-1][:2], None)
        self.weights = weights

    @property
    def obs_dim(self) -> int:
        return self.layer_sizes[0]

    @property
    def act_dim(self) -> int:
        return self.layer_sizes[-1]

    def act(self, obs: np.ndarray) -> np.ndarray:
        """Map one raw observation (or a batch ``(B, raw_dim)``) to actions."""
        x = np.asarray(obs, dtype=np.float32)
        if self.features is not None:
            x = self.features(x)
        for w_t, b, act in self._forward:
            x = x @ w_t  # a new array: the bias and a ReLU go in place, never into obs
            x += b
            if act is not None:
                x = act(x)
        return x
