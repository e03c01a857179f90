# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT's state as image PushT observes it: the camera block's frame, the contract's rows.

One place turns a PushT state ``[agent_x, agent_y, block_x, block_y, block_angle]`` (metres,
radians: ``config/robots/pusht.yaml``'s observation) into what ``pusht_image`` sees, so the
sim bridge's published frames and the collected demonstrations' frames are the same
pictures. Numpy and Pillow only (no mujoco).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from lwd_ros.contract import RobotContract
from lwd_ros.data.episode import Episode
from lwd_ros.envs.pusht import camera
from lwd_ros.observations import get_kind
from lwd_ros.observations.image import ENCODINGS, key


def camera_frame(block: Any, state: np.ndarray, goal_pose: np.ndarray) -> np.ndarray:
    """The image ``block``'s frame of a PushT ``state``: ``(height, width, channels)`` uint8.

    gym-pusht's picture (``camera.render``) at the block's ``image_size``, in its
    ``encoding``: ``mono8`` is Pillow's luma of the RGB frame, as ``image.decode`` makes it
    from an ``rgb8`` message.
    """
    state = np.asarray(state, np.float64)
    rgb = camera.render(state[:2], state[2:5], goal_pose, tuple(block.image_size))
    if ENCODINGS[block.encoding] == 1:
        return np.asarray(Image.fromarray(rgb).convert('L'))[..., None]
    return rgb


def image_episode(episode: Episode, state_names: tuple[str, ...], goal_pose: np.ndarray,
                  contract: RobotContract) -> Episode:
    """A PushT state ``episode`` as ``contract`` observes it: rows and camera frames.

    ``state_names`` names the episode's observation columns (PushT's contract). Each block of
    ``contract`` takes its entries by name from those columns; an image block's entries are
    zeros and its frames, one per row, are rendered from the full state with the task's
    ``goal_pose`` (``Episode.frames``).
    """
    states = np.asarray(episode.observations, np.float64)
    columns, frames = [], {}
    for block in contract.observation:
        if get_kind(block.kind).frames:
            columns.append(np.zeros((len(states), len(block.names))))
            frames[key(block)] = np.stack([camera_frame(block, s, goal_pose) for s in states])
        else:
            columns.append(states[:, [state_names.index(n) for n in block.names]])
    return Episode(np.concatenate(columns, axis=1), episode.actions, episode.task, episode.seed,
                   episode.success, episode.timestamps, episode.success_known, frames)
