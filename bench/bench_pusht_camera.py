# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""PushT's camera against gym-pusht's pixels on the same states: JSON + a picture.

``lwd_ros.envs.pusht.camera`` redraws gym-pusht's 96 x 96 observation so that a model
trained on our frames runs in the original env (issue: image PushT on the Diffusion Policy
protocol). This bench puts both on the same states and reports how far apart the pixels are.
gym-pusht is installed for the bench only, never as a dependency of lwd_ros::

    pip install gym-pusht==0.1.8 cffi   # pulls pymunk<7, pygame and opencv-python

States: gym-pusht's own starts (seeds 100000 onwards, the protocol's), then ``--steps``
random pushes from each (targets around the pusher, sd 30 px), so frames with contact,
rotated Ts and a pusher on the T's rim all count. Per frame: the mean absolute difference
(0-255, over pixels and channels), and the share of pixels off by more than 20 in some
channel. Our render time per frame is the median over the frames.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from lwd_ros.envs.pusht import camera
from lwd_ros.report import emit_json

os.environ.setdefault('PYGAME_HIDE_SUPPORT_PROMPT', '1')  # gym-pusht imports pygame
SEED = 100_000  # diffusion_policy's first test seed
OFF = 20  # a channel this far off counts the pixel as different


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--episodes', type=int, default=50)
    parser.add_argument('--steps', type=int, default=40)
    parser.add_argument('--json', default='results/cameras/pusht_camera.json')
    parser.add_argument('--picture', default='results/cameras/pusht_camera.png')
    args = parser.parse_args()

    import gym_pusht  # noqa: F401  (registers gym_pusht/PushT-v0)
    import gymnasium as gym

    env = gym.make('gym_pusht/PushT-v0', obs_type='pixels_agent_pos', render_mode='rgb_array')
    rng = np.random.default_rng(0)
    means, shares, times, shown = [], [], [], []
    for episode in range(args.episodes):
        env.reset(seed=SEED + episode)
        u = env.unwrapped
        for step in range(args.steps):
            agent = np.array(u.agent.position) / 1000
            block = np.array([*u.block.position, u.block.angle]) / [1000, 1000, 1]
            goal = np.array(u.goal_pose) / [1000, 1000, 1]
            theirs = u._render()  # the observation's frame, as get_obs() takes it
            t0 = time.perf_counter()
            ours = camera.render(agent, block, goal)
            times.append(time.perf_counter() - t0)
            diff = np.abs(theirs.astype(int) - ours.astype(int))
            means.append(float(diff.mean()))
            shares.append(float((diff.max(-1) > OFF).mean()))
            if episode < 4 and step in (0, args.steps - 1):
                shown.append((theirs, ours, diff))
            u.step(np.clip(agent * 1000 + rng.normal(0, 30, 2), 0, 512))
    env.close()
    means, shares = np.array(means), np.array(shares)
    result = {
        'benchmark': 'pusht_camera', 'machine': f'{platform.machine()} {os.cpu_count()} cpu',
        'reference': 'gym-pusht 0.1.8 obs_type=pixels_agent_pos (96 x 96 RGB)',
        'states': {'episodes': args.episodes, 'steps_each': args.steps,
                   'seeds': [SEED, SEED + args.episodes - 1],
                   'pushes': 'target = pusher + N(0, 30 px) per step'},
        'frames': len(means),
        'mean_abs_difference_0_255': round(float(means.mean()), 3),
        'p99_frame_mean_abs_difference': round(float(np.percentile(means, 99)), 3),
        'worst_frame_mean_abs_difference': round(float(means.max()), 3),
        f'pixels_off_by_more_than_{OFF}': round(float(shares.mean()), 5),
        f'worst_frame_pixels_off_by_more_than_{OFF}': round(float(shares.max()), 5),
        'our_render_ms_median': round(1000 * float(np.median(times)), 3),
        'not_drawn': "pymunk's red contact lines (1 px on gym-pusht's 512 px canvas)",
    }
    emit_json(result, args.json)
    if args.picture:
        _picture(shown, args.picture)
    return 0


def _picture(shown, path: str) -> None:
    """Rows of gym-pusht | ours | |difference| x 4, upscaled 3x."""
    from PIL import Image

    rows = [np.concatenate([t, o, np.clip(4 * d, 0, 255).astype(np.uint8)], axis=1)
            for t, o, d in shown]
    grid = np.concatenate(rows, axis=0)
    Image.fromarray(grid).resize((grid.shape[1] * 3, grid.shape[0] * 3), Image.NEAREST).save(
        path)


if __name__ == '__main__':
    raise SystemExit(main())
