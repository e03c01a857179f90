# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MT10's env spec: what the Sawyer arm observes, what it commands, and at which rates.

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

from lwd_ros.envs.spec import CommandSpec, EnvSpec, ObsBlock

TASKS = ('reach-v3', 'push-v3', 'pick-place-v3', 'door-open-v3', 'drawer-open-v3',
         'drawer-close-v3', 'button-press-topdown-v3', 'peg-insert-side-v3', 'window-open-v3',
         'window-close-v3')
POLICY_RATE = 80.0      # MetaWorld: frame_skip 5 x 2.5 ms
ACTION_SCALE = 0.01     # metres of end-effector travel per unit action per policy step
MAX_EPISODE_STEPS = 500

MT10 = EnvSpec(
    name='mt10',
    gym_id='lwd_ros/MT10-v0',
    entry_point='lwd_ros.envs.mt10.env:MT10Env',
    observation=(
        ObsBlock('point', 'ee_pose', ('hand_x', 'hand_y', 'hand_z'), ('m', 'm', 'm')),
        ObsBlock('joints', 'joint_states', ('gripper_opening',), ('1',), ('gripper',)),
        ObsBlock('point', 'mt10/object_pose', ('obj_x', 'obj_y', 'obj_z'), ('m', 'm', 'm')),
        ObsBlock('point', 'mt10/goal', ('goal_x', 'goal_y', 'goal_z'), ('m', 'm', 'm')),
    ),
    command=CommandSpec(
        topic='servo_node/delta_twist_cmds', msg_type='geometry_msgs/msg/TwistStamped',
        interface='velocity', joints=('ee_dx', 'ee_dy', 'ee_dz', 'gripper_effort'),
        low=(-1.0,) * 4, high=(1.0,) * 4, units=('1', '1', '1', '1'),
        twist_scale=ACTION_SCALE * POLICY_RATE, aux_topic='gripper_controller/commands'),
    policy_rate=POLICY_RATE,
    control_rate=POLICY_RATE,
    tasks=TASKS,
    success="MetaWorld's info['success'] (task-specific distance below a threshold)",
    episode_topic='mt10/episode',
    reset_service='mt10/reset',
    collect='lwd_ros.envs.mt10.collect',
    render='lwd_ros.envs.mt10.render',
    bridge='lwd_ros.envs.mt10.ros_bridge:Mt10Bridge',
    graphs='lwd_ros.envs.mt10.graphs:GRAPHS',
    model='models/mt10',
    extra={'max_episode_steps': MAX_EPISODE_STEPS},
)
SPEC = MT10  # what lwd_ros.envs finds
