# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --robot mt10``: MetaWorld's scripted experts on MT10 into a Minari dataset.

``ExpertCollect`` runs them (attempts, quotas, what is kept); a new random scene per seed, and
each task's expert success rate is reported (the ceiling for what imitation can reach). The
default dataset (evaluation seeds start at 100000, far from any collection seed)::

    lwd collect --robot mt10 --out datasets/mt10_demos --episodes 1000 --seed 0
"""

from lwd_ros.data.collection import ExpertCollect
from lwd_ros.envs.mt10.spec import TASKS

COLLECT = ExpertCollect(
    env_name='mt10', tasks=TASKS, env='lwd_ros.envs.mt10.env:MT10Env',
    expert='lwd_ros.envs.mt10.expert:run_episode', out='datasets/mt10_demos', episodes=1000,
    description='MetaWorld MT10 demonstrations by its scripted experts',
    algorithm_name='metaworld.policies scripted experts',
    quiet=True)  # the experts warn on every clipped action
add_arguments, run = COLLECT.add_arguments, COLLECT.run
