# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""``lwd render --robot mt10``: one Sawyer switching through MT10 tasks under generated policies.

What the ROS graph does on a task switch, in one process: the generator samples a policy for
the new task and scene, the MLP runs it until the task succeeds, then the next task::

    MUJOCO_GL=osmesa PYOPENGL_PLATFORM=osmesa lwd render --robot mt10 \\
        --checkpoint models/mt10 --out docs/mt10_switch.gif
"""

from __future__ import annotations

import argparse

import numpy as np

DEFAULT_TASKS = 'drawer-open-v3,button-press-topdown-v3,window-close-v3'


def caption(frame: np.ndarray, text: str) -> np.ndarray:
    from PIL import Image, ImageDraw

    image = Image.fromarray(frame)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, image.width, 16), fill=(0, 0, 0))
    draw.text((4, 2), text, fill=(255, 255, 255))
    return np.asarray(image)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--checkpoint', default='models/mt10')
    parser.add_argument('--tasks', default=DEFAULT_TASKS, help='comma-separated, in order')
    parser.add_argument('--seed', type=int, default=100000)
    parser.add_argument('--max-steps', type=int, default=200, help='per task')
    parser.add_argument('--every', type=int, default=2, help='keep every n-th frame')
    parser.add_argument('--size', type=int, default=240)
    parser.add_argument('--out', default='docs/mt10_switch.gif')


def run(args: argparse.Namespace) -> int:
    import imageio.v2 as imageio

    from lwd_ros.config import resolve_path
    from lwd_ros.envs.mt10.env import MT10Env
    from lwd_ros.evaluation.rollout import lwd_source

    source = lwd_source(resolve_path(args.checkpoint))
    env = MT10Env(render_mode='rgb_array', size=args.size)
    frames, results = [], []
    for k, task in enumerate(args.tasks.split(',')):
        obs, _ = env.reset(seed=args.seed + k, options={'task': task})
        source.reset(task, args.seed + k)
        success = False
        for step in range(args.max_steps):
            obs, _, success, truncated, _ = env.step(source.act(obs))
            if step % args.every == 0 or success:
                label = f'/lwd/task: {task}' + ('  SUCCESS' if success else '')
                frames.append(caption(env.render()[::-1].copy(), label))  # camera is flipped
            if success or truncated:
                break
        frames += frames[-1:] * 10  # hold the outcome for a moment
        results.append((task, success, step + 1))
        print(f'{task}: {"success" if success else "no success"} in {step + 1} steps')
    imageio.mimsave(args.out, frames, duration=1000 * args.every / 80, loop=0)
    print(f'wrote {args.out} ({len(frames)} frames)')
    env.close()
    return 0 if all(ok for _, ok, _ in results) else 1
