# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Which observation entries left the range a policy was trained on (numpy only).

A policy still runs outside its training data, but nothing vouches for what it does there:
the controller and the generator name such entries (``/diagnostics``, the log) so a sensor
offset or a new object shows up before the behaviour does. The range is widened by
``MARGIN`` of its span plus the contract's resolution, so sensor noise at the edge of the
demonstrations is not news.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MARGIN = 0.1


def widened(low: Sequence[float], high: Sequence[float], resolution: Sequence[float]
            ) -> tuple[np.ndarray, np.ndarray] | None:
    """The reported range, or None when the training range is unknown (empty)."""
    if not len(low) or len(low) != len(high) or len(low) != len(resolution):
        return None
    low, high = np.asarray(low, np.float64), np.asarray(high, np.float64)
    pad = MARGIN * (high - low) + np.asarray(resolution, np.float64)
    return low - pad, high + pad


def outside(obs: np.ndarray, bounds: tuple[np.ndarray, np.ndarray] | None,
            names: Sequence[str]) -> tuple[str, ...]:
    """Names of the entries of ``obs`` outside ``bounds`` (from ``widened``)."""
    if bounds is None:
        return ()
    bad = (obs < bounds[0]) | (obs > bounds[1])
    return tuple(n for n, b in zip(names, bad) if b) if bad.any() else ()
