# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --robot planar2``: the IK expert's reaches into a Minari dataset.

``ExpertCollect`` runs it (attempts, quotas, what is kept); a new target and arm pose per
seed. ``--operator-drift`` / ``--operator-hesitation`` put a simulated human between the
expert and the arm. E.g. (evaluation seeds start at 100000, far from any collection seed)::

    lwd collect --robot planar2 --out datasets/planar2_demos --episodes 200 --seed 0
"""

from lwd_ros.data.collection import ExpertCollect
from lwd_ros.envs.planar2.spec import TASKS

COLLECT = ExpertCollect(
    env_name='planar2', tasks=TASKS, env='lwd_ros.envs.planar2.env:Planar2ReachEnv',
    expert='lwd_ros.envs.planar2.expert:run_episode', out='datasets/planar2_demos',
    episodes=200, description='planar2 reaches by the closed-form IK expert in joint velocity',
    algorithm_name='lwd_ros.envs.planar2.expert', noise_unit='rad/s')
add_arguments, run = COLLECT.add_arguments, COLLECT.run
