# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd_ros/PushTImage-v0``: PushT observed as the image robot does, pusher position + camera.

## Description
``lwd_ros/PushT-v0`` (``lwd_ros.envs.pusht.env``: the same scene, physics, tasks, rewards,
starting states and episode end) with the T's pose taken out of the observation: a policy
of ``config/robots/pusht_image.yaml`` sees the pusher's position and the camera's frames.

## Observation space
``Box(0, 0.512, (2,), float64)``: ``[agent_x, agent_y]`` in world metres, the contract's
non-image entries. The camera block's entries are features a perception node computes
from frames, so they are not in the env's vector (``lwd_ros.envs.runner``).

## Camera
``camera_frame(block)``: the frame of an image block of the contract in the current state
(``lwd_ros.envs.pusht_image.frames.camera_frame``: gym-pusht's 96 x 96 top-down picture at
the block's size and encoding, the current task's goal drawn), what the sim bridge
publishes on the block's topic. ``state()``: PushT's full state, which the camera sees.

## Version history
* v0: initial version.
"""

from __future__ import annotations

from typing import Any

from gymnasium import spaces
import numpy as np

from lwd_ros.envs.pusht.env import PushTEnv
from lwd_ros.envs.pusht_image.frames import camera_frame

AGENT = 2  # the observation's entries: the pusher's x, y (PushT's first two)


class PushTImageEnv(PushTEnv):
    """PushT whose observation is the pusher's position; the T is seen by ``camera_frame``.

    Args: as ``PushTEnv``.
    """

    LABEL = 'image PushT'

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.state_space = self.observation_space  # PushT's: pusher xy, T pose
        self.observation_space = spaces.Box(self.state_space.low[:AGENT],
                                            self.state_space.high[:AGENT], (AGENT,), np.float64)

    def state(self) -> np.ndarray:
        """The full state ``[agent_x, agent_y, block_x, block_y, block_angle]`` (PushT's)."""
        return np.clip(self.sim.obs(), self.state_space.low, self.state_space.high)

    def camera_frame(self, block: Any) -> np.ndarray:
        """The image ``block``'s ``(height, width, channels)`` uint8 frame of this state."""
        return camera_frame(block, self.state(), self.sim.goal_pose)

    def _get_obs(self) -> np.ndarray:
        return self.state()[:AGENT]
