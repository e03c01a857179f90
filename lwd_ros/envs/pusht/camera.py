# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT's camera: the top-down picture gym-pusht gives as its pixel observation.

Why redraw gym-pusht's picture instead of rendering the MuJoCo scene: a model trained on our
frames should also run in the original gym-pusht (``obs_type='pixels_agent_pos'``), the
Diffusion Policy paper's image protocol. The pixels must therefore match: the same
512 x 512 canvas (1 px = 1 mm, pymunk's frame, row = y), the same colours and shapes (a
white table, the goal T in LightGreen, the grey walls, the T LightSlateGray with a 4 px
rim, then the pusher RoyalBlue with a lighter core) and the same resize to 96 x 96 (OpenCV's
bilinear, no antialiasing). Not drawn: the red contact lines pymunk's debug drawing adds
while the pusher touches the T (one pixel wide on the canvas).
``bench/bench_pusht_camera.py`` measures the difference on the same states. Numpy and
Pillow only.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from lwd_ros.envs.pusht import geometry as geom

CANVAS = 512  # px: gym-pusht draws here, then resizes
SIZE = 96  # px: its observation
WHITE = (255, 255, 255)
GOAL = (144, 238, 144)  # pygame's LightGreen
WALL = (211, 211, 211)  # LightGray
PUSHER = (65, 105, 225)  # RoyalBlue
BLOCK = (119, 136, 153)  # LightSlateGray
RIM = 2  # px: the radius of the outline pymunk's debug drawing gives shapes and walls
WALLS = (((5, 506), (5, 5)), ((5, 5), (506, 5)), ((506, 5), (506, 506)),
         ((5, 506), (506, 506)))
# The T as gym-pusht builds it: two boxes, each drawn with its own rim.
BOXES = (geom.T_OUTLINE[[0, 1, 2, 7]], geom.T_OUTLINE[[6, 3, 4, 5]])


def light(color: tuple[int, ...]) -> tuple[int, ...]:
    """The lighter fill pymunk's drawing gives a shape (x1.2, clipped, rounded)."""
    return tuple(int(round(min(1.2 * c, 255.0))) for c in color)


def _px(points_m: np.ndarray) -> list[tuple[int, int]]:
    return [(int(round(x)), int(round(y))) for x, y in np.asarray(points_m) / geom.M_PER_PX]


def _disc(draw: ImageDraw.ImageDraw, x: int, y: int, r: int, color) -> None:
    """A filled circle as pygame draws one: ``2 r`` pixels across, from ``x - r``."""
    draw.ellipse([x - r, y - r, x + r - 1, y + r - 1], fill=color)


def _fat_segment(draw: ImageDraw.ImageDraw, a, b, color) -> None:
    """The rim pymunk draws (its pygame ``draw_fat_segment``): a 4 px line, a band, round ends.

    pygame's 4 px line spans -1..+2 across it; the band is offset along ``(|dy|, |dx|)``, with
    the absolute values pymunk uses, so it leans on some edges as in gym-pusht's frames.
    """
    dx = 1 if abs(b[1] - a[1]) > abs(b[0] - a[0]) else 0  # Pillow's steep lines sit 1 px left
    draw.line([(a[0] + dx, a[1]), (b[0] + dx, b[1])], fill=color, width=2 * RIM)
    ox, oy = abs(b[1] - a[1]), abs(b[0] - a[0])
    if ox or oy:
        scale = RIM / (ox * ox + oy * oy) ** 0.5
        ox, oy = round(ox * scale), round(oy * scale)
        draw.polygon([(a[0] - ox, a[1] - oy), (a[0] + ox, a[1] + oy),
                      (b[0] + ox, b[1] + oy), (b[0] - ox, b[1] - oy)], fill=color)
    for x, y in (a, b):
        _disc(draw, x, y, RIM, color)


def draw_canvas(agent_xy: np.ndarray, block_pose: np.ndarray,
                goal_pose: np.ndarray) -> np.ndarray:
    """The 512 x 512 RGB canvas of one state (positions in metres, angles in radians)."""
    image = Image.new('RGB', (CANVAS, CANVAS), WHITE)
    draw = ImageDraw.Draw(image)
    for box in BOXES:
        draw.polygon(_px(geom.to_world(np.asarray(goal_pose), box)), fill=GOAL)
    for a, b in WALLS:
        _fat_segment(draw, a, b, WALL)
    for box in BOXES:
        corners = _px(geom.to_world(np.asarray(block_pose), box))
        draw.polygon(corners, fill=light(BLOCK))
        for i, a in enumerate(corners):
            _fat_segment(draw, a, corners[(i + 1) % len(corners)], BLOCK)
    (x, y), = _px(np.asarray(agent_xy)[None])
    r = int(round(geom.AGENT_RADIUS / geom.M_PER_PX))
    _disc(draw, x, y, r, PUSHER)
    _disc(draw, x, y, r - 4, light(PUSHER))
    return np.asarray(image)


def _taps(n: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Taps of OpenCV's ``INTER_LINEAR`` along one axis: low, high source index, weight of high."""
    src = np.clip((np.arange(size) + 0.5) * n / size - 0.5, 0, n - 1)
    lo = np.floor(src).astype(int)
    return lo, np.minimum(lo + 1, n - 1), src - lo


def resize_linear(image: np.ndarray, size: int | tuple[int, int]) -> np.ndarray:
    """An image resized as OpenCV's ``INTER_LINEAR`` does (half-pixel centres, no blur).

    ``size``: pixels of a square, or ``(height, width)``. Why not Pillow's: it averages over
    the whole footprint when shrinking, which blurs thin edges that gym-pusht's frames keep.
    """
    height, width = (size, size) if isinstance(size, int) else size
    lo, hi, w = _taps(image.shape[0], height)
    rows = (image[lo].astype(np.float32) * (1 - w[:, None, None])
            + image[hi] * w[:, None, None])
    lo, hi, w = _taps(image.shape[1], width)
    out = rows[:, lo] * (1 - w[None, :, None]) + rows[:, hi] * w[None, :, None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def render(agent_xy: np.ndarray, block_pose: np.ndarray, goal_pose: np.ndarray,
           size: int | tuple[int, int] = SIZE) -> np.ndarray:
    """The ``(height, width, 3)`` uint8 frame gym-pusht would observe in this state.

    ``size``: pixels of a square (gym-pusht's ``SIZE``), or ``(height, width)``.
    """
    return resize_linear(draw_canvas(agent_xy, block_pose, goal_pose), size)
