# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT in MuJoCo: mujoco_bridge + policy_generator + lwd_controller.

    ros2 launch lwd_ros pusht_sim.launch.py task:=goal_left real_time_factor:=2.0
    ros2 topic pub --once /lwd/task lwd_ros/msg/TaskSwitch "{task: goal_right}"

Nodes, arguments and parameters are declared in ``lwd_ros.ros.graphs`` (shared with the
pip-only ``lwd launch pusht_sim``); parameters come from ``config/ros/pusht_sim.yaml``.
"""

from lwd_ros.ros.launch_description import graph_launch_description


def generate_launch_description():
    return graph_launch_description('pusht_sim')
