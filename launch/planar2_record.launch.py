# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Record planar2 demonstrations: mujoco_bridge + the IK expert + demo_recorder.

Every topic comes from ``config/robots/planar2.yaml``; the bag converts with
``lwd bag2dataset`` (no flags: the contract is stored in it); e.g.::

    ros2 launch lwd_ros planar2_record.launch.py episodes:=30 task:=elbow_right output:=demos/r
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

PLANAR2 = get_spec('planar2')

GRAPH = Graph(
    name='planar2_record',
    env='planar2',
    params_files=('ros/planar2_sim.yaml', 'ros/expert_teleop.yaml', 'ros/demo_recorder.yaml',
                  'ros/planar2_record.yaml'),
    nodes=(
        NodeSpec(BRIDGE, ends_graph=True),  # episodes:=N ends the recording
        NodeSpec('expert_teleop'),
        NodeSpec('demo_recorder'),
    ),
    arguments=(
        SIM_TIME, RTF, seed_argument('0'), EPISODES,
        task_argument(PLANAR2.contract.tasks[0], (BRIDGE, 'expert_teleop'),
                      'task of every episode'),
        OUTPUT, STORAGE, action_noise_argument('rad/s'), *operator_arguments('rad/s'),
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
