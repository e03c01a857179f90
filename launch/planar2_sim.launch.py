# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The planar 2-link arm in MuJoCo: mujoco_bridge + policy_generator + lwd_controller.

The arm runs behind the shared sim bridge (no planar2 bridge code), its topics, joints and
limits from ``config/robots/planar2.yaml``; the sim's seeds start at 100000, held out from the
demonstrations. ``lwd launch planar2_sim`` runs this same ``GRAPH``; e.g.::

    ros2 launch lwd_ros planar2_sim.launch.py task:=elbow_right episodes:=3 \
        checkpoint:=runs/lab_planar2/warpd   # no planar2 model ships
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

PLANAR2 = get_spec('planar2')

GRAPH = Graph(
    name='planar2_sim',
    env='planar2',
    params_files=('ros/lwd.yaml', 'ros/planar2_sim.yaml'),
    nodes=(
        NodeSpec(BRIDGE, respawn=True, ends_graph=True),  # the shared bridge, env planar2
        NodeSpec('policy_generator', respawn=True),
        NodeSpec('lwd_controller', sim_time=False),
    ),
    arguments=(
        checkpoint_argument(PLANAR2.model),
        task_argument(PLANAR2.contract.tasks[0], (BRIDGE, 'policy_generator'),
                      'initial task (elbow)'),
        HORIZON, rate_argument('100.0'), SIM_TIME, RTF, seed_argument('100000'), EPISODES,
        ROBOTS,
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
