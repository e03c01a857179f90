# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Ablation: blend the actions of the last K generated policies (ACT-style temporal ensembling).

ACT averages overlapping action chunks to smooth switches between them; the analogue here
runs the last K generated MLPs on the current observation and averages their actions with
weights ``decay ** age``. Measured on the selection seeds, it is not adopted: a generated
policy is one mode of the demonstrations, and the average of two modes is neither.

    python bench/ablation_policy_blend.py --json results/ablation/selection_policy_blend_h8.json
"""

import argparse
from collections import deque

import gymnasium as gym
import numpy as np

import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
from lwd_ros.evaluation.rollout import LwdSource, evaluate, lwd_source
from lwd_ros.report import emit_json


class BlendedSource(LwdSource):
    """``LwdSource`` whose action is the weighted mean over the last ``keep`` policies."""

    def __init__(self, inner: LwdSource, keep: int, decay: float):
        super().__init__(inner.generator, inner.horizon)
        self.weights = decay ** np.arange(keep)
        self._policies: deque = deque(maxlen=keep)

    def reset(self, task: str, seed: int) -> None:
        super().reset(task, seed)
        self._policies.clear()

    def act(self, obs: np.ndarray) -> np.ndarray:
        due = self.schedule.due
        super().act(obs)
        if due:
            self._policies.appendleft(self._policy)
        w = self.weights[:len(self._policies)]
        return sum(wi * p.act(obs) for wi, p in zip(w, self._policies)) / w.sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--checkpoint', default='models/pusht')
    parser.add_argument('--episodes', type=int, default=150)
    parser.add_argument('--seed', type=int, default=200000, help='the selection seeds')
    parser.add_argument('--json')
    args = parser.parse_args()
    rows = []
    for horizon, keep, decay in ((8, 1, 1.0), (8, 2, 1.0), (8, 2, 0.5), (8, 3, 0.5),
                                 (4, 2, 1.0)):
        source = BlendedSource(lwd_source(args.checkpoint, horizon), keep, decay)
        s = evaluate(gym.make('lwd_ros/PushT-v0'), source, args.episodes, args.seed).summary()
        rows.append({'action_horizon': horizon, 'keep': keep, 'decay': decay,
                     'success_rate': s['success_rate'],
                     'mean_max_coverage': s['mean_max_coverage']})
        print(rows[-1], flush=True)
    emit_json({'checkpoint': args.checkpoint, 'seed': args.seed, 'episodes': args.episodes,
               'rows': rows}, args.json)


if __name__ == '__main__':
    main()
