# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""planar2: a planar 2-link arm in joint velocity control reaching a target with either elbow.

Everything planar2-specific lives in this package; ``spec.py`` is what the rest of lwd_ros
reads and ``config/robots/planar2.yaml`` is the robot. Import the submodules you need
(``env`` registers ``lwd_ros/Planar2Reach-v0``).
"""

from lwd_ros.envs.headless import choose_gl_backend

choose_gl_backend()  # before any submodule imports mujoco (sets an env variable, no import)
