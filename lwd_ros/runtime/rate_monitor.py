# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Achieved loop rate and period jitter over a sliding window of tick times."""

from __future__ import annotations

import numpy as np


class RateMonitor:
    """Ring buffer of tick times; O(1) per tick, statistics computed on demand."""

    def __init__(self, period_s: float, window: int = 5000):
        self.period_s = period_s
        self._t = np.zeros(window)
        self._n = 0

    def tick(self, now: float) -> None:
        self._t[self._n % len(self._t)] = now
        self._n += 1

    def _times(self) -> np.ndarray:
        n = min(self._n, len(self._t))
        if self._n <= len(self._t):
            return self._t[:n]
        start = self._n % len(self._t)
        return np.concatenate([self._t[start:], self._t[:start]])

    def stats(self) -> dict[str, float]:
        """``rate_hz``, ``period_error_p50/p99_ms``, ``max_gap_ms``, ``missed`` ticks."""
        t = self._times()
        if len(t) < 3:
            return {'rate_hz': 0.0, 'period_error_p50_ms': 0.0, 'period_error_p99_ms': 0.0,
                    'max_gap_ms': 0.0, 'missed': 0.0, 'ticks': float(self._n)}
        periods = np.diff(t)
        err = np.abs(periods - self.period_s) * 1e3
        return {
            'rate_hz': float(len(periods) / (t[-1] - t[0])),
            'period_error_p50_ms': float(np.percentile(err, 50)),
            'period_error_p99_ms': float(np.percentile(err, 99)),
            'max_gap_ms': float(periods.max() * 1e3),  # the longest wait between commands
            # A period over 1.5x nominal means at least one tick did not happen on time.
            'missed': float(np.sum(np.floor(periods / self.period_s - 0.5))),
            'ticks': float(self._n),
        }
