# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""arm7: LWD against the IK expert it imitates, per task, on held-out scenes; one JSON.

Both run the same episodes (``--episodes-per-task`` per task, seeds from ``--seed``, tasks
cycling as ``lwd eval`` cycles them). Per method: per-task and mean success with standard
errors and mean steps. For LWD also what is deployed (the generated MLP's layer sizes and
parameters), FLOPs per control step (one generation per episode amortised over its steps
plus the MLP forward, counted as ``bench_mt10.py`` counts them) and the training compute
from the checkpoint's meta.json. Target: LWD success >= 0.9 x the expert's.

    python bench/bench_arm7.py --lwd models/arm7 --episodes-per-task 50 \\
        --json results/arm7.json
"""

import argparse
import math
import sys
import time

import numpy as np

from lwd_ros.report import emit_json

SEED = 100000  # collection seeds start at 0 (demos) and 20000 (DART): these are held out


def rate(successes) -> dict:
    s = np.asarray(successes, float)
    return {'success_rate': float(s.mean()),
            'success_se': float(math.sqrt(s.mean() * (1 - s.mean()) / len(s))),
            'episodes': int(len(s))}


def per_task(rows: list[tuple[str, bool, int]]) -> dict:
    """``rows`` of (task, success, steps) -> overall and per-task rates, mean steps."""
    tasks = list(dict.fromkeys(t for t, _, _ in rows))
    return {**rate([s for _, s, _ in rows]),
            'mean_steps': float(np.mean([n for _, _, n in rows])),
            'per_task': {t: {**rate([s for k, s, _ in rows if k == t]),
                             'mean_steps': float(np.mean([n for k, _, n in rows if k == t]))}
                         for t in tasks}}


def run_expert(episodes: int, seed: int) -> dict:
    from lwd_ros.envs.arm7.env import Arm7PushEnv
    from lwd_ros.envs.arm7.expert import run_episode
    from lwd_ros.envs.arm7.spec import TASKS

    env, rows, t0 = Arm7PushEnv(), [], time.perf_counter()
    for i in range(episodes):
        task = TASKS[i % len(TASKS)]
        _, stats = run_episode(env, task, seed + i)
        rows.append((task, stats['success'], stats['steps']))
    return {**per_task(rows), 'eval_wall_s': round(time.perf_counter() - t0, 1)}


def run_lwd(checkpoint: str, episodes: int, seed: int) -> dict:
    import torch

    from lwd_ros.envs import make_env
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate

    torch.set_num_threads(1)
    source = load_source(checkpoint)
    t0 = time.perf_counter()
    report = evaluate(make_env('arm7'), source, episodes, seed)
    eps, lat = report.episodes, report.latencies_s
    row = {'checkpoint': checkpoint, **report.source,
           **per_task([(e.task, e.success, e.steps) for e in eps]),
           'calls': len(lat), 'generation_s_p50': float(np.median(lat)) if lat else None,
           'eval_wall_s': round(time.perf_counter() - t0, 1)}
    row['generation_flops'] = generation_flops(checkpoint)
    steps = sum(e.steps for e in eps)
    row['flops_per_step'] = (row['generation_flops'] * len(lat) / max(steps, 1)
                             + row['policy_flops_per_step'])
    row['training'] = training_compute(checkpoint)
    return row


def generation_flops(checkpoint: str) -> int:
    from bench_horizon import lwd_generation_flops  # bench/ is the script's folder

    return lwd_generation_flops(checkpoint)


def training_compute(checkpoint: str) -> dict:
    """What training a checkpoint cost (from its meta.json): steps, wall time, threads."""
    from lwd_ros.config import resolve_path
    from lwd_ros.runtime.checkpoint import read_meta

    t = read_meta(resolve_path(checkpoint)).training or {}
    return {k: t[k] for k in ('steps', 'wall_time_s', 'threads', 'val') if k in t}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--lwd', default='models/arm7')
    parser.add_argument('--episodes-per-task', type=int, default=50)
    parser.add_argument('--seed', type=int, default=SEED)
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()
    from lwd_ros.envs.arm7.spec import TASKS

    n = args.episodes_per_task * len(TASKS)
    expert = run_expert(n, args.seed)
    lwd = run_lwd(args.lwd, n, args.seed)
    result = {'env': 'arm7', 'seed': args.seed, 'episodes': n, 'expert': expert,
              'methods': {'lwd': lwd},
              'lwd_over_expert': {t: (lwd['per_task'][t]['success_rate']
                                      / max(expert['per_task'][t]['success_rate'], 1e-9))
                                  for t in TASKS}}
    result['targets'] = {'lwd_ge_0.9x_expert': all(v >= 0.9 for v in
                                                   result['lwd_over_expert'].values())}
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
