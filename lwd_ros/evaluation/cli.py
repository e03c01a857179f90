# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd eval``: closed-loop rollouts of an LWD generator or a BC or DP baseline, no ROS.

Examples::

    lwd eval --episodes 50 --seed 0 --action-horizon 8 --json out.json   # the shipped model
    lwd eval --robot ROBOT                               # another sim's shipped model
    lwd eval --checkpoint runs/my_onnx --sampler ddpm --action-horizon 32
    lwd eval --checkpoint runs/bc_small --episodes 50 --video bc.mp4 --video-episodes 2
    lwd eval --checkpoint runs/my_dp --episodes 50 --action-horizon 8
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from lwd_ros.config import resolve_path
from lwd_ros.evaluation import HELD_OUT_SEED

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--checkpoint', default=None,
                        help='LWD checkpoint, ONNX export, BC or DP checkpoint directory '
                        "(default: the shipped model of --env, else of the default env)")
    parser.add_argument('--episodes', type=int, default=50)
    parser.add_argument('--seed', type=int, default=HELD_OUT_SEED,
                        help='episode i uses seed + i (default: initial states no demo used)')
    parser.add_argument('--action-horizon', type=int, default=None,
                        help='control steps between generations (LWD) or actions '
                        'executed per sampled sequence (DP); default: what it was trained for')
    parser.add_argument('--task', help='evaluate this task only (default: cycle the env tasks)')
    parser.add_argument('--backend', choices=('auto', 'torch', 'onnx'), default='auto')
    parser.add_argument('--sampler', choices=('ddim', 'ddpm'),
                        help='ddim (fast) or ddpm (full chain); default from the checkpoint')
    parser.add_argument('--steps', type=int, help='DDIM steps (default from the checkpoint)')
    parser.add_argument('--warm-start', type=float, default=0.0,
                        help='warm-start strength in [0, 1) for regenerations (0 = off)')
    parser.add_argument('--noise-scale', type=float, default=1.0,
                        help='initial latent noise scale (1 = as trained)')
    parser.add_argument('--num-threads', type=int, default=1, help='generator threads')
    parser.add_argument('--device', default='cpu',
                        help='where torch samples: cpu | auto | cuda | cuda:N (LWD, DP)')
    parser.add_argument('--robot', '--env', dest='robot',
                        help="the simulated robot: a sim's name or gymnasium id (default: the "
                        'one the checkpoint was trained on)')
    parser.add_argument('--max-steps', type=int, help='cap on steps per episode')
    parser.add_argument('--json', metavar='PATH', help='write the full report as JSON')
    parser.add_argument('--video', metavar='PATH', help='write rollouts as .mp4 or .gif')
    parser.add_argument('--video-episodes', type=int, default=1,
                        help='how many episodes (from the first) go into --video')
    parser.add_argument('--no-progress', action='store_true')


def load_source(checkpoint: str | Path, horizon: int | None = None, backend: str = 'auto',
                sampler: str | None = None, num_steps: int | None = None,
                num_threads: int = 1, warm_start: float = 0.0, noise_scale: float = 1.0,
                device: str = 'cpu'):
    """The policy source a checkpoint's method builds (``lwd_ros.methods``).

    ``horizon``: LWD control steps between generations or DP actions executed per sampled
    sequence; None = what the checkpoint was trained for (BC ignores it).
    """
    from lwd_ros.methods import get_method
    from lwd_ros.runtime.checkpoint import read_meta

    path = resolve_path(checkpoint)
    return get_method(read_meta(path).method).make_source(
        path, horizon, backend=backend, sampler=sampler, num_steps=num_steps,
        num_threads=num_threads, warm_start=warm_start, noise_scale=noise_scale, device=device)


def make_source(args: argparse.Namespace):
    """``load_source`` with ``lwd eval``'s flags."""
    return load_source(args.checkpoint, args.action_horizon, args.backend, args.sampler,
                       args.steps, args.num_threads, args.warm_start, args.noise_scale,
                       args.device)


def write_video(report, spec, path: str) -> None:
    """Draw the recorded episodes into a video, as the env's ``lwd render`` draws them."""
    from lwd_ros.envs import env_hook

    render = env_hook(spec, 'render')
    if not hasattr(render, 'episodes_video'):
        raise ValueError(f'env {spec.name!r} cannot draw eval videos ({render.__name__} has '
                         'no episodes_video)')
    frames = render.episodes_video(report.episodes, path)
    log.info('wrote %d frames to %s', frames, path)


def run(args: argparse.Namespace) -> int:
    from lwd_ros.envs import DEFAULT_ENV, get_spec, make_env
    from lwd_ros.evaluation.rollout import evaluate
    from lwd_ros.runtime.checkpoint import read_meta

    args.checkpoint = args.checkpoint or get_spec(args.robot or DEFAULT_ENV).model
    source = make_source(args)
    # The registry's spec, not the checkpoint's copy: hooks (its render module) are code.
    spec = get_spec(args.robot or read_meta(resolve_path(args.checkpoint)).robot.name)
    env_id = args.robot or spec.gym_id
    env = make_env(env_id)
    robot = read_meta(resolve_path(args.checkpoint)).robot
    if robot.perceived():  # its policies read camera features: compute them as the graph does
        from lwd_ros.evaluation.cameras import Perceived, encoders

        env = Perceived(env, robot, encoders(resolve_path(args.checkpoint), robot,
                                             args.num_threads))
    record = args.video_episodes if args.video else 0
    report = evaluate(env, source, args.episodes, args.seed, args.task, record,
                      progress=not args.no_progress, max_steps=args.max_steps)
    summary = {'checkpoint': str(args.checkpoint), 'env': env_id, **report.summary()}
    lat = summary['generation_latency_ms']
    print(f"{source.name}: success {summary['success_rate']:.3f}, mean max coverage "
          f"{summary['mean_max_coverage']:.3f} over {summary['episodes']} episodes"
          + (f"; generation p50 {lat['p50']:.2f} ms p99 {lat['p99']:.2f} ms"
             if lat['count'] else ''))
    for task, row in summary['per_task'].items():
        print(f"  {task:>12}: success {row['success_rate']:.3f}, "
              f"coverage {row['mean_max_coverage']:.3f} ({row['episodes']} episodes)")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(summary, indent=1) + '\n')
    if args.video:
        write_video(report, spec, args.video)
    env.close()
    return 0
