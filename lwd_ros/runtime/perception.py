# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A camera frame -> its features, on onnxruntime: what the perception node runs per frame.

The graph is an exported ``lwd_ros.learning.image_encoder.ImageEncoder``: frames in as
``lwd_ros.observations.image.decode`` gives them, features out. numpy and onnxruntime only,
so a robot's perception process loads no torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lwd_ros.config import check
from lwd_ros.runtime.onnx_generator import make_session


@dataclass
class PerceptionConfig:
    """The ``perception`` node's parameters.

    Args:
        robot: the robot contract whose image blocks it serves (a shipped robot's name or a
            YAML). No default: another robot's cameras are not this one's.
        encoder: the exported image encoder (``.onnx``) every image block runs through.
        num_threads: onnxruntime threads per frame (1: one core, beside the controller).
    """

    robot: str = ''
    encoder: str = ''
    num_threads: int = 1

    def __post_init__(self):
        check(bool(self.robot), 'robot', self.robot, "must name the robot's contract")
        check(bool(self.encoder), 'encoder', self.encoder, 'must name an exported image '
              'encoder (.onnx)')
        check(self.num_threads >= 1, 'num_threads', self.num_threads, 'must be >= 1')


class Perception:
    """Runs an exported image encoder (module docstring).

    Args:
        path: the ``.onnx`` graph.
        num_threads: onnxruntime's intra-op threads (1: one core, beside the controller).
    """

    def __init__(self, path: str | Path, num_threads: int = 1):
        self.session = make_session(Path(path), num_threads)
        shape = self.session.get_inputs()[0].shape  # ['batch', H, W, C]
        self.frame_shape = tuple(int(s) for s in shape[1:])
        self.features = int(self.session.get_outputs()[0].shape[-1])

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """``(H, W, C)`` uint8 -> ``(features,)`` float32."""
        if frame.shape != self.frame_shape or frame.dtype != np.uint8:
            raise ValueError(f'a frame of {frame.shape} {frame.dtype}; the encoder takes '
                             f'{self.frame_shape} uint8 (the contract block\'s image_size)')
        return self.session.run(None, {'frames': frame[None]})[0][0]
