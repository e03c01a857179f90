# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Mirror demonstrations about the goal's symmetry axis: twice the data, same physics.

The T is mirror-symmetric about its stem axis, the pusher is a disc, friction is isotropic
and the centre of gravity lies on the axis, so a demonstration reflected about the *goal* T's
stem axis is again a valid demonstration of the same task: points ``p`` map to ``S p`` in
the goal frame (``S = diag(-1, 1)``) and the block's yaw relative to the goal flips sign.
The walls are not symmetric about every goal's axis, so reflected episodes that leave the
walled workspace are dropped. In the goal frame the three PushT goals are one problem, so
every kept mirror teaches every goal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from lwd_ros.data.episode import Episode
from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht.env import WALL_INNER


def _mirror_points(xy: np.ndarray, goal: Sequence[float]) -> np.ndarray:
    gx, gy, yaw = goal
    rot = geom.rotation(yaw)
    local = (xy - [gx, gy]) @ rot  # world -> goal frame (R^T p, row vectors)
    local[:, 0] *= -1.0
    return local @ rot.T + [gx, gy]


def mirror_episode(ep: Episode, goal: Sequence[float]) -> Episode | None:
    """``ep`` reflected about ``goal``'s stem axis, or None if it leaves the workspace."""
    obs = np.asarray(ep.observations, np.float64).copy()
    act = np.asarray(ep.actions, np.float64).copy()
    obs[:, 0:2] = _mirror_points(obs[:, 0:2], goal)
    obs[:, 2:4] = _mirror_points(obs[:, 2:4], goal)
    obs[:, 4] = (2.0 * goal[2] - obs[:, 4]) % (2.0 * np.pi)
    act = _mirror_points(act, goal)
    lo, hi = WALL_INNER
    r = geom.AGENT_RADIUS
    agent_ok = np.all((obs[:, :2] > lo + r) & (obs[:, :2] < hi - r))
    corners = np.concatenate([geom.to_world(pose, geom.T_OUTLINE) for pose in obs[:, 2:5]])
    if not (agent_ok and corners.min() > lo and corners.max() < hi
            and np.all((act > 0.0) & (act < 0.512))):
        return None
    return Episode(obs, act, ep.task, seed=None, success=ep.success)


def mirrored(episodes: Sequence[Episode],
             task_poses: Mapping[str, Sequence[float]]) -> list[Episode]:
    """The reflections of ``episodes`` that stay inside the workspace (see module doc)."""
    out = (mirror_episode(ep, task_poses[ep.task]) for ep in episodes)
    return [ep for ep in out if ep is not None]
