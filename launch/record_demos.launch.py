# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Record expert demonstrations: mujoco_bridge + expert_teleop + demo_recorder.

    ros2 launch lwd_ros record_demos.launch.py episodes:=20 output:=demos/pusht_a
    lwd bag2dataset demos/pusht_a --out datasets/from_bags

Nodes, arguments and parameters are declared in ``lwd_ros.ros.graphs`` (shared with the
pip-only ``lwd launch record_demos``).
"""

from lwd_ros.ros.launch_description import graph_launch_description


def generate_launch_description():
    return graph_launch_description('record_demos')
