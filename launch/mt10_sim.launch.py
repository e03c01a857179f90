# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MetaWorld MT10 on the simulated Sawyer: mujoco_bridge + policy_generator + lwd_controller.

    ros2 launch lwd_ros mt10_sim.launch.py task:=reach-v3
    ros2 topic pub --once /lwd/task lwd_ros/msg/TaskSwitch "{task: drawer-open-v3}"

One task-conditioned generator serves all ten tasks; the sim's seeds start at 100000, held
out from the demonstrations. Parameters come from ``config/ros/lwd.yaml`` then
``config/ros/mt10_sim.yaml``. ``lwd launch mt10_sim`` runs this same ``GRAPH``.
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

MT10 = get_spec('mt10')

GRAPH = Graph(
    name='mt10_sim',
    env='mt10',
    params_files=('ros/lwd.yaml', 'ros/mt10_sim.yaml'),
    nodes=(
        NodeSpec(BRIDGE, respawn=True, ends_graph=True),  # the shared bridge, env mt10
        NodeSpec('policy_generator', respawn=True),
        NodeSpec('lwd_controller', sim_time=False),
    ),
    arguments=(
        checkpoint_argument(MT10.model),
        task_argument(MT10.contract.tasks[0], (BRIDGE, 'policy_generator'),
                      'initial task (an MT10 task name)'),
        HORIZON, rate_argument('500.0'), SIM_TIME, RTF, seed_argument('100000'), EPISODES,
        ROBOTS,
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
