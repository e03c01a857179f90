# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A sim with cameras as a checkpoint's policies see it: the env's entries plus features.

A sim of a robot with cameras observes only its non-camera blocks and renders each camera
(``env.camera_frame(block)``, what its bridge publishes). In the ROS graph the perception
node turns those frames into each block's features; ``Perceived`` does the same in-process,
with the same decoded frame and the same exported encoder (onnxruntime,
``lwd_ros.runtime.perception``), so ``lwd eval`` measures what the graph runs. A checkpoint
not yet exported runs its torch encoders instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gymnasium as gym
import numpy as np

from lwd_ros.contract import RobotContract
from lwd_ros.observations import get_kind, image

Encoder = Callable[[np.ndarray], np.ndarray]  # (H, W, C) uint8 -> (features,)


def encoders(checkpoint: str | Path, contract: RobotContract,
             num_threads: int = 1) -> dict[str, Encoder]:
    """Each camera's encoder: its ONNX export where there is one, else the torch module."""
    from lwd_ros.runtime.perception import Perception, encoder_file

    keys = [image.key(b) for b in contract.observation if get_kind(b.kind).frames]
    try:
        return {k: Perception(encoder_file(checkpoint, k), num_threads) for k in keys}
    except FileNotFoundError:
        import torch

        from lwd_ros.learning.checkpoint_io import load_checkpoint

        torch.set_num_threads(num_threads)
        cameras = load_checkpoint(checkpoint).module('cameras')

        def run(key: str) -> Encoder:
            @torch.no_grad()
            def encode(frame: np.ndarray) -> np.ndarray:
                return cameras.encoders[key](torch.from_numpy(frame[None]))[0].numpy()
            return encode
        return {k: run(k) for k in keys}


class Perceived(gym.ObservationWrapper):
    """``env`` observing the contract's full vector: each camera's features in its place.

    Args:
        env: a sim whose observation holds the contract's non-camera blocks, in order, and
            whose ``camera_frame(block)`` renders a camera.
        contract: the robot.
        encoders: per camera key, frame -> features (``encoders``).
    """

    def __init__(self, env: gym.Env, contract: RobotContract, encoders: dict[str, Encoder]):
        super().__init__(env)
        self.contract, self.encoders = contract, encoders
        self.frames = [get_kind(b.kind).frames for b in contract.observation]
        n = len(contract.obs_names)
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (n,), np.float64)

    def observation(self, obs: np.ndarray) -> np.ndarray:
        out, start = [], 0
        for b, frames in zip(self.contract.observation, self.frames):
            if frames:
                frame = self.env.unwrapped.camera_frame(b)
                out.append(np.asarray(self.encoders[image.key(b)](frame), np.float64))
            else:
                out.append(np.asarray(obs[start:start + len(b.names)], np.float64))
                start += len(b.names)
        return np.concatenate(out)
