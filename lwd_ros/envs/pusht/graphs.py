# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT's node graphs (``launch/pusht_*.launch.py``, ``launch/record_demos.launch.py``)."""

from lwd_ros.envs.pusht.spec import PUSHT
from lwd_ros.ros.graphs import (
    BRIDGE,
    HORIZON,
    Argument,
    Graph,
    NodeSpec,
    checkpoint_argument,
    policy_sim_graph,
    rate_argument,
    record_graph,
    task_argument,
)

TASK = PUSHT.tasks[0]
VIDEO = Argument('video', '', 'write episode videos here (.mp4/.gif; empty: none)',
                 ((BRIDGE, 'video_path'),))

GRAPHS: dict[str, Graph] = {
    # Simulation: bridge + generator + controller.
    'pusht_sim': policy_sim_graph(PUSHT, 'ros/pusht_sim.yaml',
                                  'initial task (PushT goal pose name)',
                                  control_rate='0.0', seed='0', extra=(VIDEO,)),
    # Hardware: ros2_control's joint_state_broadcaster and forward_command_controller provide
    # /joint_states and consume the commands; a mocap/camera node publishes the object pose.
    'pusht_hardware': Graph(
        env='pusht',
        params_files=('ros/lwd.yaml', 'ros/pusht_hardware.yaml'),
        nodes=(NodeSpec('policy_generator', sim_time=False, respawn=True),
               NodeSpec('lwd_controller', sim_time=False)),
        arguments=(checkpoint_argument(PUSHT.model),
                   task_argument(TASK, ('policy_generator',)),
                   HORIZON, rate_argument('0.0'),
                   Argument('object_pose_topic', '/pusht/object_pose',
                            'PoseStamped source of the object (mocap, camera)',
                            remaps=(('policy_generator', '/pusht/object_pose'),
                                    ('lwd_controller', '/pusht/object_pose'))),
                   Argument('command_topic', '/forward_position_controller/commands',
                            'Float64MultiArray command topic of the position controller',
                            remaps=(('lwd_controller',
                                     '/forward_position_controller/commands'),)))),
    # Demonstrations: the MPC expert drives the sim through the command topic while the
    # recorder writes a rosbag2 bag of the topics `lwd bag2dataset` turns into a dataset.
    'record_demos': record_graph(PUSHT, 'ros/pusht_sim.yaml', 'ros/pusht_record.yaml', 'm'),
}
