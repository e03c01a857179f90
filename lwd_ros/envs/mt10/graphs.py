# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MT10's node graph (``launch/mt10_sim.launch.py``): one task-conditioned generator."""

from lwd_ros.envs.mt10.spec import MT10
from lwd_ros.ros.graphs import Graph, policy_sim_graph

GRAPHS: dict[str, Graph] = {
    # MT10 on the simulated Sawyer: live task switching; seeds held out from the demos.
    'mt10_sim': policy_sim_graph(MT10, 'ros/mt10_sim.yaml', 'initial task (an MT10 task name)',
                                 control_rate='500.0', seed='100000'),
}
