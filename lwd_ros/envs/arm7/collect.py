# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --env arm7``: the IK expert's pushes into a Minari dataset.

Attempt ``i`` runs task ``tasks[i % len(tasks)]`` from reset seed ``seed + i`` (a new puck
start and arm pose per seed), in order, so the dataset is a pure function of the arguments.
Only successful episodes are kept unless ``--include-failures``; each task's expert success
rate is reported. ``--action-noise`` (DART) perturbs the executed joint targets with AR(1)
noise while the dataset records the expert's clean targets. The default dataset::

    lwd collect --env arm7 --out datasets/arm7_demos --episodes 300 --seed 0

Evaluation seeds start at 100000, far from any collection seed.
"""

from __future__ import annotations

import argparse

from lwd_ros.data.collection import collect_by_task, run_collect
from lwd_ros.envs.arm7.spec import TASKS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--out', default='datasets/arm7_demos', help='dataset directory')
    parser.add_argument('--episodes', type=int, default=300, help='episodes to keep')
    parser.add_argument('--tasks', default='all',
                        help='comma-separated task names, or "all" (split evenly)')
    parser.add_argument('--seed', type=int, default=0, help='first reset seed')
    parser.add_argument('--action-noise', type=float, default=0.0, metavar='STD',
                        help='DART: std (rad) of correlated noise on the executed targets')
    parser.add_argument('--noise-correlation', type=float, default=0.7, metavar='RHO',
                        help='AR(1) coefficient of that noise (0 = white; default 0.7)')
    parser.add_argument('--include-failures', action='store_true',
                        help='keep failed attempts too (default: successful only)')
    parser.add_argument('--max-attempts', type=int, default=None,
                        help='give up after this many attempts (default: 2 x episodes + 10)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing dataset')
    parser.add_argument('--json', default=None, metavar='PATH', help='write a JSON summary')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')


def collect(args) -> dict:
    """Run the expert until every task's quota is filled; write the dataset; return a summary."""
    from lwd_ros.data.action_noise import ActionNoise
    from lwd_ros.envs.arm7.env import Arm7PushEnv
    from lwd_ros.envs.arm7.expert import run_episode

    tasks = list(TASKS) if args.tasks == 'all' else args.tasks.split(',')
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise ValueError(f'unknown task(s) {unknown}; valid tasks: {list(TASKS)}')
    noise = ActionNoise(args.action_noise, args.noise_correlation) if args.action_noise else None
    return collect_by_task(
        args, env_name='arm7', env=Arm7PushEnv(), tasks=tasks, run_episode=run_episode,
        description='arm7 puck pushes by the damped-least-squares IK expert',
        algorithm_name='lwd_ros.envs.arm7.expert', noise=noise,
        extra={'action_noise': {'std': args.action_noise, 'correlation': args.noise_correlation}
               if noise else None})


def run(args) -> int:
    return run_collect(collect, args)
