# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT's camera draws gym-pusht's picture: where things are, their colours, the resize.

The pixel match with gym-pusht itself is a benchmark (bench/bench_pusht_camera.py: gym-pusht
is not a dependency); these tests pin what the match rests on.
"""

import numpy as np

from lwd_ros.envs.pusht import camera
from lwd_ros.envs.pusht import geometry as geom

GOAL = np.array([0.256, 0.256, np.pi / 4])
PX = camera.SIZE / camera.CANVAS / geom.M_PER_PX  # 96 px frame pixels per metre


def _green(frame):
    return int(np.all(frame == camera.GOAL, axis=-1).sum())


def test_the_resize_is_opencvs_bilinear_without_antialiasing():
    # halving: each output pixel is the mean of a 2 x 2 block (half-pixel centres)
    image = np.random.default_rng(0).integers(0, 256, (8, 8, 3)).astype(np.uint8)
    blocks = image.reshape(4, 2, 4, 2, 3).astype(float).mean(axis=(1, 3))
    np.testing.assert_allclose(camera.resize_linear(image, 4), blocks, atol=0.51)
    # 512 -> 96: output pixel i samples the source at (i + 0.5) * 512 / 96 - 0.5, between
    # two pixels only (no average over the 5.3 px footprint, unlike Pillow's resize)
    ramp = np.tile(np.arange(512, dtype=np.uint8)[None, :, None] // 2, (512, 1, 3))
    ramp[:, 100] = 255  # a spike an area average would spread over its neighbours
    out = camera.resize_linear(ramp, 96)
    x = 19.5 * 512 / 96 - 0.5  # output column 19 samples between source columns 103, 104
    assert out[0, 19, 0] == round(ramp[0, 103, 0] * (104 - x) + ramp[0, 104, 0] * (x - 103))
    assert out[0, 18, 0] == 49  # samples columns 98-99; the spike at 100 falls between


def test_the_pusher_is_where_the_state_says_in_pymunks_frame():
    frame = camera.render(np.array([0.1, 0.05]), np.array([0.4, 0.4, 0.0]), GOAL)
    row, col = round(0.05 * PX), round(0.1 * PX)  # image rows follow y: near the top
    np.testing.assert_array_equal(frame[row, col], camera.light(camera.PUSHER))
    assert frame.shape == (96, 96, 3) and frame.dtype == np.uint8
    assert tuple(frame[48, 2]) == camera.WHITE and tuple(frame[48, 0]) != camera.WHITE  # wall


def test_a_t_on_its_goal_hides_the_goal():
    away = camera.render(np.array([0.05, 0.05]), np.array([0.1, 0.4, 0.0]), GOAL)
    home = camera.render(np.array([0.05, 0.05]), GOAL, GOAL)
    assert _green(away) > 100 and _green(home) == 0
    centre = geom.to_world(GOAL, geom.COG_LOCAL[None])[0] * PX
    np.testing.assert_array_equal(home[round(centre[1]), round(centre[0])],
                                  camera.light(camera.BLOCK))
