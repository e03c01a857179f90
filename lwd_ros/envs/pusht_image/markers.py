# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Image PushT in RViz: PushT's T, goal and pusher, from the sim's state.

The bridge's blocks carry no T pose for this robot (a camera sees it), so the T is read from
the env's full state; the drawing is PushT's (``lwd_ros.envs.pusht.markers``).
"""

from __future__ import annotations

from lwd_ros.envs.pusht.markers import pusht_shapes
from lwd_ros.ros.markers import Shape


def pusht_image_markers(env, blocks, state) -> list[Shape]:
    """``pusht_shapes`` of the env's state and goal (``EnvSpec.markers``)."""
    full = env.unwrapped.state()
    return pusht_shapes(full[2:5], env.unwrapped.sim.goal_pose, full[:2], state)
