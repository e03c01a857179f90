# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""arm7: a 7-DoF arm in joint space pushing a puck: spec, gymnasium env, IK expert, collection.

Everything arm7-specific lives in this package; ``spec.py`` is what the rest of lwd_ros
reads and ``config/robots/arm7.yaml`` is the robot. Import the submodules you need (``env``
registers ``lwd_ros/Arm7Push-v0``).
"""

from lwd_ros.envs.headless import choose_gl_backend

choose_gl_backend()  # before any submodule imports mujoco (sets an env variable, no import)
