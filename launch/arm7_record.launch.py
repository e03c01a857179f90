# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Record arm7 demonstrations: mujoco_bridge + the IK expert + demo_recorder.

Every topic comes from ``config/robots/arm7.yaml``; the bag converts with
``lwd bag2dataset`` (no flags: the contract is stored in it); e.g.::

    ros2 launch lwd_ros arm7_record.launch.py episodes:=30 task:=goal_center output:=demos/center
"""

from lwd_ros.envs import get_spec
from lwd_ros.ros.graphs import (
    BRIDGE,
    EPISODES,
    OUTPUT,
    RTF,
    SIM_TIME,
    STORAGE,
    Graph,
    NodeSpec,
    action_noise_argument,
    operator_arguments,
    seed_argument,
    task_argument,
)

ARM7 = get_spec('arm7')

GRAPH = Graph(
    name='arm7_record',
    env='arm7',
    params_files=('ros/arm7_sim.yaml', 'ros/expert_teleop.yaml', 'ros/demo_recorder.yaml',
                  'ros/arm7_record.yaml'),
    nodes=(
        NodeSpec(BRIDGE, ends_graph=True),  # episodes:=N ends the recording
        NodeSpec('expert_teleop'),
        NodeSpec('demo_recorder'),
    ),
    arguments=(
        SIM_TIME, RTF, seed_argument('0'), EPISODES,
        task_argument(ARM7.contract.tasks[0], (BRIDGE, 'expert_teleop'), 'task of every episode'),
        OUTPUT, STORAGE, action_noise_argument('rad'), *operator_arguments('rad'),
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
