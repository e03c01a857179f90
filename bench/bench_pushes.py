# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Success against push strength: LWD, WARPD, the DP peer and BC pushed mid-episode (JSON + PNG).

The LWD paper claims robustness under perturbations and at long action horizons. Every
method runs the same held-out episodes (seeds from ``--seed``, tasks cycling) clean and with
the object, then the robot, pushed at fixed steps (``lwd_ros.envs.pushes``: the same pushes
for the same seed). Generative methods run at each ``--horizons`` H (LWD: steps between
generations; DP: actions executed per sampled sequence); BC is queried every step, so H does
not apply to it. A DP whose sequence is shorter than H is reported as not applicable.
Target (issue 33): LWD >= the DP peer at every push strength at H = 32.

    python bench/bench_pushes.py --env arm7 --method lwd=runs/lab_lwd \
        --method dp=runs/lab_dp --method bc=runs/lab_bc --episodes 60 \
        --json results/arm7_pushes.json --plot results/arm7_pushes.png

Each cell is written to the JSON as it finishes; ``--resume`` keeps the cells of an earlier
run of the same settings, so an interrupted study continues where it stopped.
"""

import argparse
import json
import math
from pathlib import Path
import time

from lwd_ros.contract import get_contract
from lwd_ros.envs import make_env
from lwd_ros.envs.pushes import PushConfig, Pushes
from lwd_ros.evaluation.cli import load_source
from lwd_ros.evaluation.rollout import evaluate
from lwd_ros.report import emit_json
from lwd_ros.runtime.checkpoint import read_meta

BASELINES = ('bc',)  # methods queried every step: one row, no horizon


def horizon_arg(text: str) -> int | None:
    return None if text == 'trained' else int(text)


def conditions(objects: list[float], robots: list[float]) -> list[tuple[str, float, float]]:
    """``(name, object m, robot units)``: clean first, then each push alone."""
    return ([('clean', 0.0, 0.0)] + [(f'object_{s:g}', s, 0.0) for s in objects if s > 0]
            + [(f'robot_{s:g}', 0.0, s) for s in robots if s > 0])


def cell(env_name: str, path: str, horizon: int | None, push: PushConfig, episodes: int,
         seed: int) -> dict:
    """One method at one horizon under one push condition."""
    try:
        source = load_source(path, horizon)
    except ValueError as e:  # a DP sequence shorter than H
        return {'not_applicable': str(e)}
    env = Pushes(make_env(env_name), push)
    t0 = time.perf_counter()
    s = evaluate(env, source, episodes, seed).summary()
    n = s['episodes']
    p = s['success_rate']
    return {'success_rate': p, 'success_se': math.sqrt(p * (1 - p) / n),
            'mean_max_coverage': s['mean_max_coverage'], 'episodes': n,
            'pushes': env.pushes, 'wall_s': round(time.perf_counter() - t0, 1)}


def plot(result: dict, path: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, kind, unit in ((axes[0], 'object', 'm'), (axes[1], 'robot', result['robot_unit'])):
        for row, cells in result['rows'].items():
            xs, ys, es = [], [], []
            for name, c in cells.items():
                if 'success_rate' not in c or not (name == 'clean' or name.startswith(kind)):
                    continue
                xs.append(0.0 if name == 'clean' else float(name.split('_', 1)[1]))
                ys.append(c['success_rate'])
                es.append(c['success_se'])
            if xs:
                order = sorted(range(len(xs)), key=xs.__getitem__)
                ax.errorbar([xs[i] for i in order], [ys[i] for i in order],
                            [es[i] for i in order], marker='o', capsize=3, label=row)
        ax.set_xlabel(f'{kind} push ({unit}, at steps {result["push_steps"]})')
        ax.grid(alpha=0.3)
    axes[0].set_ylabel('success rate')
    axes[0].set_ylim(0, 1.02)
    axes[1].legend(fontsize=8)
    fig.suptitle(f'{result["env"]}: success under pushes ({result["episodes"]} episodes per '
                 'point, ±1 s.e.)')
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--env', default='arm7')
    parser.add_argument('--method', action='append', required=True, metavar='NAME=CHECKPOINT')
    parser.add_argument('--horizons', type=horizon_arg, nargs='+', default=[8, 32],
                        help="H of the generative methods; 'trained' = each checkpoint's own")
    parser.add_argument('--object', type=float, nargs='+', default=[0.02, 0.04, 0.08],
                        help='object push strengths (m)')
    parser.add_argument('--robot', type=float, nargs='+', default=[0.1, 0.2, 0.4],
                        help='robot push strengths (command units: rad for arm7)')
    parser.add_argument('--steps', type=int, nargs='+', default=[30, 60])
    parser.add_argument('--episodes', type=int, default=60)
    parser.add_argument('--seed', type=int, default=200_000, help='first reset seed')
    parser.add_argument('--json', required=True)
    parser.add_argument('--plot')
    parser.add_argument('--resume', action='store_true')
    args = parser.parse_args()

    settings = {'env': args.env, 'episodes': args.episodes, 'seed': args.seed,
                'push_steps': args.steps, 'robot_unit': get_contract(args.env).command.units[0]}
    result = {**settings, 'methods': {}, 'rows': {}}
    if args.resume and Path(args.json).is_file():
        old = json.loads(Path(args.json).read_text())
        if all(old.get(k) == v for k, v in settings.items()):
            result = old
    for spec in args.method:
        name, _, path = spec.partition('=')
        method = read_meta(path).method
        result['methods'][name] = {'checkpoint': path, 'method': method}
        horizons = ['-'] if method in BASELINES else args.horizons
        for h in horizons:
            label = name if h == '-' else f'{name} H={"trained" if h is None else h}'
            row = result['rows'].setdefault(label, {})
            for cond, obj, robot in conditions(args.object, args.robot):
                if cond in row:
                    continue
                push = PushConfig(steps=tuple(args.steps), object=obj, robot=robot)
                row[cond] = cell(args.env, path, None if h == '-' else h, push, args.episodes,
                                 args.seed)
                print(f'{label} {cond}: {row[cond]}', flush=True)
                Path(args.json).parent.mkdir(parents=True, exist_ok=True)
                Path(args.json).write_text(json.dumps(result, indent=1) + '\n')
    emit_json(result, args.json)
    if args.plot:
        plot(result, args.plot)


if __name__ == '__main__':
    main()
