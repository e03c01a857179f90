# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The sim time at which a message arrived, from its wall-clock receive time.

Why: a recorder under ``use_sim_time`` handles a message after it arrived (its queue waits
for the executor), and the episodes are cut by the sim time of arrival. Taking the sim clock
when the callback runs makes a delayed message look late, so a command could pass a marker
it came before. Subtracting the queueing delay from it converts wall seconds to sim seconds
one to one, which is wrong whenever the sim does not run at real time: a loaded machine
slows the sim (a 0.5 s wall delay then went back 0.5 s of sim time that never passed), and a
sim paused at a reset, waiting for its first command, does not advance at all (the command
that starts it went back to before the previous episode ended, and the converter trimmed the
new episode's first steps as the old one's hold).

``ArrivalClock`` instead keeps the pairs (wall time, sim clock) the callbacks saw, and reads a
receive time through them: the sim clock as it was when the message arrived.
"""

from __future__ import annotations

from bisect import bisect_right


class ArrivalClock:
    """Wall-clock receive times -> sim times, through the (wall, sim) pairs seen.

    Args:
        keep: pairs kept; the oldest are dropped (a message older than every pair kept gets
            the oldest pair's sim time).
    """

    def __init__(self, keep: int = 20_000):
        self.keep = keep
        self._wall: list[int] = []
        self._sim: list[int] = []

    def note(self, wall_ns: int, sim_ns: int) -> None:
        """The sim clock read ``sim_ns`` at wall time ``wall_ns`` (both never go back)."""
        if self._wall and wall_ns < self._wall[-1]:
            wall_ns = self._wall[-1]
        if self._sim and sim_ns < self._sim[-1]:
            sim_ns = self._sim[-1]
        self._wall.append(wall_ns)
        self._sim.append(sim_ns)
        if len(self._wall) > 2 * self.keep:  # amortised: a slice every ``keep`` notes
            del self._wall[:-self.keep], self._sim[:-self.keep]

    def at(self, wall_ns: int) -> int:
        """The sim time at wall time ``wall_ns``: linear between the pairs around it."""
        if not self._wall:
            raise ValueError('no sim clock reading noted yet')
        i = bisect_right(self._wall, wall_ns)
        if i == 0:
            return self._sim[0]
        if i == len(self._wall):
            return self._sim[-1]
        w0, w1, s0, s1 = self._wall[i - 1], self._wall[i], self._sim[i - 1], self._sim[i]
        return s0 + (s1 - s0) * (wall_ns - w0) // max(w1 - w0, 1)
