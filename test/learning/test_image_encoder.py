# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The image encoder: keypoints where the picture is, trainable, and the same on onnxruntime."""

import numpy as np
import pytest
import torch

from lwd_ros.learning.image_encoder import ImageEncoder, SpatialSoftmax, conv_macs, export_encoder

SIZE = (24, 32)


def test_spatial_softmax_finds_the_peak_in_image_coordinates():
    maps = torch.full((1, 2, 5, 9), -50.0)
    maps[0, 0, 0, 8] = 50.0  # top right
    maps[0, 1, 4, 0] = 50.0  # bottom left
    keypoints = SpatialSoftmax(5, 9)(maps)
    torch.testing.assert_close(keypoints, torch.tensor([[1.0, -1.0, -1.0, 1.0]]), atol=1e-4,
                               rtol=0)


def test_frames_in_as_decoded_keypoints_out_and_gradients_reach_every_weight():
    encoder = ImageEncoder(SIZE, channels=3, features=8, width=4)
    frames = torch.randint(0, 256, (5, *SIZE, 3), dtype=torch.uint8)
    out = encoder(frames)
    assert out.shape == (5, 8) and out.abs().max() <= 1.0
    out.square().sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in encoder.parameters())
    with pytest.raises(ValueError, match='two numbers each'):
        ImageEncoder(SIZE, features=7)


def test_its_cost_is_counted_layer_by_layer():
    encoder = ImageEncoder((96, 96), features=64, width=32)
    # 48x48x32 (5x5x3), 48x48x32 (3x3x32), 24x24x64 (3x3x32), 24x24x32 (1x1x64)
    assert conv_macs(encoder, (96, 96)) == (48 * 48 * 32 * 75 + 48 * 48 * 32 * 288
                                            + 24 * 24 * 64 * 288 + 24 * 24 * 32 * 64)


def test_the_exported_encoder_gives_the_same_features(tmp_path):
    pytest.importorskip('onnxruntime')
    from lwd_ros.runtime.perception import Perception

    torch.manual_seed(0)
    encoder = ImageEncoder(SIZE, channels=1, features=8, width=4)
    export_encoder(encoder, tmp_path / 'encoder.onnx', SIZE, 1)
    perception = Perception(tmp_path / 'encoder.onnx')
    assert perception.frame_shape == (*SIZE, 1) and perception.features == 8
    frame = np.random.default_rng(0).integers(0, 256, (*SIZE, 1), dtype=np.uint8)
    expected = encoder(torch.from_numpy(frame)[None]).detach().numpy()[0]
    np.testing.assert_allclose(perception(frame), expected, atol=1e-5)
    with pytest.raises(ValueError, match=r'the encoder takes \(24, 32, 1\) uint8'):
        perception(frame[:, :16])
