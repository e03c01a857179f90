# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""MT10: LWD against the multi-task MLP and the Diffusion Policy peer, one JSON.

Every method runs in the same harness on the same held-out scenes (``--episodes-per-task``
per task, seeds from ``--seed``, tasks cycling), next to the experts' own success rate on
those seeds (the ceiling). Per method: per-task and mean success with standard errors, the
parameters of what is deployed, and FLOPs and wall time per control step (LWD: one
generation per episode amortised over its steps plus the MLP forward; MLP: its forward; DP:
one DDIM call amortised over the actions it executes). Targets (issue: MT10): LWD mean
>= 0.90, its policy >= 18x smaller than the multi-task MLP, success >= the MLP's and DP's.

    python bench/bench_mt10.py --lwd models/mt10 --bc runs/mt10_bc --dp runs/mt10_dp \\
        --episodes-per-task 50 --json results/mt10.json --plot results/mt10_dp_training.png
    # re-run some methods, keep the other rows of an earlier result:
    python bench/bench_mt10.py --lwd models/mt10 --dp runs/mt10_dp --merge results/mt10.json ...
"""

import argparse
import math
import multiprocessing as mp
import sys
import time
import warnings

import numpy as np

from lwd_ros.report import emit_json

SEED = 100000  # collection seeds start at 0: these scenes are held out


def run_chunk(job: tuple) -> dict:
    """Evaluate ``episodes`` episodes of one method from seed ``seed`` (a worker process)."""
    import torch

    from lwd_ros.envs import make_env
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate

    method, checkpoint, episodes, seed = job
    torch.set_num_threads(1)
    source = load_source(checkpoint, None)
    t0 = time.perf_counter()
    report = evaluate(make_env('mt10'), source, episodes, seed)
    return {'method': method, 'describe': report.source, 'episodes': report.episodes,
            'latencies': report.latencies_s, 'wall_s': time.perf_counter() - t0,
            'flops_per_call': getattr(source, 'flops_per_call', None)}


def expert_chunk(job: tuple) -> list[tuple[str, bool]]:
    from lwd_ros.envs.mt10.env import MT10Env
    from lwd_ros.envs.mt10.expert import run_episode
    from lwd_ros.envs.mt10.spec import TASKS

    episodes, seed = job
    env = MT10Env()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return [(TASKS[i % len(TASKS)], run_episode(env, TASKS[i % len(TASKS)], seed + i)[0]
                 .success) for i in range(episodes)]


def rate(successes) -> dict:
    s = np.asarray(successes, float)
    return {'success_rate': float(s.mean()),
            'success_se': float(math.sqrt(s.mean() * (1 - s.mean()) / len(s))),
            'episodes': int(len(s))}


def summarise(chunks: list[dict], checkpoint: str) -> dict:
    eps = [e for c in chunks for e in c['episodes']]
    lat = [x for c in chunks for x in c['latencies']]
    steps = sum(e.steps for e in eps)
    tasks = list(dict.fromkeys(e.task for e in eps))
    row = {'checkpoint': checkpoint, **chunks[0]['describe'], **rate([e.success for e in eps]),
           'per_task': {t: rate([e.success for e in eps if e.task == t]) for t in tasks},
           'mean_steps': steps / len(eps), 'calls': len(lat),
           'call_s_per_control_step': float(np.sum(lat)) / max(steps, 1),
           'eval_wall_s': round(sum(c['wall_s'] for c in chunks), 1)}
    if chunks[0]['flops_per_call']:
        row['flops_per_call'] = int(chunks[0]['flops_per_call'])
    row['training'] = training_compute(checkpoint)
    return row


def training_compute(checkpoint: str) -> dict:
    """What training a checkpoint cost (from its meta.json): steps, wall time, threads."""
    from lwd_ros.config import resolve_path
    from lwd_ros.runtime.checkpoint import read_meta

    t = read_meta(resolve_path(checkpoint)).training or {}
    return {k: t[k] for k in ('steps', 'wall_time_s', 'threads', 'val') if k in t}


def per_step_costs(result: dict, args) -> None:
    from bench_horizon import lwd_generation_flops, mlp_forward_s

    methods = result['methods']
    if 'lwd' in methods:
        row = methods['lwd']
        row['generation_flops'] = lwd_generation_flops(args.lwd)
        row['flops_per_step'] = (row['generation_flops'] * row['calls'] / row['episodes']
                                 / row['mean_steps'] + row['policy_flops_per_step'])
        row['wall_s_per_step'] = row['call_s_per_control_step'] + mlp_forward_s(args.lwd)
    if 'bc' in methods:
        row = methods['bc']
        sizes = row['policy_layer_sizes']  # per task, the one-hot folded into the first bias
        row['multitask_params'] = int(row['policy_params'] + len(row['per_task']) * sizes[1])
        row['flops_per_step'] = row['policy_flops_per_step']
    if 'dp' in methods:
        row = methods['dp']
        row['flops_per_step'] = row['flops_per_call'] / row['action_horizon']
        row['wall_s_per_step'] = row['call_s_per_control_step']
    if 'lwd' in methods:
        lwd = methods['lwd']
        for name in ('bc', 'dp'):
            if name in methods:
                other = methods[name]
                result[f'{name}_over_lwd'] = {
                    'flops_per_step': other['flops_per_step'] / lwd['flops_per_step'],
                    'params': (other.get('multitask_params') or other.get('params')
                               or other['policy_params']) / lwd['policy_params']}


def plot_dp_training(dp: str, lwd: str, path: str) -> None:
    """Plot the DP peer's validation losses over its training minutes, LWD's training marked."""
    import json

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from lwd_ros.config import resolve_path

    rows = [json.loads(line) for line in (resolve_path(dp) / 'train_log.jsonl').open()]
    rows = [r for r in rows if 'val_diffusion' in r]
    minutes = [r['time_s'] / 60 for r in rows]
    lwd_min = training_compute(lwd)['wall_time_s']['total'] / 60
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(minutes, [r['val_diffusion'] for r in rows], 'o-', label='DP val. denoising loss')
    ax.plot(minutes, [r['val_sampled_mse'] for r in rows], 's-',
            label='DP val. sampled-action MSE')
    ax.axvline(lwd_min, color='k', ls='--', label=f'LWD trained ({lwd_min:.0f} min)')
    ax.set(xlabel='training wall time (min, this machine)', ylabel='validation loss',
           yscale='log', title='MT10: the Diffusion Policy peer trains to a flat loss')
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f'wrote {path}', file=sys.stderr)


def targets(result: dict) -> dict:
    m = result['methods']
    lwd = m.get('lwd')
    if not lwd:
        return {}
    out = {'lwd_mean_success_ge_0.90': lwd['success_rate'] >= 0.90}
    if 'bc' in m:
        out['policy_18x_smaller_than_mlp'] = result['bc_over_lwd']['params'] >= 18
        out['lwd_ge_mlp'] = lwd['success_rate'] >= m['bc']['success_rate']
    if 'dp' in m:
        out['lwd_ge_dp'] = lwd['success_rate'] >= m['dp']['success_rate']
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--lwd', default='models/mt10')
    parser.add_argument('--bc', help='multi-task MLP checkpoint (method bc)')
    parser.add_argument('--dp', help='Diffusion Policy peer checkpoint')
    parser.add_argument('--episodes-per-task', type=int, default=50)
    parser.add_argument('--dp-episodes-per-task', type=int, default=None,
                        help='fewer for DP (a DDIM call every 8 steps; default: the same)')
    parser.add_argument('--seed', type=int, default=SEED)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--json', help='also write the JSON here')
    parser.add_argument('--plot', metavar='PNG',
                        help="the DP peer's validation curves against LWD's training time")
    parser.add_argument('--merge', metavar='JSON',
                        help='keep the rows of methods not run now from this earlier result '
                             '(same --seed and --episodes-per-task)')
    args = parser.parse_args()
    n = args.episodes_per_task * 10

    def spans(per_task):  # whole task cycles: chunk k starts at task 0, seed + its offset
        cycles = np.array_split(np.arange(per_task), args.workers)
        return [(int(c[0]) * 10, len(c) * 10) for c in cycles if len(c)]
    methods = {k: v for k, v in (('lwd', args.lwd), ('bc', args.bc), ('dp', args.dp)) if v}
    per_task = {m: args.episodes_per_task for m in methods}
    if 'dp' in methods and args.dp_episodes_per_task:
        per_task['dp'] = args.dp_episodes_per_task
    jobs = [(m, path, size, args.seed + start) for m, path in methods.items()
            for start, size in spans(per_task[m])]
    with mp.get_context('spawn').Pool(args.workers) as pool:
        chunks = pool.map(run_chunk, jobs)
        experts = pool.map(expert_chunk, [(size, args.seed + start)
                                          for start, size in spans(args.episodes_per_task)])
    expert = [x for c in experts for x in c]
    result = {'env': 'mt10', 'seed': args.seed, 'episodes': n,
              'expert': {**rate([s for _, s in expert]),
                         'per_task': {t: rate([s for k, s in expert if k == t])
                                      for t in dict.fromkeys(k for k, _ in expert)}},
              'methods': {m: summarise([c for c in chunks if c['method'] == m], methods[m])
                          for m in methods}}
    if args.merge:
        import json

        earlier = json.loads(open(args.merge).read())
        if (earlier['seed'], earlier['episodes']) != (args.seed, n):
            raise SystemExit(f'{args.merge} ran other episodes: cannot merge')
        rows = {**earlier['methods'], **result['methods']}
        result['methods'] = {m: rows[m] for m in ('lwd', 'bc', 'dp') if m in rows}
    per_step_costs(result, args)
    result['targets'] = targets(result)
    emit_json(result, args.json)
    if args.plot and args.dp:
        plot_dp_training(args.dp, args.lwd, args.plot)
    return 0


if __name__ == '__main__':
    sys.exit(main())
