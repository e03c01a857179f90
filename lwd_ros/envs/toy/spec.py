# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The toy reaching env's sim plugin; the robot is ``config/robots/toy.yaml``."""

from lwd_ros.envs.spec import EnvSpec

TOY_ID = 'lwd_ros/ToyReach-v0'
SUCCESS_RADIUS = 0.05  # m

SPEC = EnvSpec(name='toy', gym_id=TOY_ID, entry_point='lwd_ros.evaluation.toy:ToyReachEnv')
