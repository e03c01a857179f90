# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The toy reaching env's spec: a point commanded to target positions, two goal tasks."""

from lwd_ros.envs.spec import CommandSpec, EnvSpec, ObsBlock

TOY_ID = 'lwd_ros/ToyReach-v0'
SUCCESS_RADIUS = 0.05  # m

SPEC = EnvSpec(
    name='toy', gym_id=TOY_ID, entry_point='lwd_ros.evaluation.toy:ToyReachEnv',
    observation=(ObsBlock('joints', 'joint_states', ('x', 'y'), ('m', 'm'),
                          ('point_x', 'point_y')),),
    frame_points=(('x', 'y'),), action_points=((0, 1),),
    command=CommandSpec('forward_position_controller/commands',
                        'std_msgs/msg/Float64MultiArray', 'position', ('point_x', 'point_y'),
                        (-1.0, -1.0), (1.0, 1.0), ('m', 'm')),
    policy_rate=10.0, control_rate=100.0, tasks=('high', 'low'),
    success=f'distance to the goal < {SUCCESS_RADIUS} m')
