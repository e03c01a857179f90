# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MetaWorld MT10 on the simulated Sawyer arm: spec, gymnasium env, scripted experts, collection.

Everything MT10-specific lives in this package; ``spec.py`` is what the rest of lwd_ros
reads. Import the submodules you need (``env`` registers ``lwd_ros/MT10-v0``).
"""

from lwd_ros.envs.headless import choose_gl_backend

choose_gl_backend()  # before any submodule imports mujoco (sets an env variable, no import)
