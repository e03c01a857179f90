# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""arm7's node graphs: its policy in the sim, and its expert recording demonstrations.

Neither has arm7 code in it: the shared ``mujoco_bridge`` runs the env from its contract.
"""

from lwd_ros.envs.arm7.spec import ARM7
from lwd_ros.ros.graphs import Graph, policy_sim_graph, record_graph

GRAPHS: dict[str, Graph] = {
    # The 7-DoF arm in the sim: bridge + generator + controller; seeds held out from demos.
    'arm7_sim': policy_sim_graph(ARM7, 'ros/arm7_sim.yaml', 'initial task (goal name)',
                                 control_rate='100.0', seed='100000'),
    # Demonstrations through ROS: the IK expert commands the sim over the command topic,
    # demo_recorder writes the contract's topics to a bag (lwd bag2dataset reads it).
    'arm7_record': record_graph(ARM7, 'ros/arm7_sim.yaml', 'ros/arm7_record.yaml', 'rad'),
}
