# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""planar2's sim plugin; the arm itself is ``config/robots/planar2.yaml``.

The third robot of the sim-free lab benchmark (issue 33), chosen to differ from the other
two (a position-commanded arm and a gantry) where it costs nothing: two joints commanded by
*velocity* (what ros2_control's ``forward_velocity_controller`` takes; a silent or paused
operator keeps the arm moving, and a hold is zero velocity), a target observed as a
``point``, and two tasks that reach the same target two ways (elbow bent left or right), so
the task, not the scene, picks the mode. The contract's ``extra`` holds the task elbows, the
success radius and speed and the episode length; this module re-exports them under names the
sim code reads.
"""

from lwd_ros.envs.spec import EnvSpec

SPEC = EnvSpec(  # what lwd_ros.envs finds; the robot: config/robots/planar2.yaml
    name='planar2',
    gym_id='lwd_ros/Planar2Reach-v0',
    entry_point='lwd_ros.envs.planar2.env:Planar2ReachEnv',
    collect='lwd_ros.envs.planar2.collect',
    teleop='lwd_ros.envs.planar2.teleop:teleop_expert',  # demonstrations through ROS
)
PLANAR2 = SPEC.contract  # the robot: what the sim code reads
TASKS = PLANAR2.tasks
JOINTS = PLANAR2.command.joints
POLICY_RATE = PLANAR2.policy_rate
MAX_EPISODE_STEPS = int(PLANAR2.extra['max_episode_steps'])
SUCCESS_RADIUS = float(PLANAR2.extra['success_radius'])  # m
STOP_SPEED = float(PLANAR2.extra['stop_speed'])  # m/s
ELBOW = {task: int(PLANAR2.extra['elbow'][task]) for task in TASKS}  # task -> +1 / -1
