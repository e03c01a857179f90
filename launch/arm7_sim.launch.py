# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The 7-DoF arm in MuJoCo: shared sim bridge + policy_generator + lwd_controller.

The arm runs behind the shared sim bridge (no arm7 bridge code); e.g.::

    ros2 launch lwd_ros arm7_sim.launch.py task:=goal_right episodes:=3
"""

from lwd_ros.ros.launch_description import graph_launch_description


def generate_launch_description():
    return graph_launch_description('arm7_sim')
