# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``image``: a camera, seen by the policy as the features a perception node computes.

A lab's camera publishes ``sensor_msgs/Image`` (raw) or ``sensor_msgs/CompressedImage``
(what ``image_transport`` records as ``.../compressed``). Pixels never reach the numpy
controller: a perception node decodes each frame (``decode``: crop, resize to
``image_size``, ``encoding``), runs the checkpoint's image encoder on it and publishes
``features`` numbers on ``features/<prefix>``; the controller's MLP and the generator read
those as the block's entries (``<prefix>_f0``, ...), like a ``vector``. The bag converter
keeps the decoded frames, which is what the encoder trains on (docs/cameras.md). A sim
bridge publishes its env's frames through ``encode``, which ``decode`` reads back unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lwd_ros.observations.kind import VECTOR, ObsKind, Values

IMAGE = 'sensor_msgs/msg/Image'
COMPRESSED = 'sensor_msgs/msg/CompressedImage'
ENCODINGS = {'rgb8': 3, 'mono8': 1}  # what the encoder sees -> channels
DEFAULT_SIZE = (96, 96)  # (height, width): the image size of Diffusion Policy's benchmarks
DEFAULT_FEATURES = 64  # 32 spatial-softmax keypoints (x, y), as robomimic's encoder gives
# Raw encodings a camera driver publishes -> (channels, order of R, G, B in them)
RAW = {'rgb8': (3, (0, 1, 2)), 'bgr8': (3, (2, 1, 0)), 'rgba8': (4, (0, 1, 2)),
       'bgra8': (4, (2, 1, 0)), 'mono8': (1, (0, 0, 0))}


class Image(ObsKind):
    """The ``image`` kind (module docstring)."""

    name = 'image'
    msg_types = (IMAGE, COMPRESSED)
    fields = ('image_size', 'crop', 'encoding', 'features')
    frames = True

    def complete(self, block: Any) -> dict[str, tuple]:
        derived: dict[str, Any] = {}
        size = tuple(block.image_size) or DEFAULT_SIZE
        if len(size) != 2 or not all(isinstance(s, int) and s > 0 for s in size):
            raise ValueError(f'image_size {list(size)}: [height, width] in pixels, > 0')
        crop = tuple(block.crop)
        if crop and (len(crop) != 4 or not all(isinstance(c, int) for c in crop)
                     or min(crop) < 0 or crop[2] == 0 or crop[3] == 0):
            raise ValueError(f'crop {list(crop)}: [x, y, width, height] of the source frame '
                             'in pixels (x, y >= 0; width, height > 0), or none')
        encoding = block.encoding or 'rgb8'
        if encoding not in ENCODINGS:
            raise ValueError(f'encoding {encoding!r} is not one of {list(ENCODINGS)}')
        features = block.features or DEFAULT_FEATURES
        if not isinstance(features, int) or features <= 0:
            raise ValueError(f'features {features!r}: how many numbers perception publishes')
        if not block.prefix and not block.names:
            raise ValueError('prefix (or names): an image block names its features')
        derived.update(image_size=size, crop=crop, encoding=encoding, features=features)
        if not block.names:
            derived['names'] = tuple(f'{block.prefix}_f{i}' for i in range(features))
        if not block.units:
            derived['units'] = ('1',) * (len(block.names) or features)
        return derived

    def size(self, block: Any) -> int:
        return block.features

    def subscription(self, block: Any) -> tuple[str, str]:
        return features_topic(block), VECTOR

    def read(self, block: Any, msg: Any) -> list[float] | None:
        return list(msg.data) if len(msg.data) == block.features else None

    def fill(self, blocks: Sequence[Any], values: Sequence[Values], msg: Any) -> None:
        raise ValueError(f'an image block ({blocks[0].topic}) is rendered by a sim camera, '
                         'not filled from the observation vector')

    def refusal(self, block: Any, topic: str) -> str:
        return f'features on {topic} that are not {block.features} finite values'


def key(block: Any) -> str:
    """The block's name for its frames and its encoder (a dataset key, a checkpoint prefix)."""
    return block.prefix or block.names[0].rsplit('_', 1)[0]


def features_topic(block: Any) -> str:
    """Where the perception node publishes the block's features (relative: per robot)."""
    return f'features/{key(block)}'


def decode(block: Any, msg: Any) -> Any:
    """A frame as the encoder sees it: ``(height, width, channels)`` uint8, cropped, resized.

    Reads ``sensor_msgs/Image`` (``rgb8``, ``bgr8``, ``rgba8``, ``bgra8``, ``mono8``) and
    ``CompressedImage`` (JPEG, PNG) from rclpy or ``rosbags``. Why crop before resize: the
    crop is in the camera's pixels, where a lab measures its table. ValueError names what
    cannot be read.
    """
    import io

    import numpy as np
    from PIL import Image as Pil

    if hasattr(msg, 'format'):  # CompressedImage
        try:
            frame = Pil.open(io.BytesIO(bytes(msg.data)))
            frame = frame.convert('RGB' if ENCODINGS[block.encoding] == 3 else 'L')
        except OSError as e:  # Pillow's "cannot identify image file", truncated data
            raise ValueError(f'a {msg.format or "compressed"} frame on {block.topic} that '
                             f'does not decode ({e})') from None
    else:
        if msg.encoding not in RAW:
            raise ValueError(f'image encoding {msg.encoding!r} on {block.topic}: one of '
                             f'{list(RAW)} (or a CompressedImage)')
        channels, rgb = RAW[msg.encoding]
        row = msg.width * channels
        data = np.frombuffer(bytes(msg.data), np.uint8)
        if msg.step < row or data.size < msg.step * msg.height:
            raise ValueError(f'image on {block.topic}: {data.size} bytes for {msg.height} rows '
                             f'of step {msg.step} ({msg.width} x {msg.encoding})')
        pixels = data[:msg.step * msg.height].reshape(msg.height, msg.step)[:, :row]
        pixels = pixels.reshape(msg.height, msg.width, channels)[..., list(rgb)]
        frame = Pil.fromarray(np.ascontiguousarray(pixels), 'RGB')
        if ENCODINGS[block.encoding] == 1:
            frame = frame.convert('L')
    if block.crop:
        x, y, w, h = block.crop
        if x + w > frame.width or y + h > frame.height:
            raise ValueError(f'crop {list(block.crop)} leaves the {frame.width} x '
                             f'{frame.height} frame on {block.topic}')
        frame = frame.crop((x, y, x + w, y + h))
    height, width = block.image_size
    if frame.size != (width, height):
        frame = frame.resize((width, height), Pil.Resampling.BILINEAR, reducing_gap=2.0)
    out = np.asarray(frame, np.uint8)
    return out if out.ndim == 3 else out[..., None]


def encode(block: Any, frame: Any, msg: Any) -> None:
    """Fill the empty ``msg`` with ``frame``: what a sim camera publishes for ``block``.

    ``frame``: ``(height, width, channels)`` uint8 in the block's ``encoding``. An ``Image``
    takes it raw (unpadded rows); a ``CompressedImage`` as PNG, lossless, so ``decode`` gives
    the frame back either way. ValueError names a frame of the wrong channels.
    """
    import io

    import numpy as np
    from PIL import Image as Pil

    frame = np.ascontiguousarray(frame, np.uint8)
    if frame.ndim != 3 or frame.shape[2] != ENCODINGS[block.encoding]:
        raise ValueError(f'a {frame.shape} frame for the {block.encoding} block on '
                         f'{block.topic}: need (height, width, {ENCODINGS[block.encoding]})')
    height, width, channels = frame.shape
    if hasattr(msg, 'format'):  # CompressedImage
        out = io.BytesIO()
        Pil.fromarray(frame[..., 0] if channels == 1 else frame).save(out, 'PNG')
        msg.format, msg.data = 'png', out.getvalue()
        return
    msg.height, msg.width, msg.encoding = height, width, block.encoding
    msg.is_bigendian, msg.step, msg.data = 0, width * channels, frame.tobytes()


KIND = Image()
