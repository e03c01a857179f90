# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Gymnasium MuJoCo environments (PushT), registered on import.

``import lwd_ros.envs`` registers ``lwd_ros/PushT-v0``. Without a display, MuJoCo's headless
EGL backend is chosen unless ``MUJOCO_GL`` is already set (``osmesa`` also works); this only
takes effect if nothing imported ``mujoco`` before.
"""

import logging
import os

import gymnasium as gym

logging.getLogger('OpenGL').setLevel(logging.WARNING)  # PyOpenGL's import-time INFO chatter
if 'MUJOCO_GL' not in os.environ and not (os.environ.get('DISPLAY')
                                          or os.environ.get('WAYLAND_DISPLAY')):
    os.environ['MUJOCO_GL'] = 'egl'

from lwd_ros.envs.pusht_sim import TASKS, PushTConfig, PushTSim  # noqa: E402

PUSHT_ID = 'lwd_ros/PushT-v0'

if PUSHT_ID not in gym.registry:
    gym.register(id=PUSHT_ID, entry_point='lwd_ros.envs.pusht:PushTEnv',
                 max_episode_steps=PushTConfig.max_episode_steps)

__all__ = ['PUSHT_ID', 'TASKS', 'PushTConfig', 'PushTSim']
