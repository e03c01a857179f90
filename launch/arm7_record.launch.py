# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Record arm7 demonstrations: mujoco_bridge + the IK expert (expert_teleop) + demo_recorder.

Every topic comes from ``config/robots/arm7.yaml``; the bag converts with
``lwd bag2dataset`` (no flags: the contract is stored in it); e.g.::

    ros2 launch lwd_ros arm7_record.launch.py episodes:=30 task:=goal_center output:=demos/center
"""

from lwd_ros.ros.graphs import record_graph

GRAPH = record_graph('arm7', unit='rad')


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
