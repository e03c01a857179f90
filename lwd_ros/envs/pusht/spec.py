# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT's sim plugin; the robot itself is ``config/robots/pusht.yaml``."""

from lwd_ros.envs.pusht.config import PushTConfig
from lwd_ros.envs.spec import EnvSpec

SPEC = EnvSpec(  # what lwd_ros.envs finds
    name='pusht',
    gym_id='lwd_ros/PushT-v0',
    entry_point='lwd_ros.envs.pusht.env:PushTEnv',
    augment='lwd_ros.envs.pusht.augment:mirrored',
    step_signals='lwd_ros.envs.pusht.geometry:episode_signals',
    collect='lwd_ros.envs.pusht.collect',
    render='lwd_ros.envs.pusht.render',
    dagger='lwd_ros.envs.pusht.dagger',
    markers='lwd_ros.envs.pusht.markers:pusht_markers',
    teleop='lwd_ros.envs.pusht.expert:teleop_expert',
    task_poses='lwd_ros.envs.pusht.config:task_poses',
    model='models/pusht',
    max_episode_steps=PushTConfig.max_episode_steps,
)
PUSHT = SPEC.contract  # the robot: what the sim code reads
JOINTS = PUSHT.command.joints  # the MJCF's gantry joints: position = pusher xy
