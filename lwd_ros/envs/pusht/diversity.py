# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""How a method solves PushT, not only whether: first-contact sides and latent spread.

The LWD paper shows behaviour diversity with the feet a locomotion policy lands on first; the
PushT analogue is the side of the T the pusher touches first
(``lwd_ros.envs.pusht.geometry.first_contact_edge``). A method that has learnt the expert's
multi-modal behaviour approaches the block from as many sides, as often, as the
demonstrations; one that averages or collapses the modes concentrates on a few sides. The
figures here turn a set of episodes into that histogram and compare histograms:

* ``contact_histogram``: counts per edge (``T_EDGES``) plus ``'none'`` for episodes that
  never touch the block;
* ``normalized_entropy``: entropy of the contact sides in ``log 8`` units, so 1 means all eight
  edges equally often and 0 a single edge, whatever the number of episodes;
* ``total_variation``: the largest difference in probability any set of outcomes has under
  two histograms, 0 for the same distribution and 1 for disjoint ones;
* ``diversity_summary``: all of the above overall and per task, against a reference;
* ``pca_2d``: a 2-D projection of generated latents, with the variance it keeps, and
  ``variance_explained_by``: how much of the latents' spread a grouping (side, task) explains.

numpy only (the geometry module uses shapely), so it runs on stored datasets and rollouts
alike without a simulator or torch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from lwd_ros.envs.pusht.geometry import T_EDGES, first_contact_edge

NONE = 'none'
CATEGORIES = (*T_EDGES, NONE)  # the histogram keys, in this order


def first_contacts(observations: Iterable[np.ndarray], tol: float = 1e-3) -> list[str]:
    """First-contact edge name of each episode, ``'none'`` where the pusher never touches.

    Args:
        observations: one ``(T + 1, 5)`` PushT observation array per episode.
        tol: contact tolerance in metres (see ``first_contact_edge``).

    Returns:
        One entry of ``CATEGORIES`` per episode, in order.
    """
    return [first_contact_edge(obs, tol) or NONE for obs in observations]


def contact_histogram(observations: Iterable[np.ndarray], tol: float = 1e-3) -> dict[str, int]:
    """Counts of first-contact sides over episodes, every key of ``CATEGORIES`` present.

    All nine keys are always there (zeros included) so histograms of different methods line
    up key by key in plots and in ``total_variation``.

    Args:
        observations: one ``(T + 1, 5)`` PushT observation array per episode.
        tol: contact tolerance in metres (see ``first_contact_edge``).

    Returns:
        ``{edge name or 'none': count}`` in ``CATEGORIES`` order.
    """
    return count_labels(first_contacts(observations, tol))


def count_labels(labels: Iterable[str]) -> dict[str, int]:
    """``{category: count}`` of first-contact labels, in ``CATEGORIES`` order.

    Raises:
        ValueError: a label is not an edge name or ``'none'`` (a typo would otherwise be
            dropped silently and skew every distance).
    """
    counts = dict.fromkeys(CATEGORIES, 0)
    for label in labels:
        if label not in counts:
            raise ValueError(f'unknown contact label {label!r}; expected one of {CATEGORIES}')
        counts[label] += 1
    return counts


def _as_counts(h: Mapping[str, float] | Sequence[float] | np.ndarray,
               keys: Sequence[str] | None) -> np.ndarray:
    values = np.asarray([h.get(k, 0) for k in keys] if isinstance(h, Mapping) else h,
                        np.float64)
    if values.ndim != 1 or np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError(f'a histogram must be finite non-negative counts, got {values}')
    return values


def probabilities(h: Mapping[str, float] | Sequence[float] | np.ndarray,
                  keys: Sequence[str] | None = None) -> np.ndarray | None:
    """Normalise counts (a dict over ``keys`` or an array) to sum 1; None if all are zero.

    Args:
        h: counts or unnormalised probabilities.
        keys: the categories to read from a dict (default ``CATEGORIES``); ignored for
            arrays.
    """
    values = _as_counts(h, CATEGORIES if keys is None else keys)
    total = values.sum()
    return None if total == 0 else values / total


def total_variation(p: Mapping[str, float] | Sequence[float] | np.ndarray,
                    q: Mapping[str, float] | Sequence[float] | np.ndarray,
                    keys: Sequence[str] | None = None) -> float | None:
    """Total-variation distance ``0.5 * sum |p - q|`` between two histograms, in [0, 1].

    Counts are normalised first, so a 50-episode rollout compares directly with an
    800-episode dataset. TV is the largest gap in probability the two assign to any set of
    outcomes (e.g. "touches the stem first"), which reads more directly than a KL divergence
    and stays finite when one method never uses a side the other does.

    Args:
        p: counts, as a dict keyed by category or an array.
        q: the same for the other histogram (same length for arrays).
        keys: categories to compare for dicts (default ``CATEGORIES``; pass ``T_EDGES`` to
            compare the sides among episodes that made contact).

    Returns:
        The distance, or None when either histogram is empty (no distribution to compare).

    Raises:
        ValueError: arrays of different lengths or negative / non-finite counts.
    """
    keys = CATEGORIES if keys is None else keys
    a, b = _as_counts(p, keys), _as_counts(q, keys)
    if a.shape != b.shape:
        raise ValueError(f'histograms differ in length: {a.shape} vs {b.shape}')
    if a.sum() == 0 or b.sum() == 0:
        return None
    return float(0.5 * np.abs(a / a.sum() - b / b.sum()).sum())


def normalized_entropy(h: Mapping[str, float] | Sequence[float] | np.ndarray,
                       keys: Sequence[str] | None = None,
                       base: int | None = None) -> float | None:
    """Shannon entropy of a histogram in units of ``log(base)``: 1 = uniform, 0 = one mode.

    By default it is taken over the eight edges only (episodes with no contact say nothing
    about *how* the block was approached) with ``base = 8``, so a method that uses every
    side equally often scores 1 regardless of episode count.

    Args:
        h: counts, as a dict keyed by category or an array.
        keys: categories to read from a dict (default ``T_EDGES``).
        base: logarithm base (default: the number of categories, so the maximum is 1).

    Returns:
        The entropy, or None for an empty histogram.
    """
    keys = T_EDGES if keys is None else keys
    p = probabilities(h, keys)
    if p is None:
        return None
    base = len(p) if base is None else base
    if base < 2:
        return 0.0
    nz = p[p > 0]
    return float(max(0.0, -np.sum(nz * np.log(nz)) / np.log(base)))


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def histogram_record(counts: Mapping[str, int], reference: Mapping[str, int] | None = None,
                     reference_name: str = 'reference') -> dict[str, Any]:
    """The JSON figures of one histogram, with distances to ``reference`` if given.

    ``tv_to_<reference_name>`` compares all nine outcomes (a method that never touches the
    block is far from demonstrations that always do); ``tv_to_<reference_name>_given_contact``
    compares only the sides among episodes with a contact, i.e. the choice of approach alone.
    """
    n = int(sum(counts.values()))
    touched = n - int(counts.get(NONE, 0))
    rec = {'episodes': n, 'counts': {k: int(counts.get(k, 0)) for k in CATEGORIES},
           'contact_rate': _round(touched / n) if n else None,
           'entropy_norm': _round(normalized_entropy(counts))}
    if reference is not None:
        rec[f'tv_to_{reference_name}'] = _round(total_variation(counts, reference))
        rec[f'tv_to_{reference_name}_given_contact'] = _round(
            total_variation(counts, reference, T_EDGES))
    return rec


def diversity_summary(labels: Sequence[str], tasks: Sequence[str],
                      reference: tuple[Sequence[str], Sequence[str]] | None = None,
                      reference_name: str = 'reference') -> dict[str, Any]:
    """First-contact figures overall and per task, optionally against a reference method.

    Args:
        labels: first-contact category of each episode (``first_contacts``).
        tasks: the task of each episode, same length.
        reference: ``(labels, tasks)`` of the reference (the demonstrations); per-task
            distances compare with the reference's episodes of the same task (None where the
            reference has none of that task).
        reference_name: names the distance keys, ``tv_to_<reference_name>``.

    Returns:
        ``histogram_record`` fields plus ``per_task: {task: histogram_record}``.
    """
    if len(labels) != len(tasks):
        raise ValueError(f'{len(labels)} labels but {len(tasks)} tasks')
    ref_all = ref_by_task = None
    if reference is not None:
        ref_labels, ref_tasks = reference
        ref_all = count_labels(ref_labels)
        ref_by_task = {t: count_labels(lab for lab, rt in zip(ref_labels, ref_tasks) if rt == t)
                       for t in dict.fromkeys(ref_tasks)}
    out = histogram_record(count_labels(labels), ref_all, reference_name)
    out['per_task'] = {}
    for task in dict.fromkeys(tasks):
        counts = count_labels(lab for lab, t in zip(labels, tasks) if t == task)
        ref = None if ref_by_task is None else ref_by_task.get(task, {})
        out['per_task'][task] = histogram_record(counts, ref, reference_name)
    return out


def variance_explained_by(x: np.ndarray, groups: Sequence[str]) -> float | None:
    """Share of the total variance of ``x (N, D)`` that lies between the groups' means.

    The multivariate eta squared: 1 when each group is a single point (the grouping, e.g. the
    first-contact side or the task, determines the latent), 0 when all groups share one mean.
    It summarises in one number what the PCA scatter shows, in the full latent space rather
    than the two plotted components.

    Returns:
        The ratio in [0, 1], or None when ``x`` has no variance.
    """
    x = np.asarray(x, np.float64)
    groups = np.asarray(groups)
    if len(x) != len(groups):
        raise ValueError(f'{len(x)} rows but {len(groups)} group labels')
    centred = x - x.mean(0)
    total = float(np.sum(centred ** 2))
    if total <= 0:
        return None
    between = sum(np.sum(groups == g) * np.sum(centred[groups == g].mean(0) ** 2)
                  for g in np.unique(groups))
    return float(between / total)


def pca_2d(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project rows of ``x (N, D)`` on their first two principal components (SVD of centred x).

    Enough to see whether generated latents form separate clusters per approach side or per
    task without adding scikit-learn; component signs are fixed so the largest-magnitude
    loading is positive, making plots reproducible across runs.

    Returns:
        ``(projection (N, 2), explained_variance_ratio (2,))``; with fewer than two
        non-trivial directions the missing ones are zero.
    """
    x = np.asarray(x, np.float64)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f'need at least two rows of a 2-D array, got shape {x.shape}')
    xc = x - x.mean(0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    k = min(2, len(s))
    signs = np.sign(vt[np.arange(k), np.argmax(np.abs(vt[:k]), 1)])
    signs[signs == 0] = 1.0
    comps = vt[:k] * signs[:, None]
    proj = np.zeros((len(x), 2))
    proj[:, :k] = xc @ comps.T
    var = s ** 2
    ratio = np.zeros(2)
    if var.sum() > 0:
        ratio[:k] = var[:k] / var.sum()
    return proj, ratio
