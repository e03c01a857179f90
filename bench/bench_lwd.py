# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT success of LWD at several action horizons next to the two BC baselines; prints JSON.

Every method runs in the same harness (``lwd_ros.evaluation.rollout``) on the same episodes:
seeds ``seed .. seed + episodes - 1``, tasks cycling over the env's goal poses. LWD generates
a policy every H control steps (``--horizons``); the BC baselines are single-step closed-loop
MLPs queried every step, so H does not apply to them and they are run once. Training wall
times come from each checkpoint's ``meta.json``. Targets (design.md §6): LWD success >= 0.90
at H = 8 (mean max coverage >= 0.95), <= 5 points drop from H = 8 to H = 32, default training
<= 20 min on 2 cores.

    python bench/bench_lwd.py --checkpoint models/pusht --episodes 50 --json out.json

(``--bc-small``/``--bc-large`` default to ``runs/pusht_bc_small``/``runs/pusht_bc_large``.)
"""

import argparse
from pathlib import Path

import gymnasium as gym

from lwd_ros.config import resolve_path
import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
from lwd_ros.evaluation import HELD_OUT_SEED
from lwd_ros.evaluation.rollout import LwdSource, MlpSource, evaluate
from lwd_ros.report import emit_json
from lwd_ros.runtime.baseline import load_bc_policies
from lwd_ros.runtime.checkpoint import read_meta
from lwd_ros.runtime.loader import load_generator


def row(report):
    s = report.summary()
    keep = ('success_rate', 'mean_max_coverage', 'mean_steps', 'per_task', 'policy_params',
            'policy_flops_per_step', 'generation_latency_ms')
    return {k: s[k] for k in keep}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--checkpoint', default='models/pusht')
    parser.add_argument('--bc-small', default='runs/pusht_bc_small')
    parser.add_argument('--bc-large', default='runs/pusht_bc_large')
    parser.add_argument('--episodes', type=int, default=50)
    parser.add_argument('--seed', type=int, default=HELD_OUT_SEED)
    parser.add_argument('--horizons', type=int, nargs='+', default=[1, 8, 16, 32])
    parser.add_argument('--sampler', choices=('ddim', 'ddpm'), default=None)
    parser.add_argument('--backend', choices=('auto', 'torch', 'onnx'), default='auto')
    parser.add_argument('--env', default='lwd_ros/PushT-v0')
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()

    env = gym.make(args.env)
    checkpoint = resolve_path(args.checkpoint)
    gen = load_generator(checkpoint, backend=args.backend, sampler=args.sampler)
    meta = read_meta(checkpoint)
    result = {'episodes': args.episodes, 'seed': args.seed, 'env': args.env,
              'lwd': {'checkpoint': str(args.checkpoint), 'sampler': gen.plan.name,
                      'backend': gen.backend,
                      'training_wall_time_s': meta.training.get('wall_time_s'),
                      'by_horizon': {}},
              'baselines': {}}
    for h in args.horizons:
        report = evaluate(env, LwdSource(gen, h), args.episodes, args.seed)
        result['lwd']['by_horizon'][str(h)] = row(report)
        print(f'LWD H={h}: success {report.summary()["success_rate"]:.2f}', flush=True)
    for name, path in (('bc_small', args.bc_small), ('bc_large', args.bc_large)):
        path = resolve_path(path)
        if not (Path(path) / 'meta.json').is_file():
            result['baselines'][name] = {'missing': str(path)}
            continue
        report = evaluate(env, MlpSource(load_bc_policies(path), name), args.episodes,
                          args.seed)
        result['baselines'][name] = {
            'checkpoint': str(path), 'action_horizon': 'n/a (queried every step)',
            'training_wall_time_s': read_meta(path).training.get('wall_time_s'),
            **row(report)}
        print(f'{name}: success {report.summary()["success_rate"]:.2f}', flush=True)
    by_h = result['lwd']['by_horizon']
    if '8' in by_h:
        h8 = by_h['8']
        result['targets'] = {
            'success_h8>=0.90': h8['success_rate'] >= 0.90,
            'coverage_h8>=0.95': h8['mean_max_coverage'] >= 0.95,
            'training_total<=1200s': (meta.training.get('wall_time_s') or {}).get(
                'total', float('inf')) <= 1200}
        if '32' in by_h:
            drop = h8['success_rate'] - by_h['32']['success_rate']
            result['targets']['drop_h8_h32<=0.05'] = drop <= 0.05
            result['drop_h8_h32'] = round(drop, 4)
    emit_json(result, args.json)


if __name__ == '__main__':
    main()
