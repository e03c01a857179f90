# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Can the image encoder see PushT's state? A probe trained on our camera's frames: JSON.

The first check of the image path (docs/cameras.md), before any policy is trained on
pixels. The encoder (``lwd_ros.learning.image_encoder``, 32 keypoints) and a linear head are
trained to read the state (pusher x, y; T x, y, angle) from 96 x 96 frames of
``lwd_ros.envs.pusht.camera``, for random states: pusher and T anywhere in the workspace,
any angle, the task ``classic``'s goal drawn. The held-out frames are scored in millimetres
and degrees, against guessing the mean. With ``--gym-pusht`` the same held-out states are
also drawn by gym-pusht itself (0.1.8, installed for the bench only) and scored with the
same probe: the gap is what training on our renders costs in the original env.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from lwd_ros.report import emit_json

GOAL = np.array([0.256, 0.256, np.pi / 4])  # gym-pusht's one goal = our task classic


def states(n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, 5)``: pusher x, y and T x, y, angle (m, rad) anywhere in the workspace."""
    return np.column_stack([rng.uniform(0.03, 0.48, (n, 2)), rng.uniform(0.1, 0.41, (n, 2)),
                            rng.uniform(0, 2 * np.pi, n)])


def our_frames(s: np.ndarray) -> np.ndarray:
    from lwd_ros.envs.pusht import camera

    return np.stack([camera.render(x[:2], x[2:], GOAL) for x in s])


def gym_pusht_frames(s: np.ndarray) -> np.ndarray:
    """The same states drawn by gym-pusht (angle first, so the T's origin lands on x, y)."""
    os.environ.setdefault('PYGAME_HIDE_SUPPORT_PROMPT', '1')
    from bench_dp_protocol import set_pose_exact  # bench/ is the script's directory
    import gym_pusht  # noqa: F401  (registers gym_pusht/PushT-v0)
    import gymnasium as gym

    env = gym.make('gym_pusht/PushT-v0', obs_type='pixels_agent_pos', render_mode='rgb_array')
    env.reset(seed=0)
    u, out = env.unwrapped, []
    for x in s:
        set_pose_exact(u, x[:2] * 1000, [*(x[2:4] * 1000), x[4]])
        for body in (u.agent, u.block):  # shapes follow their bodies only at a step: now
            u.space.reindex_shapes_for_body(body)
        out.append(u._render())
    env.close()
    return np.stack(out)


def targets(s: np.ndarray) -> np.ndarray:
    return np.column_stack([s[:, :4], np.cos(s[:, 4]), np.sin(s[:, 4])])


def errors(pred: np.ndarray, s: np.ndarray) -> dict:
    pusher = 1000 * np.linalg.norm(pred[:, :2] - s[:, :2], axis=1)
    block = 1000 * np.linalg.norm(pred[:, 2:4] - s[:, 2:4], axis=1)
    turn = np.arctan2(pred[:, 5], pred[:, 4]) - s[:, 4]
    angle = np.degrees(np.abs(np.angle(np.exp(1j * turn))))
    return {name: {'median': round(float(np.median(e)), 2),
                   'p90': round(float(np.percentile(e, 90)), 2)}
            for name, e in (('pusher_mm', pusher), ('t_position_mm', block),
                            ('t_angle_deg', angle))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--train', type=int, default=4000, help='training frames')
    parser.add_argument('--test', type=int, default=500, help='held-out frames')
    parser.add_argument('--steps', type=int, default=2000)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--gym-pusht', action='store_true',
                        help='also score gym-pusht\'s own frames of the held-out states')
    parser.add_argument('--json', default='results/cameras/encoder_probe.json')
    args = parser.parse_args()

    import torch
    from torch import nn
    from tqdm import trange

    from lwd_ros.learning.image_encoder import ImageEncoder

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    train_s, test_s = states(args.train, rng), states(args.test, rng)
    t0 = time.perf_counter()
    train_x, test_x = our_frames(train_s), our_frames(test_s)
    render_s = time.perf_counter() - t0
    y = targets(train_s)
    mean, std = y.mean(0), y.std(0)
    model = nn.Sequential(ImageEncoder((96, 96), 3, 64), nn.Linear(64, 6))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=args.steps)
    frames, goal = torch.from_numpy(train_x), torch.from_numpy((y - mean) / std).float()
    t0 = time.perf_counter()
    for _ in trange(args.steps, desc='probe', mininterval=5):
        idx = torch.from_numpy(rng.integers(0, args.train, args.batch))
        loss = nn.functional.mse_loss(model(frames[idx]), goal[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    train_s_wall = time.perf_counter() - t0

    def predict(x: np.ndarray) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            out = torch.cat([model(torch.from_numpy(x[i:i + 256]))
                             for i in range(0, len(x), 256)]).numpy()
        return out * std + mean

    result = {
        'benchmark': 'encoder_probe', 'machine': f'{platform.machine()} {os.cpu_count()} cpu',
        'frames': {'train': args.train, 'test': args.test, 'size': '96 x 96 rgb8'},
        'training': {'steps': args.steps, 'batch': args.batch, 'threads': args.threads,
                     'wall_s': round(train_s_wall, 1), 'render_s': round(render_s, 1),
                     'last_loss': round(float(loss), 5)},
        'ours': errors(predict(test_x), test_s),
        'guessing_the_mean': errors(np.tile(mean, (args.test, 1)), test_s),
    }
    if args.gym_pusht:
        result['gym_pusht_frames'] = errors(predict(gym_pusht_frames(test_s)), test_s)
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
