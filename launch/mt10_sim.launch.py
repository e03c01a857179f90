# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MetaWorld MT10 on the simulated Sawyer: mujoco_bridge (env mt10) + generator + controller.

    ros2 launch lwd_ros mt10_sim.launch.py task:=reach-v3
    ros2 topic pub --once /lwd/task lwd_ros/msg/TaskSwitch "{task: drawer-open-v3}"

Nodes, arguments and parameters are declared in ``lwd_ros.ros.graphs`` (shared with the
pip-only ``lwd launch mt10_sim``); parameters come from ``config/ros/mt10_sim.yaml``.
"""

from lwd_ros.ros.launch_description import graph_launch_description


def generate_launch_description():
    return graph_launch_description('mt10_sim')
