# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The 7-DoF arm in MuJoCo: mujoco_bridge + policy_generator + lwd_controller.

The arm runs behind the shared sim bridge (no arm7 bridge code), its topics, joints and
limits from ``config/robots/arm7.yaml``; the sim's seeds start at 100000, held out from the
demonstrations. ``lwd launch arm7_sim`` runs this same ``GRAPH``; e.g.::

    ros2 launch lwd_ros arm7_sim.launch.py task:=goal_right episodes:=3
"""

from lwd_ros.envs import get_spec
from lwd_ros.ros.graphs import (
    BRIDGE,
    EPISODES,
    HORIZON,
    ROBOTS,
    RTF,
    SIM_TIME,
    Graph,
    NodeSpec,
    checkpoint_argument,
    rate_argument,
    seed_argument,
    task_argument,
)

ARM7 = get_spec('arm7')

GRAPH = Graph(
    name='arm7_sim',
    env='arm7',
    params_files=('ros/lwd.yaml', 'ros/arm7_sim.yaml'),
    nodes=(
        NodeSpec(BRIDGE, respawn=True, ends_graph=True),  # the shared bridge, env arm7
        NodeSpec('policy_generator', respawn=True),
        NodeSpec('lwd_controller', sim_time=False),
    ),
    arguments=(
        checkpoint_argument(ARM7.model),
        task_argument(ARM7.contract.tasks[0], (BRIDGE, 'policy_generator'),
                      'initial task (goal name)'),
        HORIZON, rate_argument('100.0'), SIM_TIME, RTF, seed_argument('100000'), EPISODES,
        ROBOTS,
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
