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
from collections import Counter
import logging
import time

from lwd_ros.data.collection import check_json_path, quotas, run_collect
from lwd_ros.envs.arm7.spec import TASKS

log = logging.getLogger(__name__)


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
    from tqdm import tqdm

    from lwd_ros.data.action_noise import ActionNoise
    from lwd_ros.data.minari_io import check_writable, write_episodes
    from lwd_ros.envs.arm7.env import Arm7PushEnv
    from lwd_ros.envs.arm7.expert import run_episode

    tasks = list(TASKS) if args.tasks == 'all' else args.tasks.split(',')
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise ValueError(f'unknown task(s) {unknown}; valid tasks: {list(TASKS)}')
    if args.episodes < 1:
        raise ValueError(f'--episodes ({args.episodes}) must be >= 1')
    noise = ActionNoise(args.action_noise, args.noise_correlation) if args.action_noise else None
    out = check_writable(args.out, args.overwrite)
    if args.json:
        check_json_path(args.json)
    quota = quotas(tasks, args.episodes)
    max_attempts = args.max_attempts or 2 * args.episodes + 10
    env, kept, per_task = Arm7PushEnv(), [], {t: Counter() for t in tasks}
    t_start = time.perf_counter()
    bar = tqdm(total=args.episodes, desc='collect', unit='ep', disable=args.no_progress)
    for i in range(max_attempts):
        task = tasks[i % len(tasks)]
        if sum(e.task == task for e in kept) >= quota[task]:
            continue
        episode, _ = run_episode(env, task, args.seed + i, noise=noise)
        per_task[task]['attempts'] += 1
        per_task[task]['successes'] += episode.success
        if episode.success or args.include_failures:
            kept.append(episode)
            bar.update(1)
        if len(kept) == args.episodes:
            break
    bar.close()
    env.close()
    if len(kept) < args.episodes:
        log.warning('only %d of %d episodes after %d attempts', len(kept), args.episodes,
                    sum(c['attempts'] for c in per_task.values()))
    write_episodes(kept, out, overwrite=args.overwrite, env='arm7',
                   description='arm7 puck pushes by the damped-least-squares IK expert',
                   algorithm_name='lwd_ros.envs.arm7.expert',
                   extra_metadata={'collect': {
                       'seed': args.seed, 'tasks': tasks,
                       'include_failures': args.include_failures,
                       'action_noise': {'std': args.action_noise,
                                        'correlation': args.noise_correlation}
                       if noise else None}})
    attempts = sum(c['attempts'] for c in per_task.values())
    return {
        'path': str(out), 'env': 'arm7', 'episodes': len(kept), 'attempts': attempts,
        'success_rate': sum(c['successes'] for c in per_task.values()) / max(attempts, 1),
        'steps': int(sum(len(e) for e in kept)),
        'mean_steps': float(sum(len(e) for e in kept) / max(len(kept), 1)),
        'wall_time_s': round(time.perf_counter() - t_start, 2), 'seed': args.seed,
        'per_task': {t: {**c, 'expert_success_rate': c['successes'] / max(c['attempts'], 1)}
                     for t, c in per_task.items()},
    }


def run(args) -> int:
    return run_collect(collect, args)
