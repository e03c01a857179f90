# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The 7-DoF arm in MuJoCo: mujoco_bridge + policy_generator + lwd_controller.

The arm runs behind the shared sim bridge (no arm7 bridge code), its topics, joints and
limits from ``config/robots/arm7.yaml``; parameters from ``config/ros/lwd.yaml`` then
``config/ros/arm7_sim.yaml``. ``lwd launch arm7_sim`` runs this same ``GRAPH``; e.g.::

    ros2 launch lwd_ros arm7_sim.launch.py task:=goal_right episodes:=3
"""

from lwd_ros.ros.graphs import sim_graph

GRAPH = sim_graph('arm7', control_rate='100.0', task='initial task (goal name)')


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
