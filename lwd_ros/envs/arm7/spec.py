# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""arm7's sim plugin; the arm itself is ``config/robots/arm7.yaml``.

The sim is gymnasium's MuJoCo Pusher arm (7 hinges, PR2-like names) with its torque motors
replaced by position actuators, so an action is what ros2_control's
``forward_position_controller`` takes: one joint position target per joint. The contract's
``extra`` holds the task goals, the success radius and the episode length; this module only
re-exports them under names the sim code reads.
"""

from lwd_ros.envs.spec import EnvSpec

SPEC = EnvSpec(  # what lwd_ros.envs finds; the robot: config/robots/arm7.yaml
    name='arm7',
    gym_id='lwd_ros/Arm7Push-v0',
    entry_point='lwd_ros.envs.arm7.env:Arm7PushEnv',
    collect='lwd_ros.envs.arm7.collect',
    teleop='lwd_ros.envs.arm7.teleop:teleop_expert',  # demonstrations through ROS
    model='models/arm7',
)
ARM7 = SPEC.contract  # the robot: what the sim code reads
TASKS = ARM7.tasks
JOINTS = ARM7.command.joints
POLICY_RATE = ARM7.policy_rate
MAX_EPISODE_STEPS = int(ARM7.extra['max_episode_steps'])
SUCCESS_RADIUS = float(ARM7.extra['success_radius'])  # m
GOALS = {task: tuple(map(float, ARM7.extra['goals'][task])) for task in TASKS}  # (x, y) m
