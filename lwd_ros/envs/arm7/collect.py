# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --robot arm7``: the IK expert's pushes into a Minari dataset.

``ExpertCollect`` runs it (attempts, quotas, what is kept); a new puck start and arm pose per
seed. ``--action-noise`` (DART) perturbs the executed joint targets with AR(1) noise while the
dataset records the expert's clean targets. The default dataset (evaluation seeds start at
100000, far from any collection seed)::

    lwd collect --robot arm7 --out datasets/arm7_demos --episodes 300 --seed 0
"""

from lwd_ros.data.collection import ExpertCollect
from lwd_ros.envs.arm7.spec import TASKS

COLLECT = ExpertCollect(
    env_name='arm7', tasks=TASKS, env='lwd_ros.envs.arm7.env:Arm7PushEnv',
    expert='lwd_ros.envs.arm7.expert:run_episode', out='datasets/arm7_demos', episodes=300,
    description='arm7 puck pushes by the damped-least-squares IK expert',
    algorithm_name='lwd_ros.envs.arm7.expert', noise_unit='rad')
add_arguments, run = COLLECT.add_arguments, COLLECT.run
