# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT's env spec: what the gantry observes, what it commands, and at which rates."""

from lwd_ros.envs.pusht.config import TASKS, PushTConfig
from lwd_ros.envs.spec import CommandSpec, EnvSpec, ObsBlock

JOINTS = ('gantry_x', 'gantry_y')  # the MJCF's gantry joints: position = pusher xy

PUSHT = EnvSpec(
    name='pusht',
    gym_id='lwd_ros/PushT-v0',
    entry_point='lwd_ros.envs.pusht.env:PushTEnv',
    observation=(
        ObsBlock('joints', 'joint_states', ('agent_x', 'agent_y'), ('m', 'm'), JOINTS),
        ObsBlock('pose2d', 'pusht/object_pose', ('block_x', 'block_y', 'block_angle'),
                 ('m', 'm', 'rad')),
    ),
    angles=('block_angle',),
    frame_points=(('agent_x', 'agent_y'), ('block_x', 'block_y')),
    action_points=((0, 1),),
    command=CommandSpec(
        topic='forward_position_controller/commands',
        msg_type='std_msgs/msg/Float64MultiArray', interface='position', joints=JOINTS,
        low=(0.0, 0.0), high=(0.512, 0.512), units=('m', 'm')),  # the walled workspace
    policy_rate=1.0 / (PushTConfig.timestep * PushTConfig.frame_skip),
    control_rate=1000.0,
    tasks=tuple(TASKS),
    success=f'coverage > {PushTConfig.success_threshold}: area(T within goal) / area(T)',
    episode_topic='pusht/episode',
    reset_service='pusht/reset',
    augment='lwd_ros.envs.pusht.augment:mirrored',
    step_signals='lwd_ros.envs.pusht.geometry:episode_signals',
    collect='lwd_ros.envs.pusht.collect',
    render='lwd_ros.envs.pusht.render',
    dagger='lwd_ros.envs.pusht.dagger',
    bridge='lwd_ros.envs.pusht.ros_bridge:PushTBridge',
    teleop='lwd_ros.envs.pusht.expert:teleop_expert',
    task_poses='lwd_ros.envs.pusht.config:task_poses',
    graphs='lwd_ros.envs.pusht.graphs:GRAPHS',
    model='models/pusht',
)
SPEC = PUSHT  # what lwd_ros.envs finds
