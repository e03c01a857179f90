# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""arm7's node graphs: its policy in the sim, and its expert recording demonstrations.

Neither has arm7 code in it: the shared ``mujoco_bridge`` runs the env from its contract.
"""

from lwd_ros.envs.arm7.spec import ARM7
from lwd_ros.ros.graphs import (
    BRIDGE,
    EPISODES,
    RTF,
    SIM_TIME,
    Argument,
    Graph,
    NodeSpec,
    policy_sim_graph,
    seed_argument,
    task_argument,
)

GRAPHS: dict[str, Graph] = {
    # The 7-DoF arm in the sim: bridge + generator + controller; seeds held out from demos.
    'arm7_sim': policy_sim_graph(ARM7, 'ros/arm7_sim.yaml', 'initial task (goal name)',
                                 control_rate='100.0', seed='100000'),
    # Demonstrations through ROS: the IK expert commands the sim over the command topic,
    # demo_recorder writes the contract's topics to a bag (lwd bag2dataset reads it).
    'arm7_record': Graph(
        env='arm7',
        params_files=('ros/arm7_sim.yaml', 'ros/expert_teleop.yaml', 'ros/demo_recorder.yaml',
                      'ros/arm7_record.yaml'),
        nodes=(NodeSpec(BRIDGE, ends_graph=True), NodeSpec('expert_teleop'),
               NodeSpec('demo_recorder')),
        arguments=(SIM_TIME, RTF, seed_argument('0'), EPISODES,
                   task_argument(ARM7.tasks[0], (BRIDGE, 'expert_teleop'),
                                 'task of every episode'),
                   Argument('output', '', "bag directory ('' = ./demos_<date>)",
                            (('demo_recorder', 'output'),)),
                   Argument('action_noise', '0.0', 'DART: std (rad) of correlated noise on '
                            'the executed command; the clean one is recorded too (0: off)',
                            (('expert_teleop', 'action_noise'),)))),
}
