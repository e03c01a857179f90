# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Record PushT expert demonstrations: mujoco_bridge + expert_teleop + demo_recorder.

    ros2 launch lwd_ros pusht_record.launch.py episodes:=20 output:=demos/pusht_a
    lwd bag2dataset demos/pusht_a --out datasets/from_bags

The MPC expert commands the sim over the robot's command topic, as a teleoperator would, while
``demo_recorder`` writes the contract's topics to a rosbag2 bag. ``lwd launch pusht_record``
runs this same ``GRAPH``.
"""

from lwd_ros.ros.graphs import record_graph

GRAPH = record_graph('pusht', unit='m')


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
