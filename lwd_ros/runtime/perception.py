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
from lwd_ros.runtime.loader import EXPORT_DIR
from lwd_ros.runtime.onnx_generator import make_session


@dataclass
class PerceptionConfig:
    """The ``perception`` node's parameters.

    Args:
        robot: the robot contract whose image blocks it serves (a shipped robot's name or a
            YAML). No default: another robot's cameras are not this one's.
        encoder: the exported image encoder (``.onnx``) every image block runs through, or
            a checkpoint trained on this robot (its directory, or that of its ONNX export):
            each camera then runs its own (``encoder_file``).
        num_threads: onnxruntime threads per frame (1: one core, beside the controller).
    """

    robot: str = ''
    encoder: str = ''
    num_threads: int = 1

    def __post_init__(self):
        check(bool(self.robot), 'robot', self.robot, "must name the robot's contract")
        check(bool(self.encoder), 'encoder', self.encoder, 'must name an exported image '
              'encoder (.onnx) or a checkpoint with cameras')
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


def encoder_file(path: str | Path, key: str) -> Path:
    """The ``.onnx`` a camera's block runs: ``path`` itself, or a checkpoint's for ``key``.

    A checkpoint trained on a robot with cameras holds one encoder per camera, which
    ``lwd export`` writes as ``encoder_<key>.onnx`` beside the generator's graphs (in the
    export directory, usually ``<checkpoint>/onnx``). FileNotFoundError says how to make it.
    """
    path = Path(path)
    if path.suffix == '.onnx':
        return path
    for folder in (path, path / EXPORT_DIR):
        if (folder / f'encoder_{key}.onnx').is_file():
            return folder / f'encoder_{key}.onnx'
    raise FileNotFoundError(f'no encoder_{key}.onnx in {path} or {path / EXPORT_DIR}: export '
                            f'the checkpoint with lwd export --checkpoint {path} --onnx '
                            f'{path / EXPORT_DIR}')
