# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MT10's node graph (``launch/mt10_sim.launch.py``): one task-conditioned generator."""

from lwd_ros.envs.mt10.spec import MT10
from lwd_ros.ros.graphs import (
    BRIDGE,
    EPISODES,
    HORIZON,
    ROBOTS,
    RTF,
    SIM_TIME,
    Graph,
    checkpoint_argument,
    policy_sim_nodes,
    rate_argument,
    seed_argument,
    task_argument,
)

GRAPHS: dict[str, Graph] = {
    # MT10 on the simulated Sawyer: live task switching.
    'mt10_sim': Graph(
        env='mt10',
        params_files=('ros/lwd.yaml', 'ros/mt10_sim.yaml'),
        nodes=policy_sim_nodes(),
        arguments=(checkpoint_argument(MT10.model),
                   task_argument(MT10.tasks[0], (BRIDGE, 'policy_generator'),
                                 'initial task (an MT10 task name)'),
                   HORIZON, rate_argument('500.0'), SIM_TIME, RTF,
                   seed_argument('100000'),  # held out from the demonstrations
                   EPISODES, ROBOTS)),
}
