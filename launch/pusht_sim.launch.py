# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT in MuJoCo: mujoco_bridge + policy_generator + lwd_controller.

    ros2 launch lwd_ros pusht_sim.launch.py task:=goal_left real_time_factor:=2.0
    ros2 topic pub --once /lwd/task lwd_ros/msg/TaskSwitch "{task: goal_right}"

Parameters come from ``config/ros/lwd.yaml`` then ``config/ros/pusht_sim.yaml``; an argument
overrides them only when given. ``lwd launch pusht_sim`` runs this same ``GRAPH``.
"""

from lwd_ros.ros.graphs import BRIDGE, Argument, sim_graph

VIDEO = Argument('video', '', 'write episode videos here (.mp4/.gif; empty: none)',
                 ((BRIDGE, 'video_path'),))

GRAPH = sim_graph('pusht', control_rate='0.0', seed='0',
                  task='initial task (PushT goal pose name)', extra=(VIDEO,))


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
