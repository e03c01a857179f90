# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Record planar2 demonstrations: mujoco_bridge + the IK expert (expert_teleop) + demo_recorder.

Every topic comes from ``config/robots/planar2.yaml``; the bag converts with
``lwd bag2dataset`` (no flags: the contract is stored in it); e.g.::

    ros2 launch lwd_ros planar2_record.launch.py episodes:=30 task:=elbow_right output:=demos/r
"""

from lwd_ros.ros.graphs import record_graph

GRAPH = record_graph('planar2', unit='rad/s')


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
