# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MT10's sim plugin; the Sawyer arm itself is ``config/robots/mt10.yaml``.

The observation is the part of MetaWorld's 39-D vector the scripted experts read (the hand
position, the gripper opening, the task object's position and the goal): the experts are
functions of these ten numbers, so a policy that sees them can imitate them exactly. The
second object slot is empty in all ten tasks, object orientations go unread, and the
previous-frame copy only repeats the current one.

Actions are MetaWorld's: an end-effector displacement per policy step in ``[-1, 1]``
(1 = ``ACTION_SCALE`` m) and a gripper effort (-1 open, +1 close). On ROS they are a Cartesian
servo command, ``geometry_msgs/TwistStamped`` as MoveIt Servo takes it (linear velocity =
displacement x policy rate), and the gripper effort on its own topic.
"""

from lwd_ros.envs.spec import EnvSpec

SPEC = EnvSpec(  # what lwd_ros.envs finds; the robot itself: config/robots/mt10.yaml
    name='mt10',
    gym_id='lwd_ros/MT10-v0',
    entry_point='lwd_ros.envs.mt10.env:MT10Env',
    collect='lwd_ros.envs.mt10.collect',
    render='lwd_ros.envs.mt10.render',
    model='models/mt10',
)
MT10 = SPEC.contract  # the robot: what the sim code reads
TASKS = MT10.tasks
POLICY_RATE = MT10.policy_rate  # MetaWorld: frame_skip 5 x 2.5 ms
ACTION_SCALE = MT10.command.twist_scale / POLICY_RATE  # m per unit action per policy step
MAX_EPISODE_STEPS = int(MT10.extra['max_episode_steps'])
