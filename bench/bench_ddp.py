# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""``lwd train`` in one process against ``torchrun`` data parallel at the same global batch.

Trains the same config twice from the same seed, each process on one thread: once as a
plain ``lwd train`` and once under ``torchrun --nproc-per-node N`` (gloo on CPU), where
each of the N ranks trains on ``batch_size / N`` of every global batch. Reports per stage
steps/s and samples/s (global batch items; stage wall time, validation included), the
speed-up, the train-loss curves from each run's ``train_log.jsonl`` and the final
validation losses. Runs sharing the cores with other work measure that work too.

    python bench/bench_ddp.py                      # MT10, 300 + 300 steps, results/ddp.json
    python bench/bench_ddp.py --vae-steps 1000 --diffusion-steps 1000 --nproc 4 \\
        --set train.batch_size=128 --json results/ddp_4.json
"""

import argparse
import json
import os
from pathlib import Path
import subprocess
import sys
import time

import torch
import yaml

from lwd_ros.report import emit_json
from lwd_ros.runtime.checkpoint import read_meta

REPO = Path(__file__).resolve().parents[1]
CURVE_KEYS = ('loss', 'recon', 'kl')


def train(nproc: int, args: argparse.Namespace, out: Path) -> float:
    """Run ``lwd train`` (under ``torchrun`` when ``nproc > 1``); the command's wall time."""
    launcher = [sys.executable, '-m', 'lwd_ros'] if nproc == 1 else [
        sys.executable, '-m', 'torch.distributed.run', '--nproc-per-node', str(nproc),
        '--master-addr', '127.0.0.1', '--master-port', str(args.port), '-m', 'lwd_ros']
    overrides = [f'train.vae_steps={args.vae_steps}',
                 f'train.diffusion_steps={args.diffusion_steps}',
                 f'train.bc_steps={args.vae_steps}', f'train.dp_steps={args.vae_steps}',
                 f'train.val_every={args.val_every}', 'train.num_threads=1',
                 f'train.ckpt_every={10 ** 9}', *args.set]
    cmd = [*launcher, 'train', '--config', args.config, '--out', str(out), '--no-progress',
           *(['--dataset', args.dataset] if args.dataset else []), *overrides]
    env = {**os.environ, 'OMP_NUM_THREADS': '1',
           'PYTHONPATH': os.pathsep.join([str(REPO), os.environ.get('PYTHONPATH', '')])}
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def summary(out: Path, command_s: float) -> dict:
    """Throughput per stage, train-loss curves and final validation of the run in ``out``."""
    training = read_meta(out).training
    batch = yaml.safe_load((out / 'config.yaml').read_text())['train']['batch_size']
    log = [json.loads(line) for line in (out / 'train_log.jsonl').read_text().splitlines()]
    stages = {}
    for stage, steps in training['steps'].items():
        wall = training['wall_time_s'][stage]
        stages[stage] = {
            'steps': steps, 'wall_s': wall,
            'steps_per_s': round(steps / wall, 2) if wall else None,
            'samples_per_s': round(steps * batch / wall, 1) if wall else None,
            'train_curve': [{'step': r['step'], **{k: r[k] for k in CURVE_KEYS if k in r}}
                            for r in log if r['stage'] == stage],
            'val': training['val'][stage]}
    return {'global_batch': batch, 'command_s': round(command_s, 1),
            'train_wall_s': training['wall_time_s']['total'], 'stages': stages}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default='config/train/mt10.yaml')
    parser.add_argument('--dataset', default='datasets/mt10_demos')
    parser.add_argument('--vae-steps', type=int, default=300)
    parser.add_argument('--diffusion-steps', type=int, default=300)
    parser.add_argument('--val-every', type=int, default=100)
    parser.add_argument('--nproc', type=int, default=2, help='processes of the DDP run')
    parser.add_argument('--port', type=int, default=29531, help='rendezvous port')
    parser.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE',
                        help='extra config overrides for both runs')
    parser.add_argument('--runs', default='runs/bench_ddp', help='checkpoint parent dir')
    parser.add_argument('--json', default='results/ddp.json')
    args = parser.parse_args()
    runs = REPO / args.runs
    result = {'config': args.config, 'dataset': args.dataset, 'torch': torch.__version__,
              'cpu_count': os.cpu_count(), 'threads_per_process': 1, 'backend': 'gloo'}
    for nproc in (1, args.nproc):
        out = runs / f'nproc{nproc}'
        result[f'nproc_{nproc}'] = summary(out, train(nproc, args, out))
    one, many = result['nproc_1']['stages'], result[f'nproc_{args.nproc}']['stages']
    result['speedup'] = {s: round(many[s]['steps_per_s'] / one[s]['steps_per_s'], 2)
                         for s in one if one[s]['steps_per_s'] and many[s]['steps_per_s']}
    emit_json(result, args.json)


if __name__ == '__main__':
    main()
