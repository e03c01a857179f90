# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT in MuJoCo: mujoco_bridge + policy_generator + lwd_controller.

    ros2 launch lwd_ros pusht_sim.launch.py task:=goal_left real_time_factor:=2.0
    ros2 topic pub --once /lwd/task lwd_ros/msg/TaskSwitch "{task: goal_right}"

Parameters come from ``config/ros/lwd.yaml`` then ``config/ros/pusht_sim.yaml``; an argument
overrides them only when given. ``lwd launch pusht_sim`` runs this same ``GRAPH``.
"""

from lwd_ros.envs import get_spec
from lwd_ros.ros.graphs import (
    BRIDGE,
    EPISODES,
    HORIZON,
    ROBOTS,
    RTF,
    SIM_TIME,
    Argument,
    Graph,
    NodeSpec,
    checkpoint_argument,
    rate_argument,
    seed_argument,
    task_argument,
)

PUSHT = get_spec('pusht')

GRAPH = Graph(
    name='pusht_sim',
    env='pusht',
    params_files=('ros/lwd.yaml', 'ros/pusht_sim.yaml'),
    nodes=(
        # The sim: joint states and the T's pose out, position commands in; its exit after
        # episodes:=N ends the launch, a crash restarts it.
        NodeSpec(BRIDGE, respawn=True, ends_graph=True),
        # Samples a latent, decodes an MLP and publishes its weights every action_horizon steps.
        NodeSpec('policy_generator', respawn=True),
        # Runs the latest MLP at control_rate on wall time (numpy only).
        NodeSpec('lwd_controller', sim_time=False),
    ),
    arguments=(
        checkpoint_argument(PUSHT.model),
        task_argument(PUSHT.contract.tasks[0], (BRIDGE, 'policy_generator'),
                      'initial task (PushT goal pose name)'),
        HORIZON, rate_argument('0.0'), SIM_TIME, RTF, seed_argument('0'), EPISODES,
        Argument('video', '', 'write episode videos here (.mp4/.gif; empty: none)',
                 ((BRIDGE, 'video_path'),)),
        ROBOTS,
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
