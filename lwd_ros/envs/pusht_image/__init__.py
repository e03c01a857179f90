# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Image PushT: PushT's gantry seen through its camera, the T's pose in no observation.

The physics, tasks, expert and drawing are PushT's (``lwd_ros.envs.pusht``), wrapped: this
package only says what the image robot observes (``config/robots/pusht_image.yaml``) and
renders its camera block. Import the submodules you need (``env`` loads mujoco).
"""
