# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Recorded topic streams -> ``Episode``s at the policy rate (numpy only, no I/O).

Time base: every sample carries its *log time* (when the recorder received it, as rosbag2
stores it; for bags demo_recorder recorded under ``use_sim_time``, the sim time it stored
beside the wall-clock log time, see ``bag_reader``) and, where the message has a header, its
*stamp*. Commands have no header, so log time is the common base; record with
``use_sim_time`` when the sim runs faster than real time.

Policy-step grid (``grid``):

- ``markers``: one step per ``EpisodeStatus`` message (the bridge publishes one per policy
  step). States are aligned by header stamp when the markers and the state topics are stamped
  (the bridge stamps all three with the same time, so the match is exact), else by log time.
- ``uniform``: steps every ``1 / rate`` seconds of log time, for bags without markers (a plain
  ``ros2 bag record`` on hardware). Episodes are split where a position (the contract's
  metres and radians) jumps by more than ``reset_jump`` between consecutive messages (a
  reset) and where the task changes.
- ``auto``: ``markers`` if the bag has any, else ``uniform``.

Alignment (zero-order hold, values are exactly what was published, never interpolated):
``observations[t]`` = the newest message of every observation block at step ``t``; ``actions[t]`` =
the newest command at step ``t + 1``, i.e. the target in force when step ``t`` ended (a
command issued in response to ``observations[t]``). Steps that fall inside a silence of more
than ``max_gap`` in an observation topic are dropped and split the episode (recording
gaps, lost tracking); leading steps before the first command of the episode are trimmed.

Outcome (``Episode.success`` / ``success_known``): a marker episode's is the sim's verdict
(a success marker; else the done marker means a failure; neither recorded: unknown). A
``uniform`` episode's is the last ``lwd mark`` between its start and the next reset (after
the last episode: any later mark); with no mark it is unknown, stored as not a success, so
that a bag nobody labelled never claims its demonstrations all succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import logging

import numpy as np

from lwd_ros.data.episode import Episode

log = logging.getLogger(__name__)

GRIDS = ('auto', 'markers', 'uniform')
MARKER_FIELDS = ('episode', 'seed', 'step', 'success', 'done')


@dataclass
class Stream:
    """Samples of one topic, in the order received.

    Args:
        t: ``(N,)`` int64 log time, ns.
        stamp: ``(N,)`` int64 header stamp, ns (0 where the message has none).
        values: ``(N, D)`` the numbers taken from each message.
        labels: ``N`` strings (task names), for the task and episode topics.
    """

    t: np.ndarray
    stamp: np.ndarray
    values: np.ndarray
    labels: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.t)

    @staticmethod
    def build(t, stamp, values, width: int, labels=(), dtype=np.float64) -> Stream:
        """Make a stream from Python lists, sorted by log time (stable)."""
        t = np.asarray(t, np.int64)
        order = np.argsort(t, kind='stable')
        values = np.asarray(values, dtype).reshape(len(t), width)
        labels = list(labels)
        return Stream(t[order], np.asarray(stamp, np.int64)[order], values[order],
                      [labels[i] for i in order] if labels else [])

    def hold(self, times: np.ndarray, by_stamp: bool = False) -> np.ndarray:
        """Index of the newest sample at or before each time (-1: none yet)."""
        if not by_stamp:
            return np.searchsorted(self.t, times, side='right') - 1
        order = np.argsort(self.stamp, kind='stable')
        i = np.searchsorted(self.stamp[order], times, side='right') - 1
        return np.where(i >= 0, order[np.maximum(i, 0)], -1)


@dataclass
class DemoStreams:
    """Everything a bag holds about a demonstration.

    Args:
        obs: one stream per observation block of the robot contract, in its order (the
            values a block fills: joint positions, a pose's ``x, y, yaw``, ...).
        command: the actions (command values in the contract's joint order).
        task: task switches (``labels``), no values.
        markers: episode markers, values ``MARKER_FIELDS`` (int64), ``labels`` the task.
        intended: what the demonstrator meant to command where the executed ``command`` was
            perturbed on purpose (DART); empty if the bag has none.
        marks: ``lwd mark`` labels (``labels``: ``success`` | ``fail``), no values; they
            label ``uniform`` episodes (markers carry their own ``success``).
    """

    obs: list[Stream]
    command: Stream
    task: Stream
    markers: Stream
    intended: Stream = field(default_factory=lambda: Stream.build([], [], [], 0))
    marks: Stream = field(default_factory=lambda: Stream.build([], [], [], 0))
    jump_cols: list[tuple[int, ...]] = field(default_factory=list)
    obs_labels: list[str] = field(default_factory=list)

    def __post_init__(self):
        # Which entries of each stream are positions whose jump marks a reset (``uniform``);
        # by default the first two (a planar position).
        self.jump_cols = self.jump_cols or [tuple(range(min(2, o.values.shape[1])))
                                            for o in self.obs]
        self.obs_labels = self.obs_labels or [f'observation block {i}'
                                              for i in range(len(self.obs))]

    @property
    def actions(self) -> Stream:
        """What the dataset learns: the intended commands where recorded, else the executed."""
        return self.intended if len(self.intended) else self.command


@dataclass
class _Segment:
    """Policy-step times of one candidate episode."""

    t: np.ndarray  # (n,) log time of each step
    stamp: np.ndarray | None  # (n,) header stamps when states are aligned by them
    task: str = ''
    seed: int | None = None
    success: bool | None = None  # None: nobody recorded a verdict (see ``outcome``)
    partial: bool = False  # markers only: its first or last step was not recorded
    from_markers: bool = False


def _runs(breaks: np.ndarray) -> list[slice]:
    """Slices of consecutive items; ``breaks[i]`` True starts a new run at ``i``."""
    starts = np.flatnonzero(breaks)
    if not len(breaks):
        return []
    starts = np.concatenate([[0], starts[starts > 0]])
    ends = np.append(starts[1:], len(breaks))
    return [slice(int(a), int(b)) for a, b in zip(starts, ends)]


def marker_segments(s: DemoStreams) -> list[_Segment]:
    """One segment per run of markers with one episode, one task and consecutive steps."""
    m = s.markers
    # Unstamped streams are all zeros; a sim clock starts at 0, so zeros alone are fine.
    by_stamp = bool(np.any(m.stamp > 0) and all(np.any(o.stamp > 0) for o in s.obs))
    if by_stamp:  # arrival order can swap markers of a burst; the stamps cannot
        order = np.argsort(m.stamp, kind='stable')
        m = Stream(m.t[order], m.stamp[order], m.values[order], [m.labels[i] for i in order])
    if len(m) > 1:  # a marker repeated (a paused sim re-announcing step 0): keep the last
        key = m.values[:, [0, 2]]
        keep = np.append(np.any(key[1:] != key[:-1], axis=1), True)
        m = Stream(m.t[keep], m.stamp[keep], m.values[keep],
                   [lab for lab, k in zip(m.labels, keep) if k])
    episode, seed, step, success, done = (m.values[:, i] for i in range(len(MARKER_FIELDS)))
    labels = np.array(m.labels, dtype=object)
    new = np.ones(len(m), bool)
    new[1:] = ((episode[1:] != episode[:-1]) | (labels[1:] != labels[:-1])
               | (step[1:] != step[:-1] + 1) | (done[:-1] != 0))
    segments = []
    for r in _runs(new):
        first, last = r.start, r.stop - 1
        # The sim's verdict: a success marker, or the done marker without one (a failure).
        # An episode whose end was not recorded and that had not succeeded yet has none.
        verdict = True if success[r].any() else False if done[last] else None
        segments.append(_Segment(
            t=m.t[r], stamp=m.stamp[r] if by_stamp else None, task=m.labels[first],
            seed=int(seed[first]) if step[first] == 0 else None,
            success=verdict, partial=bool(step[first] != 0 or not done[last]),
            from_markers=True))
    return segments


def _merge_close(times: np.ndarray, window: int) -> np.ndarray:
    """Collapse break times closer than ``window`` ns into the latest of each cluster."""
    times = np.unique(times)
    if len(times) < 2:
        return times
    keep = np.append(np.diff(times) > window, True)
    return times[keep]


def uniform_segments(s: DemoStreams, rate: float, reset_jump: float) -> list[_Segment]:
    """Segments between resets (jumps) and task switches, on a ``rate`` Hz log-time grid."""
    dt = int(round(1e9 / rate))
    breaks = []
    for stream, cols in zip(s.obs, s.jump_cols):
        if cols:
            jump = (np.linalg.norm(np.diff(stream.values[:, list(cols)], axis=0), axis=1)
                    > reset_jump)
            breaks.append(stream.t[1:][jump])
    labels = s.task.labels
    switched = [i for i in range(1, len(labels)) if labels[i] != labels[i - 1]]
    breaks.append(s.task.t[switched])
    # A reset moves robot and objects in one sim step, but their messages arrive apart.
    cuts = _merge_close(np.concatenate(breaks), dt)
    start = max(o.t[0] for o in s.obs)
    end = min(o.t[-1] for o in s.obs)
    edges = [start, *cuts[(cuts > start) & (cuts <= end)], end + 1]
    segments = []
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        grid = np.arange(a, b, dt, dtype=np.int64)
        if len(grid):
            # The demonstrator marks after a demonstration, before resetting: the last mark
            # up to the reset labels it (after the last episode: any time later). No mark:
            # no verdict (None), which the dataset records as unknown, not as a success.
            last = i == len(edges) - 2
            inside = [lab for t, lab in zip(s.marks.t, s.marks.labels)
                      if a <= t and (last or t < b)]
            success = inside[-1] == 'success' if inside else None
            segments.append(_Segment(t=grid, stamp=None, success=success))
    return segments


@dataclass
class EpisodeNotes:
    """What the conversion dropped or trimmed, for the report.

    Args:
        grid: the grid used (``markers`` or ``uniform``).
        aligned_by: ``stamp`` or ``log``.
        dropped_short: segments under ``min_steps``.
        dropped_partial: marker segments that missed their start or end (``drop_partial``).
        stale_steps: steps dropped inside an observation topic's gap (``max_gap``).
        trimmed_steps: leading steps without a command yet.
    """

    grid: str = ''
    aligned_by: str = 'log'
    dropped_short: int = 0
    dropped_partial: int = 0
    stale_steps: int = 0
    trimmed_steps: int = 0


def _task_at(s: DemoStreams, t: int, default: str) -> str:
    i = int(s.task.hold(np.array([t]))[0])
    if i >= 0:
        return s.task.labels[i]
    return s.task.labels[0] if len(s.task) else default


def _cut(seg: _Segment, sl: slice, **changes) -> _Segment:
    stamp = None if seg.stamp is None else seg.stamp[sl]
    fields = dict(task=seg.task, seed=seg.seed, success=seg.success, partial=seg.partial,
                  from_markers=seg.from_markers)
    fields.update(changes)
    return _Segment(t=seg.t[sl], stamp=stamp, **fields)


def _fresh_pieces(s: DemoStreams, seg: _Segment, max_gap: float,
                  notes: EpisodeNotes) -> list[_Segment]:
    """Drop the steps that fall inside a gap of an observation stream, and split there.

    A step is inside a gap when its newest sample is followed by a silence longer than
    ``max_gap`` (or by the end of the stream) and is older than 1.5 sample periods: the state
    then is unknown, not merely held.
    """
    by_stamp = seg.stamp is not None
    when = seg.stamp if by_stamp else seg.t
    ok = np.ones(len(when), bool)
    for stream in s.obs:
        times = np.sort(stream.stamp if by_stamp else stream.t)
        j = np.searchsorted(times, when, side='right') - 1
        jj = np.maximum(j, 0)
        age = when - times[jj]
        silence = np.append(np.diff(times), np.iinfo(np.int64).max)[jj]
        period = np.median(np.diff(times)) if len(times) > 1 else 0
        ok &= (j >= 0) & ((silence <= max_gap * 1e9) | (age <= 1.5 * period))
    notes.stale_steps += int((~ok).sum())
    pieces = []
    for r in _runs(np.append(True, ok[1:] != ok[:-1])):
        if ok[r.start]:
            # A marker episode cut by a gap loses its start or end; a uniform segment has no
            # known start or end, gaps are how its episodes are told apart.
            whole = r.start == 0 and r.stop == len(ok)
            pieces.append(_cut(seg, r, seed=seg.seed if r.start == 0 else None,
                               partial=seg.partial or (seg.from_markers and not whole)))
    return pieces


def _episode(s: DemoStreams, seg: _Segment, notes: EpisodeNotes,
             after: int | None = None) -> Episode | None:
    """Sample one segment; None if no command was issued in it.

    A command counts only if it was issued after log time ``after`` (default: the segment's
    first step): the hold of the previous episode's last target is not a response to this
    episode's states. Marker episodes pass the previous episode's end, since the command
    that starts a waiting sim arrives just before the start marker it triggers.
    """
    by_stamp = seg.stamp is not None
    when = seg.stamp if by_stamp else seg.t
    actions = s.actions
    cmd = actions.hold(seg.t[1:])
    after = seg.t[0] if after is None else after
    valid = (cmd >= 0) & (actions.t[np.maximum(cmd, 0)] > after)
    if not valid.any():
        notes.trimmed_steps += len(seg.t)
        return None
    k = int(np.argmax(valid))
    notes.trimmed_steps += k
    when, cmd = when[k:], cmd[k:]
    obs = np.concatenate([o.values[o.hold(when, by_stamp)] for o in s.obs], axis=1)
    return Episode(observations=obs, actions=actions.values[cmd], task=seg.task,
                   seed=seg.seed if k == 0 else None, success=bool(seg.success),
                   success_known=seg.success is not None,
                   timestamps=(when - when[0]) * 1e-9)


def streams_to_episodes(s: DemoStreams, rate: float = 10.0, grid: str = 'auto',
                        default_task: str = '', max_gap: float = 0.5, reset_jump: float = 0.05,
                        min_steps: int = 5, drop_partial: bool = False,
                        ) -> tuple[list[Episode], EpisodeNotes]:
    """Cut streams into episodes (see the module docstring for the contract).

    Args:
        s: the recorded streams.
        rate: policy rate in Hz (``uniform`` grid).
        grid: ``auto``, ``markers`` or ``uniform``.
        default_task: task for episodes with neither a marker task nor a ``/lwd/task``.
        max_gap: seconds of silence of an observation topic that make a gap (steps inside it are
            dropped and the episode splits there).
        reset_jump: how far (m, or rad for revolute joints) a position may move between two
            messages before it counts as a reset (``uniform`` grid).
        min_steps: episodes with fewer actions are dropped.
        drop_partial: drop marker episodes whose start or end was not recorded.

    Raises:
        ValueError: no states to build observations from, or an episode without a task.
    """
    if grid not in GRIDS:
        raise ValueError(f'{grid=} is not one of {GRIDS}')
    empty = [label for o, label in zip(s.obs, s.obs_labels) if not len(o)]
    if empty or not s.obs:
        raise ValueError(f'no messages for {empty or "any observation"}: every observation '
                         'block needs its topic recorded')
    use_markers = grid == 'markers' or (grid == 'auto' and len(s.markers) > 0)
    if use_markers and not len(s.markers):
        raise ValueError('grid=markers but the bag has no episode markers')
    notes = EpisodeNotes(grid='markers' if use_markers else 'uniform')
    segments = (marker_segments(s) if use_markers
                else uniform_segments(s, rate, reset_jump))
    episodes = []
    previous_end = np.iinfo(np.int64).min
    for seg in segments:
        after = previous_end if seg.from_markers else None
        previous_end = int(seg.t.max())
        if seg.stamp is not None:
            notes.aligned_by = 'stamp'
        for piece in _fresh_pieces(s, seg, max_gap, notes):
            piece.task = piece.task or _task_at(s, int(piece.t[0]), default_task)
            if not piece.task:
                raise ValueError(
                    f'no task for the episode starting at log time {piece.t[0] * 1e-9:.3f} s: '
                    'no task in the episode markers, no task topic message; give a default')
            if drop_partial and piece.partial:
                notes.dropped_partial += 1
                continue
            ep = _episode(s, piece, notes, after) if len(piece.t) > 1 else None
            if ep is None or len(ep) < min_steps:
                notes.dropped_short += 1
                continue
            episodes.append(ep)
    return episodes, notes
