# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Action-horizon study, LWD vs the Diffusion Policy peer on PushT: JSON + one PNG plot.

For every action horizon H (LWD: control steps between generations; DP: actions executed
per sampled sequence) both methods run in the same harness (``lwd_ros.evaluation.rollout``)
on the same held-out episodes: ``--episodes-per-task`` per goal, seeds from ``--seed``,
tasks cycling. Success rate and mean max coverage come with standard errors. Per control
step, measured in the same run: FLOPs (LWD: one generation amortised over H plus the MLP
forward; DP: one sampling call amortised over its H executed steps) and wall time.
Targets (design.md §6): LWD >= 0.90 at H = 8, <= 5 points drop H = 8 -> 32, LWD >= DP at
every H >= 8 at >= 45x fewer FLOPs per control step.

    python bench/bench_horizon.py --lwd models/pusht --lwd-same-data runs/lwd_clean \\
        --dp runs/pusht_dp_small --episodes-per-task 50 \\
        --json results/pusht_horizon.json --plot results/pusht_horizon.png

``--lwd-same-data``: the shipped model trains on clean and noise-injected (DART)
demonstrations, the DP peer on the clean ones only, so an LWD trained on exactly the DP's
demonstrations runs beside them (``data.extra_datasets=[]``).

A DP with prediction horizon 16 and 2 observation steps executes at most 15 actions per
sequence; longer H are reported as not applicable for it.

``--reuse PREVIOUS.json`` copies the cells of a method whose checkpoint is byte-identical
(SHA-256 of its ``meta.json``, which holds its weights' hashes) and whose seed and episode
count match, instead of evaluating them again: rollouts are deterministic per seed, so only
their wall times are from the earlier run (``reused_from`` says so). Re-running the study
after retraining LWD then costs minutes instead of the DP's hour. A checkpoint that is not on
this machine (the DP peer trains for 96 min) keeps its earlier cells, costs included, if the
earlier run names the same path; ``checkpoint_absent`` marks them as not re-verified.

``--lwd-h32``: a model trained on 32-step snippets (``models/pusht_h32``) beside the default
one, for the long-horizon targets: its H = 32 against the default's H = 8 (4x fewer
generations at <= 5 points) and its FLOPs per control step against the paper-size DP.
"""

import argparse
import json
import math
import multiprocessing as mp
from pathlib import Path
import sys
import time

import numpy as np

from lwd_ros.config import resolve_path
from lwd_ros.evaluation import HELD_OUT_SEED
from lwd_ros.report import emit_json
from lwd_ros.runtime.checkpoint import sha256

ENV_ID = 'lwd_ros/PushT-v0'
SAME_DATA = 'lwd_same_data'  # an LWD trained on exactly the DP's demonstrations
LONG = 'lwd_h32'  # an LWD trained on 32-step snippets for H = 32 (models/pusht_h32)
LABELS = {'lwd': 'LWD (generated MLP)', 'dp': 'Diffusion Policy',
          SAME_DATA: "LWD on the DP's demos", LONG: 'LWD trained for H = 32 (4 hidden layers)'}


def lwd_generation_flops(checkpoint: str) -> int:
    """Count one generation's FLOPs (all DDIM steps + hypernetwork decode) with torch."""
    from torch.utils.flop_counter import FlopCounterMode

    from lwd_ros.runtime.loader import load_generator
    gen = load_generator(checkpoint, backend='torch')
    obs = gen.meta.sample_observations(np.random.default_rng(0), 1)[0]
    with FlopCounterMode(display=False) as counter:
        gen.generate(obs, gen.tasks[0], np.random.default_rng(0))
    return int(counter.get_total_flops())


def paper_dp_flops_per_call(dp_checkpoint: str, sampler: str = 'ddim') -> dict:
    """Count one sampling call's FLOPs at the DP paper's state-PushT UNet size.

    Same dims, schedule and sampler as the trained peer, with ``down_dims`` (256, 512,
    1024): the architecture the paper compares against, untrained (FLOPs do not depend on
    the weights), for the FLOPs ratio the paper quotes.
    """
    import dataclasses

    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from lwd_ros.learning.checkpoint_io import load_checkpoint
    from lwd_ros.learning.diffusion_policy import DiffusionPolicyModel

    ckpt = load_checkpoint(dp_checkpoint)
    cfg = dataclasses.replace(ckpt.cfg.dp, down_dims=(256, 512, 1024))
    meta = ckpt.meta
    model = DiffusionPolicyModel(meta.cond_dim, meta.act_dim, len(meta.tasks), cfg).eval()
    model.set_sampler(sampler)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.sample(torch.zeros(1, meta.cond_dim), torch.zeros(1, dtype=torch.long))
    return {'down_dims': list(cfg.down_dims), 'flops_per_call': int(counter.get_total_flops()),
            'params': sum(p.numel() for p in model.parameters())}


def mlp_forward_s(checkpoint: str) -> float:
    """Median wall time of the deployed policy's forward (features + MLP), numpy."""
    from bench_generation import mlp_forward_us  # the same timing as the generation bench

    from lwd_ros.runtime.loader import load_generator
    gen = load_generator(checkpoint, backend='torch')
    return mlp_forward_us(gen, n=5000)['p50_us'] * 1e-6


def failure_modes(episodes) -> dict:
    """Failed episodes by how close they came: where the missing success is lost.

    ``near_miss``: max coverage >= 0.90 (the T was almost placed: precision or overshoot);
    ``partial``: 0.5-0.90; ``far``: < 0.5 (stuck, or pushing the wrong way). ``lost`` is the
    mean coverage a near miss gave back between its best and its last step.
    """
    failed = [e for e in episodes if not e.success]
    near = [e for e in failed if e.max_coverage >= 0.90]
    return {'failed': len(failed), 'near_miss': len(near),
            'partial': sum(0.5 <= e.max_coverage < 0.90 for e in failed),
            'far': sum(e.max_coverage < 0.5 for e in failed),
            'near_miss_lost_coverage': (float(np.mean([e.max_coverage - e.final_coverage
                                                       for e in near])) if near else None)}


def run_job(job: tuple) -> tuple:
    """One (method, H) cell: evaluate and summarise; runs in a worker process."""
    import gymnasium as gym
    import torch

    import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate

    method, checkpoint, horizon, episodes, seed, sampler = job
    torch.set_num_threads(1)
    try:
        source = load_source(checkpoint, horizon, sampler=sampler)
    except ValueError as e:  # DP cannot execute more actions than it predicts
        return method, horizon, {'not_applicable': str(e)}
    env = gym.make(ENV_ID)
    t0 = time.perf_counter()
    report = evaluate(env, source, episodes, seed)
    s = report.summary()
    success = np.array([e.success for e in report.episodes], float)
    cover = np.array([e.max_coverage for e in report.episodes])
    n = len(success)
    steps = sum(e.steps for e in report.episodes)
    row = {'episodes': n, 'success_rate': float(success.mean()),
           'success_se': float(math.sqrt(success.mean() * (1 - success.mean()) / n)),
           'mean_max_coverage': float(cover.mean()),
           'coverage_se': float(cover.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0,
           'per_task': s['per_task'], 'mean_steps': s['mean_steps'],
           'calls': len(report.latencies_s), 'control_steps': steps,
           'call_latency_ms': s['generation_latency_ms'],
           'eval_wall_s': round(time.perf_counter() - t0, 1)}
    row['failures'] = failure_modes(report.episodes)
    mean_call = float(np.mean(report.latencies_s)) if report.latencies_s else 0.0
    row['call_s_per_control_step'] = mean_call * len(report.latencies_s) / max(steps, 1)
    if method == 'dp':
        row['flops_per_call'] = int(source.flops_per_call)
    return method, horizon, row


def _is_lwd(method: str) -> bool:
    return method.startswith('lwd')


def per_step_costs(result: dict) -> None:
    """Add FLOPs and wall time per control step to every evaluated cell."""
    from lwd_ros.runtime.loader import load_generator
    for method, info in result['methods'].items():
        if _is_lwd(method) and 'generation_flops' not in info:  # absent ones keep theirs
            gen = load_generator(info['checkpoint'], backend='torch')
            info['generation_flops'] = lwd_generation_flops(info['checkpoint'])
            info['mlp_flops_per_step'] = gen.flops_per_step
            info['mlp_forward_s'] = mlp_forward_s(info['checkpoint'])
            info['policy_params'] = gen.num_params
    for method, info in result['methods'].items():
        for h, row in info['by_horizon'].items():
            if 'not_applicable' in row or 'flops_per_step' in row:
                continue
            if _is_lwd(method):
                row['flops_per_step'] = (info['generation_flops'] / int(h)
                                         + info['mlp_flops_per_step'])
                row['wall_s_per_step'] = row['call_s_per_control_step'] + info['mlp_forward_s']
            else:
                row['flops_per_step'] = row['flops_per_call'] / int(h)
                row['wall_s_per_step'] = row['call_s_per_control_step']
    dp = result['methods'].get('dp')
    if not dp:
        return
    if 'paper_size' not in dp:
        dp['paper_size'] = paper_dp_flops_per_call(dp['checkpoint'], dp.get('sampler', 'ddim'))
    paper = dp['paper_size']['flops_per_call']
    for method in ('lwd', LONG):
        lwd = result['methods'].get(method)
        if not lwd:
            continue
        ratios = {}
        for h, row in lwd['by_horizon'].items():
            if 'flops_per_step' not in row:
                continue
            ratios[h] = {'paper_dp_over_lwd_flops': paper / int(h) / row['flops_per_step']}
            other = dp['by_horizon'].get(h, {})
            if 'flops_per_step' in other:
                ratios[h]['dp_over_lwd_flops'] = other['flops_per_step'] / row['flops_per_step']
                if not (dp.get('checkpoint_absent') or lwd.get('checkpoint_absent')):
                    # wall time compares only within one machine's runs
                    ratios[h]['dp_over_lwd_wall'] = (other['wall_s_per_step']
                                                     / row['wall_s_per_step'])
        result[f'dp_over_{method}_per_step'] = ratios


def targets(result: dict) -> dict:
    lwd = result['methods'].get('lwd', {}).get('by_horizon', {})
    dp = result['methods'].get('dp', {}).get('by_horizon', {})
    same = result['methods'].get(SAME_DATA, {}).get('by_horizon', {})
    out = {}
    shared = [h for h in same if int(h) >= 8 and 'success_rate' in dp.get(h, {})]
    if shared:  # the comparison on exactly the DP's demonstrations
        out['same_data_lwd>=dp_at_every_h>=8'] = all(
            same[h]['success_rate'] >= dp[h]['success_rate'] for h in shared)
    if '8' in lwd:
        out['lwd_success_h8>=0.90'] = lwd['8']['success_rate'] >= 0.90
        out['lwd_coverage_h8>=0.95'] = lwd['8']['mean_max_coverage'] >= 0.95
        if '32' in lwd:
            drop = lwd['8']['success_rate'] - lwd['32']['success_rate']
            out['drop_h8_h32'] = round(drop, 4)
            out['drop_h8_h32<=0.05'] = drop <= 0.05
    long = result['methods'].get(LONG, {}).get('by_horizon', {})
    if '32' in long and '8' in long:
        out['lwd_h32_success_h32>=0.85'] = long['32']['success_rate'] >= 0.85
        out['lwd_h32_success_h8>=0.90'] = long['8']['success_rate'] >= 0.90
        paper = result.get(f'dp_over_{LONG}_per_step', {}).get('32', {})
        if 'paper_dp_over_lwd_flops' in paper:
            out['lwd_h32_paper_dp_flops_ratio_h32>=45'] = paper['paper_dp_over_lwd_flops'] >= 45
        if '8' in lwd:  # 4x fewer generations than the default model at H = 8
            drop = lwd['8']['success_rate'] - long['32']['success_rate']
            out['drop_default_h8_to_lwd_h32_h32'] = round(drop, 4)
            out['drop_default_h8_to_lwd_h32_h32<=0.05'] = drop <= 0.05
    both = [h for h in lwd if int(h) >= 8 and 'success_rate' in dp.get(h, {})]
    if both:
        out['lwd>=dp_at_every_h>=8'] = all(lwd[h]['success_rate'] >= dp[h]['success_rate']
                                           for h in both)
        ratios = result.get('dp_over_lwd_per_step', {})
        out['flops_ratio>=45_at_every_h>=8'] = all(
            ratios[h]['dp_over_lwd_flops'] >= 45 for h in both if h in ratios)
        out['paper_dp_flops_ratio>=45_at_every_h>=8'] = all(
            ratios[h]['paper_dp_over_lwd_flops'] >= 45 for h in both if h in ratios)
    return out


def plot(result: dict, path: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for method, info in result['methods'].items():
        rows = {int(h): r for h, r in info['by_horizon'].items() if 'success_rate' in r}
        hs = sorted(rows)
        label = LABELS.get(method, method)
        label += f" ({info['episodes_per_task']} episodes/goal)"
        for ax, key, se in ((axes[0], 'success_rate', 'success_se'),
                            (axes[1], 'mean_max_coverage', 'coverage_se')):
            ax.errorbar(hs, [rows[h][key] for h in hs], yerr=[rows[h][se] for h in hs],
                        marker='o', capsize=3, label=label)
    ticks = sorted({int(h) for info in result['methods'].values() for h in info['by_horizon']})
    for ax, title in ((axes[0], 'success rate'), (axes[1], 'mean max coverage')):
        ax.set_xscale('log', base=2)
        ax.set_xticks(ticks, [str(h) for h in ticks])
        ax.set_xlabel('action horizon H (control steps per generation / sequence)')
        ax.set_title(f'PushT {title}, held-out episodes, ± s.e.')
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[1].legend(loc='lower left', fontsize=8)  # the coverage panel's empty lower half
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def fingerprint(checkpoint: str) -> str:
    return sha256(Path(checkpoint) / 'meta.json')


def reusable(previous: dict, method: str, info: dict, seed: int, horizons: list[int]) -> dict:
    """The earlier cells of ``method`` if they were made of this very checkpoint, else {}."""
    old = previous.get('methods', {}).get(method)
    if (not old or previous.get('seed') != seed or old.get('fingerprint') != info['fingerprint']
            or old.get('episodes_per_task') != info['episodes_per_task']
            or old.get('sampler', 'ddim') != info.get('sampler', 'ddim')):
        return {}
    rows = old.get('by_horizon', {})
    return rows if all(str(h) in rows for h in horizons) else {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--lwd', default='models/pusht', help='LWD checkpoint ("" to skip)')
    parser.add_argument('--dp', default='runs/pusht_dp_small',
                        help='DP checkpoint ("" to skip; train it with '
                        'config/train/pusht_dp.yaml)')
    parser.add_argument('--lwd-same-data', default='',
                        help='also an LWD checkpoint trained on exactly the DP\'s '
                        'demonstrations, when --lwd was trained on more (e.g. DART)')
    parser.add_argument('--lwd-h32', default='',
                        help='also an LWD checkpoint trained for H = 32 (models/pusht_h32)')
    parser.add_argument('--horizons', type=int, nargs='+', default=[1, 2, 4, 8, 16, 32])
    parser.add_argument('--episodes-per-task', type=int, default=50)
    parser.add_argument('--dp-episodes-per-task', type=int,
                        help='fewer DP episodes (default: --episodes-per-task): one DP call '
                        'costs ~10x an LWD generation and runs every H steps')
    parser.add_argument('--dp-sampler', choices=('ddim', 'ddpm'), default='ddim',
                        help="the DP's sampler: DDIM 10 (its config, LWD's sampler budget) or "
                        "the full 100-step DDPM chain the DP paper samples state PushT with "
                        "(10x the FLOPs)")
    parser.add_argument('--seed', type=int, default=HELD_OUT_SEED)
    parser.add_argument('--workers', type=int, default=2, help='parallel evaluation processes')
    parser.add_argument('--json', help='also write the JSON here')
    parser.add_argument('--plot', default='outputs/horizon.png', help='PNG path ("" = none)')
    parser.add_argument('--reuse', metavar='JSON',
                        help='an earlier result: copy the cells of unchanged checkpoints')
    args = parser.parse_args()

    import gymnasium as gym

    import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
    num_tasks = len(gym.make(ENV_ID).unwrapped.tasks)
    per_task = {'lwd': args.episodes_per_task, SAME_DATA: args.episodes_per_task,
                LONG: args.episodes_per_task,
                'dp': args.dp_episodes_per_task or args.episodes_per_task}
    named = {m: p for m, p in (('lwd', args.lwd), (SAME_DATA, args.lwd_same_data),
                               (LONG, args.lwd_h32), ('dp', args.dp)) if p}
    checkpoints = {m: str(resolve_path(p)) for m, p in named.items()}
    previous = json.loads(Path(args.reuse).read_text()) if args.reuse else {}
    missing, absent = {}, {}
    for m, p in list(checkpoints.items()):
        if (Path(p) / 'meta.json').is_file():
            continue
        del checkpoints[m]
        old = previous.get('methods', {}).get(m, {})
        if (old.get('checkpoint') in (named[m], p) and previous.get('seed') == args.seed
                and all(str(h) in old.get('by_horizon', {}) for h in args.horizons)):
            absent[m] = dict(old, reused_from=args.reuse, checkpoint_absent=True,
                             by_horizon={str(h): old['by_horizon'][str(h)]
                                         for h in args.horizons})
            print(f'bench_horizon: no {m} checkpoint at {p}: its cells from {args.reuse}',
                  file=sys.stderr)
        else:
            missing[m] = p
            print(f'bench_horizon: no {m} checkpoint at {p}: skipped', file=sys.stderr)
    if not checkpoints:
        raise SystemExit('bench_horizon: no checkpoint to evaluate')
    result = {'env': ENV_ID, 'seed': args.seed, 'missing': missing,
              'methods': {m: {'checkpoint': p, 'fingerprint': fingerprint(p),
                              'episodes_per_task': per_task[m],
                              'by_horizon': {}} for m, p in checkpoints.items()}}
    if 'dp' in result['methods']:
        result['methods']['dp']['sampler'] = args.dp_sampler
    result['methods'].update(absent)
    for m, info in result['methods'].items():
        if info.get('checkpoint_absent'):
            continue
        rows = reusable(previous, m, info, args.seed, args.horizons)
        if rows:
            info['by_horizon'] = {str(h): rows[str(h)] for h in args.horizons}
            info['reused_from'] = args.reuse
            print(f'{m}: checkpoint unchanged, cells copied from {args.reuse}', flush=True)
    jobs = [(m, p, h, per_task[m] * num_tasks, args.seed, result['methods'][m].get('sampler'))
            for m, p in checkpoints.items()
            for h in sorted(args.horizons) if not result['methods'][m].get('reused_from')]
    jobs.sort(key=lambda j: j[2])  # short horizons are slowest: start them first
    t0 = time.perf_counter()
    ctx = mp.get_context('spawn')
    with ctx.Pool(args.workers) as pool:
        for method, h, row in pool.imap_unordered(run_job, jobs):
            result['methods'][method]['by_horizon'][str(h)] = row
            print(f'{method} H={h}: ' + (f"success {row['success_rate']:.3f} ± "
                                         f"{row['success_se']:.3f}"
                                         if 'success_rate' in row else 'n/a'), flush=True)
    for info in result['methods'].values():
        info['by_horizon'] = dict(sorted(info['by_horizon'].items(), key=lambda kv: int(kv[0])))
    per_step_costs(result)
    result['targets'] = targets(result)
    result['bench_wall_s'] = round(time.perf_counter() - t0, 1)
    if args.plot:
        plot(result, args.plot)
        result['plot'] = args.plot
    emit_json(result, args.json)


if __name__ == '__main__':
    main()
