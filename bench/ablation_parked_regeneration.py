# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Regenerate when the generated MLP parks: fewer generations than H = 8 at its success?

``bench/analysis_horizon.py`` found that at long horizons each generated PushT policy works
for about 8 steps and then parks (its target a few mm from the pusher). This lever keeps the
policy a feedback policy and the horizon long (at most ``--max-horizon`` steps per policy),
but asks for a new one as soon as the running one parks: after ``--min-steps`` steps, when
its target is less than ``eps`` from the pusher. Selection seeds (300000+), never the bench
seeds; runtime only (no training). Writes ``results/ablation/parked_regeneration.json``::

    python bench/ablation_parked_regeneration.py --episodes 150
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys
import time

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lwd_ros.evaluation.rollout import LwdSource, evaluate  # noqa: E402


class ParkedSource(LwdSource):
    """``LwdSource`` that also regenerates when the policy's target stops moving the pusher.

    Args:
        generator: the policy generator.
        max_horizon: steps a policy runs at most.
        min_steps: steps a policy runs at least before it may be replaced for parking.
        eps: metres between target and pusher below which the policy counts as parked.
    """

    def __init__(self, generator, max_horizon: int, min_steps: int, eps: float):
        super().__init__(generator, max_horizon)
        self.min_steps, self.eps = min_steps, eps
        self.name = f'parked-H{max_horizon}-min{min_steps}-eps{eps * 1e3:g}mm'
        self._age = 0

    def reset(self, task: str, seed: int) -> None:
        super().reset(task, seed)
        self._age = 0

    def act(self, obs: np.ndarray) -> np.ndarray:
        due = self.schedule.due
        action = super().act(obs)
        self._age = 1 if due else self._age + 1
        parked = float(np.linalg.norm(action - np.asarray(obs[:2]))) < self.eps
        if self._age >= self.min_steps and parked:
            self.schedule.request()  # a fresh policy from the next state
        return action


def main(argv=None) -> int:
    import lwd_ros.envs  # noqa: F401 - registers the gymnasium ids
    from lwd_ros.envs import make_env
    from lwd_ros.runtime.loader import load_generator

    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--checkpoint', default='models/pusht')
    parser.add_argument('--episodes', type=int, default=150)
    parser.add_argument('--seed', type=int, default=300000, help='selection seeds')
    parser.add_argument('--max-horizon', type=int, default=32)
    parser.add_argument('--json', default='results/ablation/parked_regeneration.json')
    args = parser.parse_args(argv)
    gen = load_generator(REPO / args.checkpoint)
    env = make_env('pusht')
    sources = [LwdSource(gen, 8), LwdSource(gen, args.max_horizon)]
    sources += [ParkedSource(gen, args.max_horizon, m, e)
                for m in (4, 8) for e in (0.002, 0.004, 0.008)]
    rows = []
    for source in sources:
        t0 = time.perf_counter()
        report = evaluate(env, source, args.episodes, args.seed).summary()
        generations = report['generation_latency_ms']['count'] / args.episodes
        p = report['success_rate']
        rows.append({'source': source.name, 'success_rate': p,
                     'success_se': round(float(np.sqrt(p * (1 - p) / args.episodes)), 4),
                     'mean_max_coverage': report['mean_max_coverage'],
                     'mean_steps': report['mean_steps'],
                     'generations_per_episode': round(generations, 2),
                     'steps_per_generation': round(report['mean_steps'] / generations, 2),
                     'wall_s': round(time.perf_counter() - t0, 1)})
        print(json.dumps(rows[-1]), flush=True)
    out = {'bench': 'parked_regeneration', 'checkpoint': args.checkpoint,
           'episodes': args.episodes, 'seed': args.seed, 'rows': rows}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=1) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
