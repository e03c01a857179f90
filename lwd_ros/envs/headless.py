# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Pick MuJoCo's headless GL backend before anything imports mujoco."""

import logging
import os


def choose_gl_backend() -> None:
    """``MUJOCO_GL=egl`` without a display unless the user chose (``osmesa`` also works).

    Takes effect only if nothing imported ``mujoco`` before.
    """
    logging.getLogger('OpenGL').setLevel(logging.WARNING)  # PyOpenGL's import-time chatter
    if 'MUJOCO_GL' not in os.environ and not (os.environ.get('DISPLAY')
                                              or os.environ.get('WAYLAND_DISPLAY')):
        os.environ['MUJOCO_GL'] = 'egl'
