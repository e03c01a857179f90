# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Success with and without block kicks, and with warm starts; prints JSON.

The reviewers of LWD asked whether generated closed-loop policies recover from disturbances
and whether warm starts (Diffusion Policy style) help. Every method runs the same seeds twice:
clean, and with the T teleported at fixed steps
(``config/envs/pusht_disturbance.yaml``, same kicks for
the same seed). LWD runs at H = 8 and H = 32 cold, and at H = 8 with the previous latent
re-noised to ``--warm-start`` (fewer denoising steps, smoother policy sequence); the BC
baselines are queried every step.

    python bench/bench_disturbance.py --checkpoint models/pusht --episodes 50 --json out.json
"""

import argparse

import gymnasium as gym

from lwd_ros.config import load_config, resolve_path
from lwd_ros.envs.pusht.disturbance import BlockKick, KickConfig
import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
from lwd_ros.evaluation import HELD_OUT_SEED
from lwd_ros.evaluation.rollout import LwdSource, MlpSource, evaluate
from lwd_ros.report import emit_json
from lwd_ros.runtime.baseline import load_bc_policies
from lwd_ros.runtime.loader import load_generator


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--checkpoint', default='models/pusht')
    parser.add_argument('--bc-small', default='runs/pusht_bc_small')
    parser.add_argument('--bc-large', default='runs/pusht_bc_large')
    parser.add_argument('--kicks', default='config/envs/pusht_disturbance.yaml')
    parser.add_argument('--episodes', type=int, default=50)
    parser.add_argument('--seed', type=int, default=HELD_OUT_SEED)
    parser.add_argument('--warm-start', type=float, default=0.5)
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()

    kicks = load_config(KickConfig, args.kicks)
    gen = load_generator(resolve_path(args.checkpoint))
    sources = {'lwd_h8': LwdSource(gen, 8), 'lwd_h32': LwdSource(gen, 32),
               f'lwd_h8_warm{args.warm_start:g}': LwdSource(gen, 8, args.warm_start)}
    for name, path in (('bc_small', args.bc_small), ('bc_large', args.bc_large)):
        if (resolve_path(path) / 'meta.json').is_file():
            sources[name] = MlpSource(load_bc_policies(resolve_path(path)), name)
    result = {'episodes': args.episodes, 'seed': args.seed, 'kicks': vars(kicks),
              'checkpoint': str(args.checkpoint), 'methods': {}}
    for name, source in sources.items():
        row = {}
        for condition, env in (('clean', gym.make('lwd_ros/PushT-v0')),
                               ('kicked', BlockKick(gym.make('lwd_ros/PushT-v0'), kicks))):
            s = evaluate(env, source, args.episodes, args.seed).summary()
            row[condition] = {k: s[k] for k in ('success_rate', 'mean_max_coverage',
                                                'mean_steps')}
            if s['generation_latency_ms']['count']:
                row[condition]['generation_latency_ms_p50'] = s['generation_latency_ms']['p50']
            if condition == 'kicked':
                row['kicks_applied'] = env.kicks
        row['success_drop'] = round(row['clean']['success_rate']
                                    - row['kicked']['success_rate'], 4)
        result['methods'][name] = row
        print(f'{name}: clean {row["clean"]["success_rate"]:.2f} '
              f'kicked {row["kicked"]["success_rate"]:.2f}', flush=True)
    emit_json(result, args.json)


if __name__ == '__main__':
    main()
