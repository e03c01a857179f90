# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect``: MPC expert demonstrations of PushT into a local Minari dataset.

Attempt ``i`` runs task ``tasks[i % len(tasks)]`` from reset seed ``seed + i``; attempts are
consumed in order, so the dataset (the first successful attempts filling each task's quota)
is the same for any ``--workers``. Only successful episodes are kept unless
``--include-failures``. The default dataset used by training::

    lwd collect --out datasets/pusht_demos --episodes 800 --workers 2 --seed 0

(800 of 801 attempts succeed; 28 min wall on 2 cores; 51,305 steps, 21 MB.) Ctrl-C stops
early and still writes the episodes kept so far (the summary says ``interrupted``).
"""

from __future__ import annotations

import argparse
from collections import Counter
import dataclasses
import logging
import multiprocessing as mp
import signal
import time

from lwd_ros.data.action_noise import ActionNoise
from lwd_ros.data.collection import (
    add_collect_arguments,
    check_json_path,
    operator_of,
    quotas,
    run_collect,
    task_list,
)

log = logging.getLogger(__name__)

DEFAULT_OUT = 'datasets/pusht_demos'  # where LwdConfig looks by default

WORKER: dict = {}  # per-process env and expert, built once by init_worker


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_collect_arguments(parser, DEFAULT_OUT, 200, noise_unit='m')
    parser.add_argument('--workers', type=int, default=1, help='parallel processes')
    add_config_arguments(parser)
    parser.add_argument('--settle-coverage', type=float, default=None, metavar='C',
                        help='after success keep the expert going (noise off) until the '
                        'coverage exceeds C, e.g. 0.97: demos of the last corrections')


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """The env and expert configs every command that runs the expert reads."""
    parser.add_argument('--env-config', default='config/envs/pusht.yaml')
    parser.add_argument('--expert-config', default='config/envs/pusht_expert.yaml')
    parser.add_argument('--set', dest='env_set', action='append', default=[],
                        metavar='KEY=VALUE', help='override an env config key')
    parser.add_argument('--expert-set', action='append', default=[], metavar='KEY=VALUE',
                        help='override an expert config key')


def load_configs(args):
    """``(PushTConfig, ExpertConfig)`` from ``add_config_arguments``' flags."""
    from lwd_ros.envs.pusht.config import load_pusht_config
    from lwd_ros.envs.pusht.expert import load_expert_config

    return (load_pusht_config(args.env_config, args.env_set),
            load_expert_config(args.expert_config, args.expert_set))


def init_worker(env_config, expert_config, noise, settle=None, operator=None) -> None:
    from lwd_ros.envs.pusht.env import PushTEnv
    from lwd_ros.envs.pusht.expert import MPCExpert

    if mp.parent_process() is not None:  # Ctrl-C is the parent's to handle, not the pool's
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    WORKER['env'] = PushTEnv(config=env_config)
    WORKER['expert'] = MPCExpert(env_config, expert_config)
    WORKER['noise'], WORKER['settle'], WORKER['operator'] = noise, settle, operator


def expert_results(fn, jobs, workers: int, *init_args):
    """``fn(job)`` for every job, in order, in ``workers`` expert processes (1: this one).

    Ordered, so a dataset is the same for any ``workers``. A generator: closing it (or
    abandoning it) terminates the pool.
    """
    if workers == 1:
        init_worker(*init_args)
        yield from map(fn, jobs)
        return
    pool = mp.get_context('spawn').Pool(workers, init_worker, init_args)
    try:
        yield from pool.imap(fn, jobs)
    finally:
        pool.terminate()


def _attempt(job: tuple[int, str, int]):
    from lwd_ros.envs.pusht.expert import run_episode

    _, task, seed = job
    t0 = time.perf_counter()
    episode, stats = run_episode(WORKER['env'], WORKER['expert'], task, seed,
                                 noise=WORKER['noise'], settle_coverage=WORKER['settle'],
                                 operator=WORKER.get('operator'))
    return episode, stats, time.perf_counter() - t0


def collect(args, robot: str = 'pusht', observe=None) -> dict:
    """Run the expert until every task's quota is filled; write the dataset; return a summary.

    ``robot``: the contract the dataset is of; ``observe(episode, goal_pose) -> Episode``
    turns each kept PushT state episode into that robot's observations (``pusht_image``: its
    camera frames, rendered from the full state), at the end: the expert reads PushT's state.
    """
    from tqdm import tqdm

    from lwd_ros.data.minari_io import check_writable, write_episodes

    env_cfg, expert_cfg = load_configs(args)
    tasks = task_list(args.tasks, list(env_cfg.tasks))
    if args.episodes < 1 or args.workers < 1:
        raise ValueError(f'--episodes ({args.episodes}) and --workers ({args.workers}) '
                         'must be >= 1')
    noise = ActionNoise(args.action_noise, args.noise_correlation) if args.action_noise else None
    if args.settle_coverage is not None and \
            not env_cfg.success_threshold < args.settle_coverage < 1.0:
        raise ValueError(f'--settle-coverage {args.settle_coverage} must lie between the '
                         f'success threshold {env_cfg.success_threshold} and 1')
    out = check_writable(args.out, args.overwrite)  # before any work is done
    if args.json:
        check_json_path(args.json)
    quota = quotas(tasks, args.episodes)
    max_attempts = args.max_attempts or 2 * args.episodes + 10
    jobs = ((i, tasks[i % len(tasks)], args.seed + i) for i in range(max_attempts))

    kept, attempts, per_task, interrupted = [], 0, {t: Counter() for t in tasks}, False
    contacts, t_start = Counter(), time.perf_counter()
    bar = tqdm(total=args.episodes, desc='collect', unit='ep', disable=args.no_progress)
    operator = operator_of(args)
    results = expert_results(_attempt, jobs, args.workers, env_cfg, expert_cfg, noise,
                             args.settle_coverage, operator)
    try:
        for episode, stats, _ in results:
            attempts += 1
            per_task[episode.task]['attempts'] += 1
            per_task[episode.task]['successes'] += episode.success
            want = (episode.success or args.include_failures) and \
                sum(e.task == episode.task for e in kept) < quota[episode.task]
            if want:
                kept.append(episode)
                contacts[stats['first_contact'] or 'none'] += 1
                bar.update(1)
            rate = sum(c['successes'] for c in per_task.values()) / attempts
            bar.set_postfix(attempts=attempts, success=f'{rate:.2f}')
            if len(kept) == args.episodes:
                break
    except KeyboardInterrupt:
        # Hours of expert time must not be lost to one keystroke: keep what is finished.
        interrupted = True
        log.warning('interrupted after %d attempts: writing the %d episodes kept so far',
                    attempts, len(kept))
    finally:
        bar.close()
        results.close()  # stops the pool
    collect_time = time.perf_counter() - t_start
    if len(kept) < args.episodes:
        log.warning('only %d of %d episodes after %d attempts', len(kept), args.episodes,
                    attempts)

    from lwd_ros.config import to_dict

    provenance = {'seed': args.seed, 'tasks': tasks, 'attempts': attempts,
                  'include_failures': args.include_failures,
                  'action_noise': {'std': args.action_noise,
                                   'correlation': args.noise_correlation} if noise else None,
                  'settle_coverage': args.settle_coverage,
                  'operator': dataclasses.asdict(operator) if operator else None,
                  'env_config': to_dict(env_cfg), 'expert_config': to_dict(expert_cfg)}
    if interrupted and not kept:
        raise KeyboardInterrupt  # nothing worth a dataset directory that blocks a re-run
    observed = (kept if observe is None else  # one at a time: a camera's frames are large
                (observe(e, env_cfg.tasks[e.task]) for e in kept))
    write_episodes(observed, out, overwrite=args.overwrite, robot=robot, goal_poses=env_cfg.tasks,
                   description='PushT demonstrations by the lwd_ros MPC expert'
                   + (', through a simulated human operator' if operator else ''),
                   algorithm_name='lwd_ros MPC expert (predictive sampling)',
                   extra_metadata={'collect': provenance})
    successes = sum(c['successes'] for c in per_task.values())
    return {
        'path': str(out), 'episodes': len(kept), 'attempts': attempts,
        'success_rate': successes / max(attempts, 1),
        'steps': int(sum(len(e) for e in kept)),
        'mean_steps': float(sum(len(e) for e in kept) / max(len(kept), 1)),
        'wall_time_s': round(time.perf_counter() - t_start, 2),
        'collect_time_s': round(collect_time, 2), 'workers': args.workers, 'seed': args.seed,
        'per_task': {t: dict(c) for t, c in per_task.items()},
        'first_contact': dict(sorted(contacts.items())),
        'interrupted': interrupted,
    }


def run(args) -> int:
    return run_collect(collect, args)
