# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Camera frames -> a few numbers per frame: a small conv stack and a spatial softmax.

Why this shape (docs/cameras.md): a spatial softmax turns each of K feature maps into the
expected image position ``(x, y)`` of what it responds to, so the features are K keypoints
in ``[-1, 1]``. That is what a pushing policy needs from a top-down picture (where the T and
the pusher are), in 2K numbers the numpy controller's MLP can take. Diffusion Policy and
robomimic use the same head after a ResNet-18; four small convolutions are enough at
96 x 96 and cost a small fraction of it per frame (``bench/bench_perception.py``).

The module takes frames exactly as ``lwd_ros.observations.image.decode`` returns them
(``(B, H, W, C)`` uint8) and scales them itself, so the exported graph the perception node
runs needs no preprocessing beside it.
"""

from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F


class SpatialSoftmax(nn.Module):
    """``(B, K, h, w)`` maps -> ``(B, 2K)`` expected ``(x, y)`` per map, in ``[-1, 1]``."""

    def __init__(self, height: int, width: int):
        super().__init__()
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, height), torch.linspace(-1, 1, width),
                                indexing='ij')
        self.register_buffer('grid', torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1))
        self.log_temperature = nn.Parameter(torch.zeros(()))  # learnt sharpness

    def forward(self, maps: torch.Tensor) -> torch.Tensor:
        b, k = maps.shape[:2]
        weights = F.softmax(maps.reshape(b, k, -1) / self.log_temperature.exp(), dim=-1)
        return (weights @ self.grid).reshape(b, 2 * k)  # (B, K, 2) -> (B, 2K)


class ImageEncoder(nn.Module):
    """Frames ``(B, H, W, C)`` uint8 -> ``(B, features)`` float keypoints (module docstring).

    Args:
        image_size: ``(height, width)`` of the frames (the contract block's ``image_size``).
        channels: 3 (``rgb8``) or 1 (``mono8``).
        features: numbers per frame (even: ``features / 2`` keypoints).
        width: channels of the conv stack.
    """

    def __init__(self, image_size: tuple[int, int] = (96, 96), channels: int = 3,
                 features: int = 64, width: int = 32):
        super().__init__()
        if features % 2:
            raise ValueError(f'features={features}: keypoints give two numbers each')
        self.convs = nn.Sequential(
            nn.Conv2d(channels, width, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(2 * width, features // 2, 1))
        height, width_px = image_size
        self.softmax = SpatialSoftmax((height + 3) // 4, (width_px + 3) // 4)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        x = frames.permute(0, 3, 1, 2).float() / 255.0  # channels first, [0, 1]
        return self.softmax(self.convs(x))


def conv_macs(encoder: ImageEncoder, image_size: tuple[int, int]) -> int:
    """Multiply-accumulates of one frame through the conv stack (the softmax is negligible)."""
    macs, (h, w) = 0, image_size
    for layer in encoder.convs:
        if isinstance(layer, nn.Conv2d):
            h = (h + 2 * layer.padding[0] - layer.kernel_size[0]) // layer.stride[0] + 1
            w = (w + 2 * layer.padding[1] - layer.kernel_size[1]) // layer.stride[1] + 1
            k = layer.kernel_size[0] * layer.kernel_size[1] * layer.in_channels
            macs += h * w * layer.out_channels * k
    return macs


def export_encoder(encoder: ImageEncoder, path, image_size: tuple[int, int],
                   channels: int, opset: int = 18) -> None:
    """Write the encoder as an ONNX graph ``frames (B, H, W, C) uint8 -> features``."""
    frames = torch.zeros(2, *image_size, channels, dtype=torch.uint8)
    batch = torch.export.Dim('batch', min=1, max=4096)
    encoder.eval()
    program = torch.onnx.export(encoder, (frames,), dynamo=True, external_data=False,
                                input_names=['frames'], output_names=['features'],
                                dynamic_shapes=({0: batch},), opset_version=opset,
                                optimize=True, verbose=False)
    program.save(str(path))
