# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Per-dimension affine normalisation of model inputs and outputs (stored in checkpoints)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# Why a floor: a constant dimension (a fixed joint, a single goal) has std 0 and would
# divide by zero; 1e-6 metres or radians is far below anything a sensor resolves.
STD_FLOOR = 1e-6


@dataclass
class NormStats:
    """Per-dimension affine normalisation ``x_n = (x - mean) / std`` for observations/actions.

    Args:
        obs_mean: ``(obs_dim,)``.
        obs_std: ``(obs_dim,)``, strictly positive.
        act_mean: ``(act_dim,)``.
        act_std: ``(act_dim,)``, strictly positive.
    """

    obs_mean: np.ndarray
    obs_std: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray

    def __post_init__(self):
        for name in ('obs_mean', 'obs_std', 'act_mean', 'act_std'):
            value = np.asarray(getattr(self, name), np.float32)
            if value.ndim != 1 or not np.all(np.isfinite(value)):
                raise ValueError(f'{name}={value!r} must be a finite 1-D array')
            setattr(self, name, value)
        if self.obs_mean.shape != self.obs_std.shape or self.act_mean.shape != self.act_std.shape:
            raise ValueError(f'{self.obs_mean.shape=} {self.obs_std.shape=} '
                             f'{self.act_mean.shape=} {self.act_std.shape=} must match pairwise')
        if np.any(self.obs_std <= 0) or np.any(self.act_std <= 0):
            raise ValueError(f'{self.obs_std=} and {self.act_std=} must be positive')

    @property
    def obs_dim(self) -> int:
        return int(self.obs_mean.size)

    @property
    def act_dim(self) -> int:
        return int(self.act_mean.size)

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-safe form, stored in a checkpoint's ``meta.json``."""
        return {k: getattr(self, k).astype(float).tolist()
                for k in ('obs_mean', 'obs_std', 'act_mean', 'act_std')}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NormStats:
        return cls(**{k: np.asarray(data[k], np.float32)
                      for k in ('obs_mean', 'obs_std', 'act_mean', 'act_std')})
