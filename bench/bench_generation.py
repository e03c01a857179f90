# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Generation latency (sample + decode + fold) and numpy MLP forward time; prints JSON.

One thread per backend, as deployed next to a controller. Generators: torch (the checkpoint)
and onnxruntime (an export, made in a temporary directory unless ``--onnx`` is given), each
with DDIM (default 10 steps) and the full DDPM chain. Observations are drawn around the
training distribution. Targets (design.md §6): generation <= 5 ms p50 with <= 10 steps,
MLP forward <= 20 us p50.

    python bench/bench_generation.py --checkpoint models/pusht [--json out.json]
"""

import argparse
from pathlib import Path
import platform
import tempfile
import time

import numpy as np

from lwd_ros.config import resolve_path
from lwd_ros.report import emit_json
from lwd_ros.runtime.loader import load_generator


def latency(gen, sampler, steps, n, seed=0):
    gen.set_sampler(sampler, steps)
    rng = np.random.default_rng(seed)
    obs = gen.meta.sample_observations(rng, n + 3)
    for i in range(3):  # warm-up: first calls allocate
        gen.generate(obs[i], gen.tasks[0], rng)
    lat = np.array([gen.generate(obs[i + 3], gen.tasks[i % len(gen.tasks)], rng).latency_s
                    for i in range(n)]) * 1e3
    return {'sampler': gen.plan.name, 'n': n, 'p50_ms': round(float(np.median(lat)), 4),
            'p99_ms': round(float(np.percentile(lat, 99)), 4),
            'mean_ms': round(float(lat.mean()), 4)}


def mlp_forward_us(gen, n=20000):
    obs = gen.meta.sample_observations(np.random.default_rng(0), 1)[0]
    policy = gen.generate(obs, gen.tasks[0], np.random.default_rng(0)).policy()
    times = np.empty(n)
    for i in range(n):
        t0 = time.perf_counter()
        policy.act(obs)
        times[i] = time.perf_counter() - t0
    return {'layer_sizes': list(policy.layer_sizes), 'params': int(policy.weights.size),
            'p50_us': round(float(np.median(times)) * 1e6, 3),
            'p99_us': round(float(np.percentile(times, 99)) * 1e6, 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--checkpoint', default='models/pusht')
    parser.add_argument('--onnx', help='existing export directory (default: export now)')
    parser.add_argument('--steps', type=int, default=10, help='DDIM steps')
    parser.add_argument('--n', type=int, default=300, help='generations per DDIM figure')
    parser.add_argument('--n-ddpm', type=int, default=20, help='generations per DDPM figure')
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()

    checkpoint = resolve_path(args.checkpoint)
    with tempfile.TemporaryDirectory() as tmp:
        onnx_dir = args.onnx
        if onnx_dir is None:
            from lwd_ros.learning.export_onnx import export_onnx
            onnx_dir = export_onnx(checkpoint, Path(tmp) / 'onnx')
        result = {'checkpoint': str(args.checkpoint), 'threads': 1,
                  'cpu': platform.processor() or platform.machine(), 'generation': {}}
        for backend, path in (('torch', checkpoint), ('onnx', onnx_dir)):
            gen = load_generator(path, backend=backend, num_threads=1)
            result['generation'][backend] = {
                'ddim': latency(gen, 'ddim', args.steps, args.n),
                'ddpm': latency(gen, 'ddpm', None, args.n_ddpm)}
            if backend == 'torch':
                result['mlp_forward'] = mlp_forward_us(gen)
    p50 = result['generation']['torch']['ddim']['p50_ms']
    result['targets'] = {'generation_p50_ms<=5': p50 <= 5.0,
                         'mlp_forward_p50_us<=20': result['mlp_forward']['p50_us'] <= 20.0}
    emit_json(result, args.json)


if __name__ == '__main__':
    main()
