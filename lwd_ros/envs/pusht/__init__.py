# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT on a 2-DoF gantry: spec, config, MuJoCo sim, gymnasium env, MPC expert, geometry.

Everything PushT-specific lives in this package; ``spec.py`` is what the rest of lwd_ros
reads. Import the submodules you need (``env`` registers ``lwd_ros/PushT-v0``).
"""

from lwd_ros.envs.headless import choose_gl_backend

choose_gl_backend()  # before any submodule imports mujoco (sets an env variable, no import)
