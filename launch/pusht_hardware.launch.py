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

from lwd_ros.envs import get_spec
from lwd_ros.ros.graphs import (
    EXPIRED,
    HORIZON,
    Argument,
    Graph,
    NodeSpec,
    checkpoint_argument,
    rate_argument,
    task_argument,
)

PUSHT = get_spec('pusht')

GRAPH = Graph(
    name='pusht_hardware',
    robot='pusht',
    params_files=('ros/lwd.yaml', 'ros/hardware.yaml', 'ros/pusht_hardware.yaml'),
    nodes=(
        NodeSpec('policy_generator', sim_time=False, respawn=True),
        NodeSpec('lwd_controller', sim_time=False),
    ),
    arguments=(
        checkpoint_argument(PUSHT.model),
        task_argument(PUSHT.contract.tasks[0], ('policy_generator',)),
        HORIZON, rate_argument('0.0'), EXPIRED,
        Argument('object_pose_topic', '/pusht/object_pose',
                 'PoseStamped source of the object (mocap, camera)',
                 remaps=(('policy_generator', '/pusht/object_pose'),
                         ('lwd_controller', '/pusht/object_pose'))),
        Argument('command_topic', '/forward_position_controller/commands',
                 'Float64MultiArray command topic of the position controller',
                 remaps=(('lwd_controller', '/forward_position_controller/commands'),)),
    ),
)


def generate_launch_description():
    from lwd_ros.ros.launch_description import launch_description

    return launch_description(GRAPH)
