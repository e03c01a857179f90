# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT in RViz (``EnvSpec.markers``): the T and the goal T as outlines, the pusher a disc.

What the sim bridge draws on ``viz/markers`` for PushT instead of the contract's generic
points and poses: the block's shape and where it must go are what a viewer wants to see.
"""

from __future__ import annotations

import numpy as np

from lwd_ros.envs.pusht.geometry import AGENT_RADIUS, T_OUTLINE, to_world
from lwd_ros.ros.markers import PALETTE, Shape, status_text

OUTLINE_WIDTH = 0.004  # m, of the T outlines
GOAL_COLOR = (0.3, 0.8, 0.3, 0.8)


def pusht_shapes(block_pose, goal_pose, pusher_xy, state) -> list[Shape]:
    """The block and goal T, the pusher and the episode in words, as marker shapes.

    The Ts are closed outlines in the table plane (z = 0) at poses ``(x, y, yaw)``; the pusher
    a disc at ``pusher_xy``; ``state`` a ``lwd_ros.envs.runner.EpisodeState``.
    """
    def outline(pose):
        xy = to_world(np.asarray(pose, float), T_OUTLINE)
        return tuple((float(x), float(y), 0.0) for x, y in (*xy, xy[0]))

    shapes = [Shape('line_strip', 'goal', 0, scale=(OUTLINE_WIDTH, 0.0, 0.0), color=GOAL_COLOR,
                    points=outline(goal_pose)),
              Shape('line_strip', 'block', 0, scale=(OUTLINE_WIDTH, 0.0, 0.0), color=PALETTE[0],
                    points=outline(block_pose)),
              Shape('cylinder', 'pusher', 0, (float(pusher_xy[0]), float(pusher_xy[1]), 0.005),
                    scale=(2 * AGENT_RADIUS, 2 * AGENT_RADIUS, 0.01), color=PALETTE[1])]
    s = state
    return [*shapes, status_text(s.task, s.episode, s.step, s.success, s.done, shapes,
                                 extra=f'coverage {s.coverage:.2f}')]


def pusht_markers(env, blocks, state) -> list[Shape]:
    """``pusht_shapes`` of the bridge's ``blocks`` (pusher xy, block pose) and ``env``'s goal."""
    return pusht_shapes(blocks[1], env.unwrapped.sim.goal_pose, blocks[0], state)
