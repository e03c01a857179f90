# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A camera block: its contract schema, its frames decoded as the encoder will see them.

Frames come as a lab records them (raw ``Image`` in the driver's encoding and row padding,
or ``CompressedImage`` JPEG/PNG); what comes out is the block's crop, size and colours, or a
ValueError naming what cannot be read. Nodes read the block's features, never its pixels.
"""

import io

import numpy as np
from PIL import Image as Pil
import pytest
from sensor_msgs.msg import CompressedImage, Image

from lwd_ros.contract import ContractError, ObsBlock, RobotContract, get_contract
from lwd_ros.observations.image import decode, encode
from lwd_ros.runtime.observation import ObservationBuilder

H, W = 48, 64


def _frame(seed=0):
    """An RGB test picture: a gradient (smooth, so JPEG keeps it) with a red square."""
    y, x = np.mgrid[0:H, 0:W]
    rgb = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1).astype(np.uint8)
    rgb[10:20, 30:40] = (255, 0, 0)
    return rgb


def _raw(rgb, encoding='rgb8', pad=0):
    channels = {'rgb8': rgb, 'bgr8': rgb[..., ::-1],
                'bgra8': np.concatenate([rgb[..., ::-1], np.full((H, W, 1), 7, np.uint8)], -1),
                'mono8': rgb[..., :1]}[encoding]
    rows = channels.reshape(H, -1)
    rows = np.concatenate([rows, np.zeros((H, pad), np.uint8)], axis=1)
    return Image(height=H, width=W, encoding=encoding, step=rows.shape[1],
                 data=rows.tobytes())


def _compressed(rgb, fmt):
    buf = io.BytesIO()
    Pil.fromarray(rgb).save(buf, format=fmt.upper(), quality=95)
    return CompressedImage(format=fmt, data=buf.getvalue())


def _block(**kw):
    return ObsBlock('image', 'camera/image_raw', prefix='cam', **kw)


def test_a_camera_block_defaults_to_the_diffusion_policy_picture():
    block = _block()
    assert block.image_size == (96, 96) and block.encoding == 'rgb8' and block.features == 64
    assert block.names[:2] == ('cam_f0', 'cam_f1') and len(block.units) == 64
    assert block.msg_type == 'sensor_msgs/msg/Image'


@pytest.mark.parametrize('bad, words', [
    ({'image_size': (96,)}, 'image_size'), ({'crop': (0, 0, 0, 5)}, 'crop'),
    ({'encoding': 'yuv422'}, 'encoding'), ({'features': -1}, 'features'),
    ({'msg_type': 'sensor_msgs/msg/PointCloud2'}, 'msg_type'),
])
def test_a_bad_camera_block_is_refused_naming_the_key(bad, words):
    with pytest.raises(ContractError, match=f'camera/image_raw.*{words}'):
        _block(**bad)


def test_a_camera_field_on_another_kind_is_refused():
    with pytest.raises(ContractError, match='crop: a pose2d block does not read it'):
        ObsBlock('pose2d', 'object_pose', prefix='t', crop=(0, 0, 4, 4))


@pytest.mark.parametrize('encoding, pad', [('rgb8', 0), ('bgr8', 3), ('bgra8', 0)])
def test_raw_frames_in_any_driver_encoding_give_the_same_rgb(encoding, pad):
    block = _block(image_size=(H, W))
    np.testing.assert_array_equal(decode(block, _raw(_frame(), encoding, pad)), _frame())


def test_mono_cameras_and_mono_blocks():
    grey = decode(_block(image_size=(H, W), encoding='mono8'), _raw(_frame()))
    assert grey.shape == (H, W, 1)
    mono = decode(_block(image_size=(H, W)), _raw(_frame(), 'mono8'))
    np.testing.assert_array_equal(mono[..., 0], _frame()[..., 0])  # grey in every channel
    np.testing.assert_array_equal(mono[..., 1], mono[..., 0])


@pytest.mark.parametrize('fmt, tolerance', [('png', 0), ('jpeg', 12)])
def test_compressed_frames_decode_to_the_raw_picture(fmt, tolerance):
    block = _block(image_size=(H, W), msg_type='sensor_msgs/msg/CompressedImage')
    out = decode(block, _compressed(_frame(), fmt)).astype(int)
    assert np.abs(out - _frame()).mean() <= tolerance / 4 and out.shape == (H, W, 3)


@pytest.mark.parametrize('msg_type', ['sensor_msgs/msg/Image',
                                      'sensor_msgs/msg/CompressedImage'])
@pytest.mark.parametrize('encoding', ['rgb8', 'mono8'])
def test_a_sim_cameras_frame_decodes_back_to_itself(msg_type, encoding):
    block = _block(image_size=(H, W), encoding=encoding, msg_type=msg_type)
    frame = _frame() if encoding == 'rgb8' else _frame()[..., 1:2]
    msg = (Image if msg_type.endswith('/Image') else CompressedImage)()
    encode(block, frame, msg)  # what a sim bridge publishes
    np.testing.assert_array_equal(decode(block, msg), frame)
    if msg_type.endswith('/Image'):
        assert (msg.height, msg.width, msg.encoding, msg.step) == (H, W, encoding,
                                                                   W * frame.shape[2])
    with pytest.raises(ValueError, match=r'a \(48, 64, 4\) frame for the .* camera/image_raw'):
        encode(block, np.zeros((H, W, 4), np.uint8), msg)


def test_crop_is_in_camera_pixels_then_resized():
    block = _block(image_size=(5, 5), crop=(30, 10, 10, 10))  # the red square, halved
    out = decode(block, _raw(_frame()))
    assert out.shape == (5, 5, 3)
    np.testing.assert_array_equal(out[..., 0], 255)
    np.testing.assert_array_equal(out[..., 1:], 0)
    with pytest.raises(ValueError, match='crop .* leaves the 64 x 48 frame'):
        decode(_block(crop=(60, 0, 10, 10)), _raw(_frame()))


def test_a_frame_that_cannot_be_read_is_named():
    with pytest.raises(ValueError, match="encoding '16UC1'"):
        decode(_block(), Image(height=2, width=2, encoding='16UC1', step=4, data=bytes(8)))
    with pytest.raises(ValueError, match='a png frame on camera/image_raw that does not decode'):
        decode(_block(msg_type='sensor_msgs/msg/CompressedImage'),
               CompressedImage(format='png', data=b'not a png'))
    short = _raw(_frame())
    short.data = short.data[:100]
    with pytest.raises(ValueError, match='100 bytes for 48 rows'):
        decode(_block(), short)


def test_nodes_read_a_camera_as_its_features_not_its_pixels():
    base = get_contract('pusht').to_dict()
    base['observation'] = [*base['observation'],
                           {'kind': 'image', 'topic': 'camera/image_raw', 'prefix': 'cam',
                            'features': 4}]
    contract = RobotContract.from_dict(base)
    obs = ObservationBuilder(contract)
    assert obs.topics['features/cam'] == ('image', 'std_msgs/msg/Float64MultiArray')
    assert 'camera/image_raw' not in obs.topics
    from std_msgs.msg import Float64MultiArray
    assert not obs.update('features/cam', Float64MultiArray(data=[0.0] * 3), 0.0)
    assert 'not 4 finite values' in obs.refusal('features/cam')
    assert obs.update('features/cam', Float64MultiArray(data=[0.1, 0.2, 0.3, 0.4]), 0.0)
