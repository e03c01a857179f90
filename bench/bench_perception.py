# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""What perception costs per 96 x 96 frame on one core: JSON.

The image encoder (``lwd_ros.learning.image_encoder``, 32 keypoints = 64 features) exported
to ONNX and run by ``lwd_ros.runtime.perception.Perception`` on one onnxruntime thread, as the
perception node runs it; beside it the same module in torch eager on one thread. Latency is
per frame, p50 and p99 over ``--frames`` random frames after a warm-up. Cost is counted in
multiply-accumulates (MACs) of the convolutions. Diffusion Policy's image encoder is a
ResNet-18 per frame (with two frames of history per step): 1.82 GMACs at 224 x 224,
scaled here by pixel count to 96 x 96. That is an estimate; torchvision, which would build
it, does not import beside our torch.

The issue's target: <= 10 ms per frame on one core.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
import platform
import tempfile
import time

import numpy as np

from lwd_ros.report import emit_json

RESNET18_MACS_224 = 1.82e9  # torchvision's ResNet-18 at 224 x 224 (He et al. 2016: 1.8 GFLOPs)


def _latency(fn, frames) -> dict:
    for f in frames[:20]:
        fn(f)
    times = []
    for f in frames:
        t0 = time.perf_counter()
        fn(f)
        times.append(time.perf_counter() - t0)
    ms = 1000 * np.array(times)
    return {'p50_ms': round(float(np.median(ms)), 3),
            'p99_ms': round(float(np.percentile(ms, 99)), 3)}


def _decode_latency(n: int) -> dict:
    """What the node does before the encoder: a VGA camera frame cropped and resized."""
    import io

    from PIL import Image as Pil
    from sensor_msgs.msg import CompressedImage, Image

    from lwd_ros.contract import ObsBlock
    from lwd_ros.observations.image import decode

    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:480, 0:640]
    picture = np.stack([x % 256, y % 256, (x + y) % 256], -1).astype(np.uint8)
    picture[rng.random((480, 640)) < 0.01] = 0  # some texture for the codec
    raw = Image(height=480, width=640, encoding='bgr8', step=640 * 3,
                data=picture[..., ::-1].tobytes())
    buf = io.BytesIO()
    Pil.fromarray(picture).save(buf, format='JPEG', quality=90)
    jpeg = CompressedImage(format='jpeg', data=buf.getvalue())
    out = {}
    for name, msg in (('raw_bgr8', raw), ('jpeg', jpeg)):
        block = ObsBlock('image', 'camera', prefix='cam', crop=(80, 0, 480, 480),
                         msg_type=('sensor_msgs/msg/CompressedImage' if name == 'jpeg' else
                                   'sensor_msgs/msg/Image'))
        out[name] = _latency(lambda m, b=block: decode(b, m), [msg] * n)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--frames', type=int, default=1000)
    parser.add_argument('--json', default='results/cameras/perception.json')
    args = parser.parse_args()

    import torch

    from lwd_ros.learning.image_encoder import ImageEncoder, conv_macs, export_encoder
    from lwd_ros.runtime.perception import Perception

    torch.set_num_threads(1)
    torch.manual_seed(0)
    size = (96, 96)
    encoder = ImageEncoder(size, channels=3, features=64).eval()
    frames = np.random.default_rng(0).integers(0, 256, (args.frames, *size, 3), np.uint8)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / 'encoder.onnx'
        export_encoder(encoder, path, size, 3)
        perception = Perception(path, num_threads=1)
        onnx = _latency(perception, frames)
    with torch.no_grad():
        eager = _latency(lambda f: encoder(torch.from_numpy(f)[None]), frames)
    decoding = _decode_latency(args.frames // 4)
    macs = conv_macs(encoder, size)
    resnet = RESNET18_MACS_224 * (size[0] * size[1]) / (224 * 224)
    result = {
        'benchmark': 'perception', 'machine': f'{platform.machine()} {os.cpu_count()} cpu',
        'frame': '96 x 96 rgb8', 'features': 64,
        'parameters': sum(p.numel() for p in encoder.parameters()),
        'macs_per_frame': macs,
        'onnxruntime_1_thread': onnx, 'torch_eager_1_thread': eager,
        'decode_640x480_crop_resize_to_96': decoding,
        'target_ms': 10.0,
        'dp_resnet18_macs_per_frame_estimate': round(resnet),
        'resnet18_over_ours_macs': round(resnet / macs, 1),
        'frames_timed': args.frames,
    }
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
