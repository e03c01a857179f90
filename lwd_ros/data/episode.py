# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The one in-memory record of a demonstration, shared by collection, bags and training."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Episode:
    """A demonstration at the policy rate.

    Args:
        observations: ``(T + 1, obs_dim)`` float32, ``observations[t]`` seen before
            ``actions[t]``; the last row is the state after the final action.
        actions: ``(T, act_dim)`` float32, in the order of the spec's commanded joints.
        task: the task name (one of the spec's tasks).
        seed: the reset seed that produced it, if known.
        success: whether the episode met the task's success criterion (False when unknown).
        timestamps: optional ``(T + 1,)`` seconds from the episode start.
        success_known: whether ``success`` was observed (a sim's verdict, a teleoperator's
            ``lwd mark``); False for a bag episode nobody labelled. A separate flag, not a
            third value of ``success``, so code that only reads ``success`` never counts an
            unlabelled demonstration as a success.
        frames: camera frames per image block, keyed by ``observations.image.key(block)``:
            ``(T + 1, height, width, channels)`` uint8 as ``image.decode`` gives them, one per
            observation row. The rows' own entries for that block (its features) are zeros
            here: the encoder computes them from these frames while it trains.
    """

    observations: np.ndarray
    actions: np.ndarray
    task: str
    seed: int | None = None
    success: bool = True
    timestamps: np.ndarray | None = field(default=None, repr=False)
    success_known: bool = True
    frames: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.observations = np.asarray(self.observations, np.float32)
        self.actions = np.asarray(self.actions, np.float32)
        if self.observations.ndim != 2 or self.actions.ndim != 2:
            raise ValueError(f'{self.observations.shape=} and {self.actions.shape=} must be 2-D')
        if not self.success_known:
            self.success = False  # an unknown outcome is never counted as a success
        if len(self.observations) != len(self.actions) + 1:
            raise ValueError(
                f'need one more observation than actions: {self.observations.shape=} '
                f'{self.actions.shape=}')
        for key, f in self.frames.items():
            if f.dtype != np.uint8 or f.ndim != 4 or len(f) != len(self.observations):
                raise ValueError(f'frames {key!r}: {f.dtype} {f.shape}, need uint8 '
                                 f'({len(self.observations)}, height, width, channels)')

    def __len__(self) -> int:
        return len(self.actions)

    @property
    def outcome(self) -> str:
        """``'success'``, ``'fail'`` or ``'unknown'`` (no verdict recorded)."""
        if not self.success_known:
            return 'unknown'
        return 'success' if self.success else 'fail'
