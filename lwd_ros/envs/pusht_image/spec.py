# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Image PushT's sim plugin; the robot itself is ``config/robots/pusht_image.yaml``.

PushT's teleop expert reads the T's pose from the observation, which this robot does not
have, so it is not offered; the markers, demonstrations and DAgger continuations come from
the full state (``markers``, ``collect``, ``dagger``).
"""

from lwd_ros.envs.pusht.config import PushTConfig
from lwd_ros.envs.spec import EnvSpec

SPEC = EnvSpec(  # what lwd_ros.envs finds
    name='pusht_image',
    gym_id='lwd_ros/PushTImage-v0',
    entry_point='lwd_ros.envs.pusht_image.env:PushTImageEnv',
    collect='lwd_ros.envs.pusht_image.collect',
    dagger='lwd_ros.envs.pusht_image.dagger',
    markers='lwd_ros.envs.pusht_image.markers:pusht_image_markers',
    task_poses='lwd_ros.envs.pusht.config:task_poses',
    model='models/pusht_image',
    max_episode_steps=PushTConfig.max_episode_steps,
)
