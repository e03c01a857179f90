# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Real robot: policy_generator + lwd_controller against ros2_control (no sim bridge).

Bring up the robot's ros2_control first, with a ``joint_state_broadcaster`` (publishes
``/joint_states``) and a ``forward_command_controller/ForwardCommandController`` named
``forward_position_controller`` over the two gantry joints with ``interface_name: position``
(subscribes ``/forward_position_controller/commands``); see README "Real hardware". An object
pose source (mocap, camera) publishes ``geometry_msgs/PoseStamped`` on ``object_pose_topic``.

    ros2 launch lwd_ros pusht_hardware.launch.py object_pose_topic:=/mocap/t_block/pose
"""

from lwd_ros.ros.launch_description import graph_launch_description


def generate_launch_description():
    return graph_launch_description('pusht_hardware')
