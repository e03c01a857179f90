# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MetaWorld MT10 on the simulated Sawyer: mujoco_bridge + policy_generator + lwd_controller.

    ros2 launch lwd_ros mt10_sim.launch.py task:=reach-v3
    ros2 topic pub --once /lwd/task lwd_ros/msg/TaskSwitch "{task: drawer-open-v3}"

One task-conditioned generator serves all ten tasks. Parameters come from
``config/ros/lwd.yaml`` then ``config/ros/mt10_sim.yaml``. ``lwd launch mt10_sim`` runs this
same ``GRAPH``.
"""

from lwd_ros.ros.graphs import sim_graph

GRAPH = sim_graph('mt10', control_rate='500.0', task='initial task (an MT10 task name)')


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
