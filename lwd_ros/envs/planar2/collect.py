# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --env planar2``: the IK expert's reaches into a Minari dataset.

Attempt ``i`` runs task ``tasks[i % len(tasks)]`` from reset seed ``seed + i`` (a new target
and arm pose per seed), in order, so the dataset is a pure function of the arguments. Only
successful episodes are kept unless ``--include-failures``; ``--operator-drift`` /
``--operator-hesitation`` put a simulated human between the expert and the arm. E.g.::

    lwd collect --env planar2 --out datasets/planar2_demos --episodes 200 --seed 0

Evaluation seeds start at 100000, far from any collection seed.
"""

from __future__ import annotations

import argparse

from lwd_ros.data.collection import add_collect_arguments, collect_noisy, run_collect
from lwd_ros.envs.planar2.spec import TASKS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_collect_arguments(parser, 'datasets/planar2_demos', 200, noise_unit='rad/s')


def collect(args) -> dict:
    """Run the expert until every task's quota is filled; write the dataset; return a summary."""
    from lwd_ros.envs.planar2.env import Planar2ReachEnv
    from lwd_ros.envs.planar2.expert import run_episode

    return collect_noisy(args, env_name='planar2', env=Planar2ReachEnv(), known_tasks=TASKS,
                         run_episode=run_episode,
                         description='planar2 reaches by the closed-form IK expert in joint '
                         'velocity',
                         algorithm_name='lwd_ros.envs.planar2.expert')


def run(args) -> int:
    return run_collect(collect, args)
