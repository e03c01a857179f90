# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Record PushT expert demonstrations: mujoco_bridge + expert_teleop + demo_recorder.

    ros2 launch lwd_ros pusht_record.launch.py episodes:=20 output:=demos/pusht_a
    lwd bag2dataset demos/pusht_a --out datasets/from_bags

The MPC expert commands the sim over the robot's command topic, as a teleoperator would, while
``demo_recorder`` writes the contract's topics to a rosbag2 bag. ``lwd launch pusht_record``
runs this same ``GRAPH``.
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

PUSHT = get_spec('pusht')

GRAPH = Graph(
    name='pusht_record',
    env='pusht',
    params_files=('ros/pusht_sim.yaml', 'ros/expert_teleop.yaml', 'ros/demo_recorder.yaml',
                  'ros/pusht_record.yaml'),
    nodes=(
        NodeSpec(BRIDGE, ends_graph=True),  # episodes:=N ends the recording
        NodeSpec('expert_teleop'),
        NodeSpec('demo_recorder'),
    ),
    arguments=(
        SIM_TIME, RTF, seed_argument('0'), EPISODES,
        task_argument(PUSHT.contract.tasks[0], (BRIDGE, 'expert_teleop'), 'task of every episode'),
        OUTPUT, STORAGE, action_noise_argument('m'), *operator_arguments('m'),
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
