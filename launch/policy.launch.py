# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Any robot: policy_generator + lwd_controller against its own drivers, from its contract.

The contract (``robot:=``, a YAML file; README "Bring your own robot") names every topic,
joint, limit and rate; the checkpoint must have been trained on the same contract (the
generator refuses another, naming the difference). Bring up ros2_control first: a
``joint_state_broadcaster`` and the command controller the contract names.

    ros2 launch lwd_ros policy.launch.py robot:=my_arm.yaml checkpoint:=runs/my_arm
"""

from lwd_ros.ros.launch_description import graph_launch_description


def generate_launch_description():
    return graph_launch_description('policy')
