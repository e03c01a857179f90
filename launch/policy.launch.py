# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Any robot: policy_generator + lwd_controller against its own drivers, from its contract.

A robot with cameras (``image`` blocks) also runs ``perception``, which turns each camera's
frames into the features the policies read, with the checkpoint's encoders.

The contract (``robot:=``, a YAML file; README "Bring your own robot") names every topic,
joint, limit and rate; the checkpoint must have been trained on the same contract (the
generator refuses another, naming the difference). Bring up ros2_control first: a
``joint_state_broadcaster`` and the command controller the contract names.

    ros2 launch lwd_ros policy.launch.py robot:=my_arm.yaml checkpoint:=runs/my_arm
"""

from lwd_ros.ros.graphs import (
    EXPIRED,
    HORIZON,
    Argument,
    Graph,
    NodeSpec,
    rate_argument,
    task_argument,
)

GRAPH = Graph(
    name='policy',
    robot='',  # no sim: the robot's own drivers
    params_files=('ros/lwd.yaml', 'ros/hardware.yaml'),
    nodes=(
        NodeSpec('perception', sim_time=False, respawn=True, cameras=True),
        NodeSpec('policy_generator', sim_time=False, respawn=True),
        NodeSpec('lwd_controller', sim_time=False),
    ),
    arguments=(
        Argument('robot', '', 'robot contract (YAML file, config/robots/<name>.yaml)',
                 (('lwd_controller', 'robot'), ('policy_generator', 'robot'),
                  ('perception', 'robot')), required=True),
        Argument('checkpoint', '', 'LWD checkpoint dir (torch) or ONNX export dir',
                 (('policy_generator', 'checkpoint'), ('perception', 'encoder')),
                 required=True),
        task_argument('', ('policy_generator',), "initial task ('' = the first)"),
        HORIZON, rate_argument('0.0'), EXPIRED,
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
