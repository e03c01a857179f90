# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Image PushT in MuJoCo: mujoco_bridge + perception + policy_generator + lwd_controller.

The bridge publishes the camera (``camera/image_raw``, 96 x 96 rgb8) and the pusher's joint
states; the perception node turns each frame into ``features/cam``, which the controller
and the generator read beside the joints (no T pose anywhere), with the checkpoint's
encoder (``lwd export`` writes it beside the generator's graphs). The shipped
``models/pusht_image`` pushes the T but seldom places it (docs/cameras.md)::

    ros2 launch lwd_ros pusht_image_sim.launch.py task:=goal_left
    ros2 launch lwd_ros pusht_image_sim.launch.py checkpoint:=runs/pusht_image

Parameters come from ``config/ros/lwd.yaml`` then ``config/ros/pusht_image_sim.yaml``; an
argument overrides them only when given. ``lwd launch pusht_image_sim`` runs this ``GRAPH``.
"""

from lwd_ros.ros.graphs import BRIDGE, Argument, sim_graph

VIDEO = Argument('video', '', 'write episode videos here (.mp4/.gif; empty: none)',
                 ((BRIDGE, 'video_path'),))

GRAPH = sim_graph('pusht_image', control_rate='0.0', seed='0',
                  task='initial task (PushT goal pose name)', extra=(VIDEO,))


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
