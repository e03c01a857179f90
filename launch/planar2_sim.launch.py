# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The planar 2-link arm in MuJoCo: mujoco_bridge + policy_generator + lwd_controller.

The arm runs behind the shared sim bridge (no planar2 bridge code), its topics, joints and
limits from ``config/robots/planar2.yaml``; parameters from ``config/ros/lwd.yaml`` then
``config/ros/planar2_sim.yaml``. ``lwd launch planar2_sim`` runs this same ``GRAPH``; e.g.::

    ros2 launch lwd_ros planar2_sim.launch.py task:=elbow_right episodes:=3 \
        checkpoint:=runs/lab_planar2/warpd   # no planar2 model ships
"""

from lwd_ros.ros.graphs import sim_graph

GRAPH = sim_graph('planar2', control_rate='100.0', task='initial task (elbow)')


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
