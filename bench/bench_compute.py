# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Success against training time for LWD and the DP peer (equal compute): JSON + PNG.

Each training run trained with ``train.snapshot_every`` keeps loadable copies of itself
under ``snapshots/``, each recording the training time spent so far; this evaluates every
snapshot and the final checkpoint of each run on the same held-out episodes at one action
horizon, and plots success rate against training minutes. Train both runs the same way
(``train.num_threads``, and side by side or alone) so their minutes compare.

    python bench/bench_compute.py --run lwd=runs/lwd_goal --run dp=runs/pusht_dp \\
        --episodes-per-task 10 --json results/pusht_compute.json \\
        --plot results/pusht_compute.png
"""

import argparse
import json
import math
from pathlib import Path

import gymnasium as gym
import numpy as np

from lwd_ros.config import resolve_path
import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
from lwd_ros.evaluation import HELD_OUT_SEED
from lwd_ros.evaluation.cli import load_source
from lwd_ros.evaluation.rollout import evaluate
from lwd_ros.report import emit_json
from lwd_ros.runtime.checkpoint import read_meta


def checkpoints(run: Path) -> list[tuple[Path, float]]:
    """The run's snapshots and final checkpoint with their training time (s)."""
    out, last_step = [], None
    for snap in sorted((run / 'snapshots').glob('*')):
        info = read_meta(snap).training['snapshot']
        out.append((snap, info['training_time_s']))
        last_step = info['step']
    meta = read_meta(run)
    if last_step != list(meta.training['steps'].values())[-1]:  # else the same weights
        out.append((run, meta.training['wall_time_s']['total']))
    return out


def validation_curve(run: Path) -> list[dict]:
    """Validation losses of the run's last stage against training minutes (train_log)."""
    meta = read_meta(run)
    stages = list(meta.training['steps'])
    earlier = sum(meta.training['wall_time_s'][s] for s in stages[:-1])
    rows = [json.loads(line) for line in (run / 'train_log.jsonl').read_text().splitlines()]
    keep = ('val_diffusion', 'val_generated_mse', 'val_sampled_mse')
    return [{'training_min': round((earlier + r['time_s']) / 60, 2), 'step': r['step'],
             **{k: r[k] for k in keep if k in r}} for r in rows if r['stage'] == stages[-1]]


def plot(result: dict, path: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, (ax, ax_val) = plt.subplots(1, 2, figsize=(11, 4))
    for method, curve in result['validation'].items():
        for key in ('val_generated_mse', 'val_sampled_mse'):
            pts = [(r['training_min'], r[key]) for r in curve if key in r]
            if pts:
                ax_val.plot(*zip(*pts), marker='.', label=f'{method}: {key}')
    ax_val.set_xlabel('training time (min, 1 CPU thread)')
    ax_val.set_ylabel('validation action MSE of sampled policies/chunks')
    ax_val.set_title('validation (normalised action units)')
    ax_val.set_yscale('log')
    ax_val.grid(alpha=0.3)
    ax_val.legend()
    for method, rows in result['runs'].items():
        if 'missing' in rows:
            continue
        ax.errorbar([r['training_min'] for r in rows], [r['success_rate'] for r in rows],
                    yerr=[r['success_se'] for r in rows], marker='o', capsize=3,
                    label={'lwd': 'LWD', 'dp': 'Diffusion Policy'}.get(method, method))
    ax.set_xlabel('training time (min, 1 CPU thread)')
    ax.set_ylabel(f"success rate, H = {result['horizon']}")
    ax.set_title(f"PushT: success vs training compute ({result['episodes']} held-out episodes)")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--run', action='append', metavar='METHOD=DIR',
                        help='a training run directory (repeat; default: lwd=runs/lwd_goal '
                        'and dp=runs/pusht_dp, the commands in config/pusht*.yaml with '
                        'train.snapshot_every); a missing one is reported, not evaluated')
    parser.add_argument('--horizon', type=int, default=8)
    parser.add_argument('--episodes-per-task', type=int, default=10)
    parser.add_argument('--seed', type=int, default=HELD_OUT_SEED)
    parser.add_argument('--json', help='also write the JSON here')
    parser.add_argument('--plot', default='outputs/compute.png')
    args = parser.parse_args()

    env = gym.make('lwd_ros/PushT-v0')
    episodes = args.episodes_per_task * len(env.unwrapped.tasks)
    result = {'horizon': args.horizon, 'episodes': episodes, 'seed': args.seed, 'runs': {},
              'validation': {}}
    for spec in args.run or ['lwd=runs/lwd_goal', 'dp=runs/pusht_dp']:
        method, _, directory = spec.partition('=')
        if not (resolve_path(directory) / 'meta.json').is_file():
            result['runs'][method] = {'missing': directory}
            continue
        rows = []
        for path, seconds in checkpoints(resolve_path(directory)):
            report = evaluate(env, load_source(path, args.horizon), episodes, args.seed)
            p = float(np.mean([e.success for e in report.episodes]))
            rows.append({'checkpoint': str(path), 'training_min': round(seconds / 60, 2),
                         'success_rate': p, 'success_se': math.sqrt(p * (1 - p) / episodes),
                         'mean_max_coverage': report.summary()['mean_max_coverage']})
            print(f'{method} {path.name}: {seconds / 60:.1f} min -> success {p:.2f}',
                  flush=True)
        result['runs'][method] = rows
        result['validation'][method] = validation_curve(resolve_path(directory))
    if args.plot:
        plot(result, args.plot)
        result['plot'] = args.plot
    emit_json(result, args.json)


if __name__ == '__main__':
    main()
