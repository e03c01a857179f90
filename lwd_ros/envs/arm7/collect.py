# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --env arm7``: the IK expert's pushes into a Minari dataset.

Attempt ``i`` runs task ``tasks[i % len(tasks)]`` from reset seed ``seed + i`` (a new puck
start and arm pose per seed), in order, so the dataset is a pure function of the arguments.
Only successful episodes are kept unless ``--include-failures``; each task's expert success
rate is reported. ``--action-noise`` (DART) perturbs the executed joint targets with AR(1)
noise while the dataset records the expert's clean targets. The default dataset::

    lwd collect --env arm7 --out datasets/arm7_demos --episodes 300 --seed 0

Evaluation seeds start at 100000, far from any collection seed.
"""

from __future__ import annotations

import argparse

from lwd_ros.data.collection import add_collect_arguments, collect_noisy, run_collect
from lwd_ros.envs.arm7.spec import TASKS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_collect_arguments(parser, 'datasets/arm7_demos', 300, noise_unit='rad')


def collect(args) -> dict:
    """Run the expert until every task's quota is filled; write the dataset; return a summary."""
    from lwd_ros.envs.arm7.env import Arm7PushEnv
    from lwd_ros.envs.arm7.expert import run_episode

    return collect_noisy(args, env_name='arm7', env=Arm7PushEnv(), known_tasks=TASKS,
                         run_episode=run_episode,
                         description='arm7 puck pushes by the damped-least-squares IK expert',
                         algorithm_name='lwd_ros.envs.arm7.expert')


def run(args) -> int:
    return run_collect(collect, args)
