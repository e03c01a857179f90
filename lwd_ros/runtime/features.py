# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What every model sees: named observation features in the task's frame, normalised.

All models (VAE, latent diffusion, BC, the DP peer) work in one *model space*:

1. **features** of the raw observation, by name: a raw entry (``block_x``) or the sine or
   cosine of a wrapped angle (``sin(block_angle)``). A raw yaw in ``[0, 2 pi)`` jumps by
   2 pi where the object does not move; its sine and cosine are continuous, so a small MLP
   need not learn the same behaviour twice on either side of the wrap;
2. the **task frame** (optional): planar positions and angles re-expressed relative to a
   per-task pose (e.g. the goal pose). Goals that differ by a rigid motion then become one
   problem seen from the goal, so every demonstration teaches every task, and the precise
   last centimetres of a push happen near the same (zero) inputs for all goals;
3. **normalisation** with the training statistics.

Step 1 is the only non-linear one: a rotation of ``(sin, cos)`` by a fixed angle is linear.
Steps 2-3 (and the way back for actions) are affine, so the generator folds them into the
first and last layers of every generated MLP (``lwd_ros.runtime.mlp.fold_affine``) and the
controller computes only the named features, from the names the policy carries
(``PolicyWeights.obs_names``).

numpy only: the controller imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import logging
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from lwd_ros.contract import ANGLE_FEATURE, raw_name
from lwd_ros.runtime.mlp import carry_skip, fold_affine
from lwd_ros.runtime.normalisation import STD_FLOOR, NormStats

if TYPE_CHECKING:
    from lwd_ros.data.episode import Episode

log = logging.getLogger(__name__)


def feature_names(obs_names: Sequence[str], angle_dims: Sequence[int] = ()) -> tuple[str, ...]:
    """Raw names, each angle replaced in place by ``sin(name)`` and ``cos(name)``."""
    out: list[str] = []
    for i, name in enumerate(obs_names):
        out += [f'sin({name})', f'cos({name})'] if i in angle_dims else [name]
    return tuple(out)


def horizon_feature(horizon: int) -> float:
    """The diffusion model's input for the action horizon: ``log2(H) / 5`` (H = 32 -> 1).

    Logarithmic because what a policy must cover grows with H in ratio, not in steps; a
    fixed scale (not fitted) so any H, trained or not, maps to the same place.
    """
    if horizon < 1:
        raise ValueError(f'{horizon=} must be >= 1')
    return math.log2(horizon) / 5.0


def default_obs_names(obs_dim: int) -> tuple[str, ...]:
    return tuple(f'obs_{i}' for i in range(obs_dim))


class FeatureMap:
    """Raw observations ``(..., raw_dim)`` -> named features ``(..., F)`` float32.

    Why names rather than indices: a policy carries its feature names, so a controller whose
    robot reports the observation in another order computes the right input, and one that
    lacks an entry refuses the policy naming it.

    Args:
        features: feature names (``name``, ``sin(name)`` or ``cos(name)``).
        raw_names: the names of the raw observation entries, in order.
    """

    def __init__(self, features: Sequence[str], raw_names: Sequence[str]):
        self.features, self.raw_names = tuple(features), tuple(raw_names)
        lookup = {name: i for i, name in enumerate(self.raw_names)}
        index, funcs = [], []
        for f in self.features:
            m = ANGLE_FEATURE.match(f)
            func, raw = (m.group(1), m.group(2)) if m else ('', f)
            if raw not in lookup:
                raise ValueError(f'feature {f!r} needs observation {raw!r}, which is not in '
                                 f'{list(self.raw_names)}')
            index.append(lookup[raw])
            funcs.append(func)
        if not index:
            raise ValueError('a policy needs at least one feature')
        self.index = np.asarray(index, np.intp)
        self.funcs = tuple(funcs)
        self._sin = np.asarray([f == 'sin' for f in funcs])
        self._cos = np.asarray([f == 'cos' for f in funcs])
        self._identity = not any(funcs) and index == list(range(len(self.raw_names)))

    def __len__(self) -> int:
        return len(self.features)

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        x = np.asarray(obs, np.float32)
        if self._identity:
            return x
        x = x[..., self.index]  # a copy: fancy indexing
        if self._sin.any():
            x[..., self._sin] = np.sin(x[..., self._sin])
            x[..., self._cos] = np.cos(x[..., self._cos])
        return x


@dataclass
class PlanarFrames:
    """Per-task planar frames: positions rotate and translate into them, angles rotate.

    Args:
        poses: task -> ``(x, y, yaw)`` of its frame in the world (e.g. the goal pose).
        obs_points: pairs of raw observation indices that are world ``(x, y)`` positions.
        act_points: pairs of action indices that are world ``(x, y)`` positions.
        angle_dims: raw observation indices that are world yaw angles.
    """

    poses: Mapping[str, Sequence[float]]
    obs_points: tuple[tuple[int, int], ...]
    act_points: tuple[tuple[int, int], ...]
    angle_dims: tuple[int, ...]

    def __post_init__(self):
        self.poses = {k: tuple(float(v) for v in p) for k, p in self.poses.items()}
        self.obs_points = tuple((int(a), int(b)) for a, b in self.obs_points)
        self.act_points = tuple((int(a), int(b)) for a, b in self.act_points)
        self.angle_dims = tuple(int(i) for i in self.angle_dims)
        bad = {k: p for k, p in self.poses.items()
               if len(p) != 3 or not all(map(math.isfinite, p))}
        if bad:
            raise ValueError(f'task frame poses must be finite (x, y, yaw): {bad}')

    def pose(self, task: str) -> tuple[float, float, float]:
        if task not in self.poses:
            raise ValueError(f'no frame for task {task!r}; frames: {list(self.poses)}')
        return self.poses[task]

    def feature_affine(self, task: str, fmap: FeatureMap) -> tuple[np.ndarray, np.ndarray]:
        """``(A, c)`` with ``f_task = A @ f_world + c`` for features ``fmap``."""
        x, y, yaw = self.pose(task)
        cos, sin = math.cos(yaw), math.sin(yaw)
        F = len(fmap)
        A, c = np.eye(F), np.zeros(F)
        slot = {(int(i), f): k for k, (i, f) in enumerate(zip(fmap.index, fmap.funcs))}
        rot_t = np.array([[cos, sin], [-sin, cos]])  # R(yaw)^T: world -> frame
        for i, j in self.obs_points:
            if (i, '') not in slot or (j, '') not in slot:
                raise ValueError(f'features {fmap.features} lack position pair ({i}, {j})')
            k = [slot[(i, '')], slot[(j, '')]]
            A[np.ix_(k, k)] = rot_t
            c[k] = -rot_t @ np.array([x, y])
        for i in self.angle_dims:
            if (i, 'sin') not in slot or (i, 'cos') not in slot:
                raise ValueError(f'features {fmap.features} lack sin/cos of angle {i}')
            # sin(a - yaw) = sin a cos yaw - cos a sin yaw; cos(a - yaw) = cos a cos yaw + ...
            k = [slot[(i, 'sin')], slot[(i, 'cos')]]
            A[np.ix_(k, k)] = [[cos, -sin], [sin, cos]]
        return A, c

    def action_affine(self, task: str, act_dim: int) -> tuple[np.ndarray, np.ndarray]:
        """``(B, d)`` with ``a_world = B @ a_task + d``."""
        x, y, yaw = self.pose(task)
        B, d = np.eye(act_dim), np.zeros(act_dim)
        rot = np.array([[math.cos(yaw), -math.sin(yaw)], [math.sin(yaw), math.cos(yaw)]])
        for i, j in self.act_points:
            B[np.ix_([i, j], [i, j])] = rot
            d[[i, j]] = [x, y]
        return B, d

    def to_dict(self) -> dict[str, Any]:
        return {'poses': {k: list(p) for k, p in self.poses.items()},
                'obs_points': [list(p) for p in self.obs_points],
                'act_points': [list(p) for p in self.act_points],
                'angle_dims': list(self.angle_dims)}


class ModelSpace:
    """Raw observation/action <-> the normalised task-frame space every model works in.

    ``x_n = M_task @ features(obs) + o_task`` and ``action = N_task @ y_n + q_task``; the
    matrices combine the task frame and the normalisation (module docstring).

    With ``relative`` pairs ``(action j, feature i)`` the models predict ``a_j - f_i`` (a
    position target relative to the current position) and ``action = S f + N y_n + q``; the
    generator adds ``S f`` to every emitted MLP exactly (``lwd_ros.runtime.mlp.carry_skip``).

    Args:
        features: the feature map (raw names -> feature names).
        stats: normalisation of task-frame features and actions over the training data.
        frames: per-task frames, or None to learn in the world frame.
        relative: ``(action index, feature index)`` pairs of actions predicted relative to
            a feature; a planar action pair is relative in both entries or in neither.
    """

    def __init__(self, features: FeatureMap, stats: NormStats, frames: PlanarFrames | None,
                 relative: Sequence[tuple[int, int]] = ()):
        if stats.obs_dim != len(features):
            raise ValueError(f'{stats.obs_dim=} does not match {len(features)} features')
        self.features, self.stats, self.frames = features, stats, frames
        self.relative = tuple((int(j), int(i)) for j, i in relative)
        rel = {j for j, _ in self.relative}
        if any(not 0 <= j < stats.act_dim or not 0 <= i < len(features)
               for j, i in self.relative) or len(rel) != len(self.relative):
            raise ValueError(f'{self.relative=}: bad or repeated action/feature indices')
        if frames and any((a in rel) != (b in rel) for a, b in frames.act_points):
            raise ValueError(f'{self.relative=} splits a planar action pair {frames.act_points}')
        self.skip = None
        if self.relative:
            self.skip = np.zeros((stats.act_dim, len(features)))
            for j, i in self.relative:
                self.skip[j, i] = 1.0
        self._cache: dict[str, tuple[np.ndarray, ...]] = {}

    @classmethod
    def fit(cls, episodes: Sequence[Episode], features: FeatureMap,
            frames: PlanarFrames | None, relative: Sequence[tuple[int, int]] = (),
            floors: Sequence[float] | None = None,
            learned: Sequence[str] = ()) -> ModelSpace:
        """Normalisation statistics of ``episodes`` in their tasks' frames.

        ``floors``: per feature, the least std normalisation divides by (``feature_floors``);
        a feature constant in the demonstrations is floored there and named in a warning,
        since the deployed robot will not hold it exactly constant. ``learned``: features a
        camera's encoder computes while the model trains (zeros in the episodes); they pass
        unchanged (mean 0, std 1): the encoder learns their scale.
        """
        if not episodes:
            raise ValueError('cannot compute normalisation statistics from zero episodes')
        unit = cls(features, _unit_stats(len(features), episodes[0].actions.shape[1]), frames,
                   relative)
        obs = np.concatenate([unit.obs_in(e.observations, e.task) for e in episodes], 0)
        act = np.concatenate([unit.act_in(e.actions, e.task, e.observations[:-1])
                              for e in episodes], 0)
        obs, act = obs.astype(np.float64), act.astype(np.float64)
        floor = np.full(obs.shape[1], STD_FLOOR) if floors is None else np.asarray(floors)
        std, mean = obs.std(0), obs.mean(0)
        own = np.isin(features.features, list(learned))
        std[own], floor[own], mean[own] = 1.0, 1.0, 0.0
        flat = [f'{n} (std {s:.2g}, floored to {f:g})'
                for n, s, f in zip(features.features, std, floor) if s < f]
        if flat:
            log.warning('features nearly constant in the demonstrations: %s. A deployed value '
                        'off by one floor moves the normalised input by one; vary them in the '
                        'demonstrations or drop them from the contract', ', '.join(flat))
        return cls(features, NormStats(mean, np.maximum(std, floor),
                                       act.mean(0), np.maximum(act.std(0), STD_FLOOR)), frames,
                   relative)

    def _affines(self, task: str) -> tuple[np.ndarray, ...]:
        if task not in self._cache:
            F, st = len(self.features), self.stats
            A, c = (self.frames.feature_affine(task, self.features) if self.frames
                    else (np.eye(F), np.zeros(F)))
            B, d = (self.frames.action_affine(task, st.act_dim) if self.frames
                    else (np.eye(st.act_dim), np.zeros(st.act_dim)))
            d = d.copy()
            d[[j for j, _ in self.relative]] = 0.0  # a relative target is a vector: no shift
            s_o, s_a = st.obs_std.astype(np.float64), st.act_std.astype(np.float64)
            M, o = A / s_o[:, None], (c - st.obs_mean) / s_o
            N, q = B * s_a, B @ st.act_mean + d
            self._cache[task] = (M, o, N, q, np.linalg.inv(N))
        return self._cache[task]

    def input_affine(self, task: str) -> tuple[np.ndarray, np.ndarray]:
        """``(M, o)``: normalised model input ``x_n = M @ features + o``."""
        return self._affines(task)[:2]

    def output_affine(self, task: str) -> tuple[np.ndarray, np.ndarray]:
        """``(N, q)``: raw action ``a = N @ y_n + q``."""
        return self._affines(task)[2:4]

    def obs_in(self, obs: np.ndarray, task: str) -> np.ndarray:
        """Raw observations ``(..., raw_dim)`` -> model inputs ``(..., F)`` float32."""
        M, o = self.input_affine(task)
        return (self.features(obs) @ M.T + o).astype(np.float32)

    def _skip_term(self, obs: np.ndarray | None) -> np.ndarray | float:
        if self.skip is None:
            return 0.0
        if obs is None:
            raise ValueError('relative actions need the observations they are relative to')
        return self.features(obs).astype(np.float64) @ self.skip.T

    def act_in(self, act: np.ndarray, task: str, obs: np.ndarray | None = None) -> np.ndarray:
        """Raw actions ``(..., act_dim)`` (seen after raw ``obs``) -> normalised actions."""
        _, q = self.output_affine(task)
        inv = self._affines(task)[4]
        a = np.asarray(act, np.float64) - self._skip_term(obs)
        return ((a - q) @ inv.T).astype(np.float32)

    def act_out(self, act_n: np.ndarray, task: str, obs: np.ndarray | None = None) -> np.ndarray:
        """Normalised task-frame actions (after raw ``obs``) -> raw actions."""
        N, q = self.output_affine(task)
        a = np.asarray(act_n, np.float64) @ N.T + q + self._skip_term(obs)
        return a.astype(np.float32)

    def fold(self, layer_sizes: Sequence[int], flat: np.ndarray, task: str,
             activation: str) -> tuple[tuple[int, ...], np.ndarray]:
        """Model-space MLP weights -> ``(layer_sizes, weights)`` of the deployed MLP.

        Raw features in, raw action out: frame, normalisation and any skip folded in.
        """
        weights = fold_affine(layer_sizes, flat, *self.input_affine(task),
                              *self.output_affine(task))
        if self.skip is None:
            return tuple(layer_sizes), weights
        return carry_skip(layer_sizes, weights, self.skip, activation)


def _unit_stats(obs_dim: int, act_dim: int) -> NormStats:
    return NormStats(np.zeros(obs_dim), np.ones(obs_dim), np.zeros(act_dim), np.ones(act_dim))


def feature_floors(contract: Any, features: Sequence[str]) -> tuple[float, ...]:
    """Per feature, the contract's resolution of the entry it reads (``RobotContract``).

    ``sin``/``cos`` of an angle change by about the angle's own change, so they take its
    resolution too.
    """
    resolution = dict(zip(contract.obs_names, contract.obs_resolution()))
    return tuple(resolution.get(raw_name(f), STD_FLOOR) for f in features)
