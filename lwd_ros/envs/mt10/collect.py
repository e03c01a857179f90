# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --env mt10``: MetaWorld's scripted experts on MT10 into a Minari dataset.

Attempt ``i`` runs task ``tasks[i % len(tasks)]`` from reset seed ``seed + i`` (a new random
scene per seed), in order, so the dataset is a pure function of the arguments. Only
successful episodes are kept unless ``--include-failures``; each task's expert success rate
is reported (the ceiling for what imitation can reach). The default dataset::

    lwd collect --env mt10 --out datasets/mt10_demos --episodes 1000 --seed 0

Evaluation seeds start at 100000, far from any collection seed.
"""

from __future__ import annotations

import argparse
import warnings

from lwd_ros.data.collection import (
    add_collect_arguments,
    collect_by_task,
    run_collect,
    task_list,
)
from lwd_ros.envs.mt10.spec import TASKS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_collect_arguments(parser, 'datasets/mt10_demos', 1000)


def collect(args) -> dict:
    """Run the experts until every task's quota is filled; write the dataset; return a summary."""
    from lwd_ros.envs.mt10.env import MT10Env
    from lwd_ros.envs.mt10.expert import run_episode

    tasks = task_list(args.tasks, TASKS)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the experts warn on every clipped action
        return collect_by_task(
            args, env_name='mt10', env=MT10Env(), tasks=tasks, run_episode=run_episode,
            description='MetaWorld MT10 demonstrations by its scripted experts',
            algorithm_name='metaworld.policies scripted experts')


def run(args) -> int:
    return run_collect(collect, args)
