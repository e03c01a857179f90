# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Cut demonstrations into fixed-length snippets and own the dataset normalisation statistics.

Array contract (all float32, in the model space of ``lwd_ros.runtime.features.ModelSpace``:
named features in the task frame, normalised):

- ``obs``  ``(N, H, F)``: the states of each snippet, ``obs[n, t]`` seen before
  ``act[n, t]``.
- ``act``  ``(N, H, act_dim)``: the demonstrated actions.
- ``mask`` ``(N, H)``: 1 where step ``t`` exists; snippets that run past the end of an
  episode (and every snippet in full-trajectory mode) are right-padded with zeros.
- ``cond`` ``(N, K, F)``: the model inputs of the ``K = obs_history`` observations up to and
  including the snippet's first state, oldest first; the episode start is repeated where
  history is missing. The latent diffusion model is conditioned on it.
- ``task`` ``(N,)`` int64: index into the sorted task names.

A robot with cameras adds ``frames`` (camera -> ``(M, height, width, channels)`` uint8, every
observation row of every episode, episode after episode) and the rows of each snippet's
steps ``rows (N, H)`` and of its history ``cond_rows (N, K)``; its feature entries in
``obs`` and ``cond`` are zeros, which the camera's encoder fills while it trains
(``lwd_ros.learning.cameras``).

Numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from lwd_ros.data.episode import Episode

if TYPE_CHECKING:
    from lwd_ros.runtime.features import ModelSpace


@dataclass
class Snippets:
    """Normalised snippets ready for batching (shapes in the module docstring)."""

    obs: np.ndarray
    act: np.ndarray
    mask: np.ndarray
    cond: np.ndarray
    task: np.ndarray
    rows: np.ndarray | None = None
    cond_rows: np.ndarray | None = None
    frames: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.obs)

    @property
    def horizon(self) -> int:
        return int(self.obs.shape[1])


def task_names(episodes: Sequence[Episode]) -> tuple[str, ...]:
    """Sorted unique task names: their position is the task index stored in checkpoints."""
    return tuple(sorted({e.task for e in episodes}))


def task_index(episodes: Sequence[Episode], tasks: Sequence[str]) -> dict[str, int]:
    """``{task: index}``; ValueError if there are no episodes or one has an unknown task."""
    if not episodes:
        raise ValueError('no episodes to cut snippets or windows from')
    index = {name: i for i, name in enumerate(tasks)}
    missing = sorted({e.task for e in episodes} - set(index))
    if missing:
        raise ValueError(f'episodes have tasks {missing} not in {list(tasks)}')
    return index


def history_window(observations: np.ndarray, t: int, history: int) -> np.ndarray:
    """``(history, obs_dim)`` observations ending at step ``t``, front-padded with step 0."""
    idx = np.clip(np.arange(t - history + 1, t + 1), 0, None)
    return observations[idx]


def cut_snippets(
    episodes: Sequence[Episode],
    space: ModelSpace,
    tasks: Sequence[str],
    horizon: int,
    stride: int = 1,
    obs_history: int = 1,
) -> Snippets:
    """Cut every episode into snippets of ``horizon`` steps starting every ``stride`` steps.

    ``horizon = 0`` selects full-trajectory mode: one snippet per episode, padded to the
    longest episode. Snippets start at every ``stride``-th step including the last ones, which
    are shorter and masked: every demonstrated state becomes a diffusion conditioning point,
    so the generator also learns what to do near the end of a task.
    """
    if horizon < 0 or stride < 1 or obs_history < 1:
        raise ValueError(f'{horizon=} must be >= 0, {stride=} and {obs_history=} >= 1')
    index = task_index(episodes, tasks)
    full = horizon == 0
    length = max(len(e) for e in episodes) if full else horizon
    F, act_dim = space.stats.obs_dim, space.stats.act_dim
    obs_l, act_l, mask_l, cond_l, task_l, rows_l, cond_rows_l = [], [], [], [], [], [], []
    offset = 0  # of the episode's first row among every episode's rows (``frames``)
    for ep in episodes:
        obs_n = space.obs_in(ep.observations, ep.task)  # (T + 1, F)
        act_n = space.act_in(ep.actions, ep.task, ep.observations[:-1])  # (T, act_dim)
        starts = [0] if full else range(0, len(ep), stride)
        rows = offset + np.arange(len(ep) + 1)
        for s in starts:
            n = min(length, len(ep) - s)
            o = np.zeros((length, F), np.float32)
            a = np.zeros((length, act_dim), np.float32)
            m = np.zeros(length, np.float32)
            r = np.zeros(length, np.int64)
            o[:n], a[:n], m[:n], r[:n] = obs_n[s:s + n], act_n[s:s + n], 1.0, rows[s:s + n]
            obs_l.append(o)
            act_l.append(a)
            mask_l.append(m)
            rows_l.append(r)
            cond_l.append(history_window(obs_n, s, obs_history))
            cond_rows_l.append(history_window(rows, s, obs_history))
            task_l.append(index[ep.task])
        offset += len(ep) + 1
    frames = {key: np.concatenate([e.frames[key] for e in episodes])
              for key in episodes[0].frames}
    return Snippets(np.stack(obs_l), np.stack(act_l), np.stack(mask_l), np.stack(cond_l),
                    np.asarray(task_l, np.int64),
                    np.stack(rows_l) if frames else None,
                    np.stack(cond_rows_l) if frames else None, frames)


def split_episodes(episodes: Sequence[Episode], val_fraction: float,
                   seed: int) -> tuple[list[Episode], list[Episode]]:
    """Split by episode (never by snippet, which would leak overlapping snippets into val).

    Every task keeps at least one training episode; validation may be empty for tiny datasets.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f'{val_fraction=} must be in [0, 1)')
    rng = np.random.default_rng(seed)
    train, val = [], []
    for task in task_names(episodes):
        group = [e for e in episodes if e.task == task]
        order = rng.permutation(len(group))
        n_val = min(int(round(val_fraction * len(group))), len(group) - 1)
        val += [group[i] for i in order[:n_val]]
        train += [group[i] for i in order[n_val:]]
    return train, val


def cut_action_windows(episodes: Sequence[Episode], space: ModelSpace, tasks: Sequence[str],
                       horizon: int, obs_history: int) -> Snippets:
    """One window per step ``t`` of every episode, aligned as Diffusion Policy trains.

    With ``K = obs_history``: ``obs`` and ``cond`` ``(N, K, F)`` hold steps ``t - K + 1 .. t``
    and ``act`` ``(N, horizon, act_dim)`` steps ``t - K + 1 .. t - K + horizon``, so index
    ``K - 1`` is the current step. Steps before the start repeat the first observation and
    action, steps past the end the last action (``mask`` is 0 at both), so the first and the
    last states are trained on like any other and "hold still" is learnt at the goal.
    """
    if horizon < obs_history or obs_history < 1:
        raise ValueError(f'{horizon=} must be >= {obs_history=} >= 1')
    index = task_index(episodes, tasks)
    obs_l, act_l, mask_l, task_l = [], [], [], []
    for ep in episodes:
        T = len(ep)
        steps = np.arange(T)[:, None]
        obs_idx = np.clip(steps + np.arange(1 - obs_history, 1), 0, None)  # (T, K)
        act_idx = steps + np.arange(1 - obs_history, horizon + 1 - obs_history)  # (T, H)
        obs_l.append(space.obs_in(ep.observations, ep.task)[obs_idx])
        act_l.append(space.act_in(ep.actions, ep.task)[np.clip(act_idx, 0, T - 1)])
        mask_l.append(((act_idx >= 0) & (act_idx < T)).astype(np.float32))
        task_l.append(np.full(T, index[ep.task], np.int64))
    obs = np.concatenate(obs_l)
    return Snippets(obs, np.concatenate(act_l), np.concatenate(mask_l), obs,
                    np.concatenate(task_l))
