# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT geometry in metres: the T, the pusher, coverage, keypoints and contact sides.

Everything here is the task *definition* of the original PushT (Diffusion Policy, Chi et al.
2023; huggingface/gym-pusht), rescaled with one constant, so the numbers are not config: the
512 x 512 px workspace becomes 0.512 x 0.512 m at ``M_PER_PX = 0.001`` (1 px = 1 mm).

Pose convention (the original pymunk body frame): a block pose ``(x, y, yaw)`` places the
T's local frame in the world, ``world = (x, y) + R(yaw) @ local``; the local origin is the
middle of the crossbar's outer edge and the stem points along local +y::

        (-60, 0) +-------------------+ (60, 0)        local mm, y grows downwards here
                 |      crossbar     |
       (-60, 30) +------+     +------+ (60, 30)
                        | stem|
                        |     |
            (-15, 120)  +-----+ (15, 120)

``yaw`` is counter-clockwise about world +z; observations wrap it to ``[0, 2 pi)`` as the
original does. The centre of gravity is at local (0, 45) mm.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon

M_PER_PX = 0.001  # one documented scale: 1 px of the original = 1 mm
WORKSPACE = 512 * M_PER_PX  # side of the square workspace [0, WORKSPACE]^2, metres
AGENT_RADIUS = 15 * M_PER_PX  # pusher disc radius
BAR_HALF_LENGTH = 60 * M_PER_PX  # crossbar 120 x 30 px ("length * scale" with scale 30)
BAR_WIDTH = 30 * M_PER_PX
STEM_HALF_WIDTH = 15 * M_PER_PX  # stem 30 x 90 px below the bar
STEM_END = 120 * M_PER_PX
# The original sets the centre of gravity to the mean of the two rectangles' centroids, (0, 45)
# px, not the area-weighted (0, 40.7); kept for fidelity.
COG_LOCAL = np.array([0.0, 45 * M_PER_PX])

# The T outline in local coordinates, counter-clockwise in a y-up frame (8 corners).
T_OUTLINE = np.array([
    [-BAR_HALF_LENGTH, 0.0], [BAR_HALF_LENGTH, 0.0], [BAR_HALF_LENGTH, BAR_WIDTH],
    [STEM_HALF_WIDTH, BAR_WIDTH], [STEM_HALF_WIDTH, STEM_END], [-STEM_HALF_WIDTH, STEM_END],
    [-STEM_HALF_WIDTH, BAR_WIDTH], [-BAR_HALF_LENGTH, BAR_WIDTH],
])
# Edge i joins T_OUTLINE[i] and T_OUTLINE[i + 1]: names used for first-contact statistics.
T_EDGES = ('bar_top', 'bar_right_end', 'bar_under_right', 'stem_right', 'stem_end',
           'stem_left', 'bar_under_left', 'bar_left_end')
# The 8 corners of the original's two rectangles (gym-pusht ``get_keypoints`` order).
T_KEYPOINTS = np.array([
    [-BAR_HALF_LENGTH, 0.0], [BAR_HALF_LENGTH, 0.0], [BAR_HALF_LENGTH, BAR_WIDTH],
    [-BAR_HALF_LENGTH, BAR_WIDTH], [-STEM_HALF_WIDTH, BAR_WIDTH], [STEM_HALF_WIDTH, BAR_WIDTH],
    [STEM_HALF_WIDTH, STEM_END], [-STEM_HALF_WIDTH, STEM_END],
])
T_AREA = 2 * BAR_HALF_LENGTH * BAR_WIDTH + 2 * STEM_HALF_WIDTH * (STEM_END - BAR_WIDTH)


def rotation(yaw: float | np.ndarray) -> np.ndarray:
    """2-D rotation matrices ``(..., 2, 2)`` for counter-clockwise ``yaw`` in radians."""
    c, s = np.cos(yaw), np.sin(yaw)
    return np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)


def to_world(pose: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Map local points ``(P, 2)`` through poses ``(..., 3)`` to world points ``(..., P, 2)``."""
    pose = np.asarray(pose, np.float64)
    rot = rotation(pose[..., 2])  # (..., 2, 2)
    return np.einsum('...ij,pj->...pi', rot, local) + pose[..., None, :2]


def to_local(pose: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Inverse of ``to_world`` for one pose ``(3,)`` and world points ``(P, 2)``."""
    rot = rotation(float(pose[2]))
    return (np.asarray(points, np.float64) - pose[:2]) @ rot


def t_polygon(pose: np.ndarray) -> Polygon:
    """The T at ``pose`` as one valid shapely polygon (the union of the two rectangles)."""
    return Polygon(to_world(pose, T_OUTLINE))


def coverage(block_pose: np.ndarray, goal_pose: np.ndarray) -> float:
    """Area(block ∩ goal) / area(goal), exactly, as the original PushT success measure."""
    goal = t_polygon(goal_pose)
    return float(shapely.intersection(t_polygon(block_pose), goal).area / goal.area)


def keypoint_error(block_poses: np.ndarray, goal_pose: np.ndarray) -> np.ndarray:
    """Mean squared distance (m^2) between the 8 T corners at ``block_poses (..., 3)`` and goal.

    A smooth, vectorised stand-in for coverage that the MPC can evaluate on thousands of
    rollout states: it is zero exactly at the goal pose and grows with position and yaw error.
    """
    diff = to_world(block_poses, T_KEYPOINTS) - to_world(goal_pose, T_KEYPOINTS)
    return np.mean(np.sum(diff * diff, -1), -1)


def pose_error(block_poses: np.ndarray, goal_pose: np.ndarray,
               rotation_weight: float = 1.0) -> np.ndarray:
    """Keypoint error split into translation and rotation, with the rotation re-weighted.

    For a rigid body the mean squared keypoint distance is exactly ``|dc|^2 + 2 (1 - cos dyaw)
    rho^2`` (``c`` the keypoints' centroid, ``rho^2`` their mean squared distance to it);
    ``rotation_weight = 1`` gives ``keypoint_error``. A larger weight makes a planner turn the
    block even when that costs some translation, which pure keypoint error discourages when
    the block is upside down near its goal.
    """
    poses = np.asarray(block_poses, np.float64)
    goal = np.asarray(goal_pose, np.float64)
    centroid = T_KEYPOINTS.mean(0)
    rho2 = np.mean(np.sum((T_KEYPOINTS - centroid) ** 2, -1))
    dc = to_world(poses, centroid[None])[..., 0, :] - to_world(goal, centroid[None])[0]
    turn = 2.0 * (1.0 - np.cos(poses[..., 2] - goal[2])) * rho2
    return np.sum(dc * dc, -1) + rotation_weight * turn


def outward_normals() -> np.ndarray:
    """Outward unit normals ``(8, 2)`` of the T edges in local coordinates."""
    edges = np.roll(T_OUTLINE, -1, 0) - T_OUTLINE
    normals = np.stack([edges[:, 1], -edges[:, 0]], -1)
    return normals / np.linalg.norm(normals, axis=-1, keepdims=True)


def distance_to_t(block_pose: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Unsigned distance (m) from world points ``(P, 2)`` to the T at ``block_pose``.

    Zero inside the T; the pusher touches the block when this is ``AGENT_RADIUS``.
    """
    poly = t_polygon(block_pose)
    return shapely.distance(poly, shapely.points(np.asarray(points, np.float64)))


def nearest_edge(block_pose: np.ndarray, point: np.ndarray) -> int:
    """Index into ``T_EDGES`` of the edge of the T nearest to a world point."""
    p = to_local(block_pose, np.asarray(point, np.float64)[None])[0]
    a, b = T_OUTLINE, np.roll(T_OUTLINE, -1, 0)
    ab = b - a
    t = np.clip(np.sum((p - a) * ab, -1) / np.sum(ab * ab, -1), 0.0, 1.0)
    closest = a + t[:, None] * ab
    return int(np.argmin(np.sum((closest - p) ** 2, -1)))


def first_contact_edge(observations: np.ndarray, tol: float = 1e-3) -> str | None:
    """Name of the T edge the pusher touches first in ``(T, 5)`` PushT observations, if any.

    Contact means the pusher disc is within ``tol`` metres of the T outline; this works on
    stored datasets, so diversity can be reported without re-simulating.
    """
    obs = np.asarray(observations, np.float64)
    for row in obs:
        pose = row[2:5]
        if distance_to_t(pose, row[None, :2])[0] <= AGENT_RADIUS + tol:
            return T_EDGES[nearest_edge(pose, row[:2])]
    return None


def _rect_distance(points: np.ndarray, centre: tuple[float, float],
                   half: tuple[float, float]) -> np.ndarray:
    d = np.maximum(np.abs(points - np.asarray(centre)) - np.asarray(half), 0.0)
    return np.hypot(d[..., 0], d[..., 1])


def distance_to_t_local(points: np.ndarray) -> np.ndarray:
    """Unsigned distance (m) from local points ``(..., 2)`` to the T; numpy, no shapely.

    The T is the union of two rectangles, so the distance from an outside point is the smaller
    of the two rectangle distances (0 inside). Fast enough for the MPC's path checks.
    """
    p = np.asarray(points, np.float64)
    bar = _rect_distance(p, (0.0, BAR_WIDTH / 2), (BAR_HALF_LENGTH, BAR_WIDTH / 2))
    stem_half = (STEM_END - BAR_WIDTH) / 2
    stem = _rect_distance(p, (0.0, BAR_WIDTH + stem_half), (STEM_HALF_WIDTH, stem_half))
    return np.minimum(bar, stem)


def episode_signals(episode, goal_pose) -> dict[str, np.ndarray]:
    """What a PushT dataset stores per step: rewards and each state's coverage and success.

    The sim plugin's ``step_signals`` hook (``lwd_ros.data.minari_io``), so recordings from bags
    get the same rewards as collected ones. ``goal_pose`` None: the shipped task's goal.
    """
    from lwd_ros.envs.pusht.config import TASKS, PushTConfig

    goal = np.asarray(TASKS[episode.task] if goal_pose is None else goal_pose, np.float64)
    cov = np.array([coverage(row[2:5], goal) for row in episode.observations.astype(float)])
    threshold = PushTConfig.success_threshold
    return {'rewards': np.clip(cov[1:] / threshold, 0.0, 1.0), 'coverage': cov,
            'success': cov > threshold}
