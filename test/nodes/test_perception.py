# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The perception node: a camera frame in, the exported encoder's features out, as a process.

A robot the package has never seen (a YAML with a camera block) and an encoder exported by
the test: the features the node publishes are the ones ``Perception`` computes from the
frame decoded as the block says, and a frame it cannot read is dropped, not fatal.
"""

import io

import numpy as np
from PIL import Image as Pil
import pytest
import yaml

SIZE = (24, 32)


@pytest.fixture(scope='module')
def encoder(tmp_path_factory):
    pytest.importorskip('onnxruntime')
    import torch

    from lwd_ros.learning.image_encoder import ImageEncoder, export_encoder

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp('encoder') / 'encoder.onnx'
    export_encoder(ImageEncoder(SIZE, channels=3, features=8, width=4), path, SIZE, 3)
    return path


def test_a_frame_becomes_its_features(encoder, tmp_path, rclpy_context, ros_env):
    from nodes_util import spawn, spin_until, stop
    import rclpy
    from sensor_msgs.msg import CompressedImage
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.contract import RobotContract, get_contract
    from lwd_ros.observations.image import decode
    from lwd_ros.ros.qos import SENSOR
    from lwd_ros.runtime.perception import Perception

    robot = get_contract('toy').to_dict()
    robot.update(name='cam_arm', observation=[*robot['observation'], {
        'kind': 'image', 'topic': 'camera/image_raw/compressed', 'prefix': 'cam',
        'msg_type': 'sensor_msgs/msg/CompressedImage', 'image_size': list(SIZE),
        'crop': [8, 4, 64, 48], 'features': 8}])
    path = tmp_path / 'cam_arm.yaml'
    path.write_text(yaml.safe_dump(robot))
    block = RobotContract.from_dict(robot).observation[-1]
    picture = np.random.default_rng(0).integers(0, 256, (60, 80, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Pil.fromarray(picture).save(buf, format='PNG')
    frame = CompressedImage(format='png', data=buf.getvalue())
    expected = Perception(encoder)(decode(block, frame))

    node_proc = spawn('perception', ros_env, files=(), robot=str(path), encoder=str(encoder))
    node = rclpy.create_node('camera', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    heard = []
    node.create_subscription(Float64MultiArray, '/features/cam', heard.append, SENSOR)
    camera = node.create_publisher(CompressedImage, '/camera/image_raw/compressed', SENSOR)
    bad = CompressedImage(format='png', data=b'not a png')
    node.create_timer(0.1, lambda: (camera.publish(bad), camera.publish(frame)))
    try:
        assert spin_until(executor, lambda: len(heard) >= 3, 60, [node_proc])
    finally:
        out, = stop(node_proc)
    np.testing.assert_allclose(heard[-1].data, expected, atol=1e-6)
    assert 'dropped a frame' in out
    assert '1 camera(s) of cam_arm: camera/image_raw/compressed -> features/cam (8)' in out


def test_an_encoder_for_other_frames_is_refused_in_one_line(encoder, ros_env):
    from nodes_util import spawn, stop

    from lwd_ros.ros.graphs import CONFIG_ERROR

    proc = spawn('perception', ros_env, files=(), robot='pusht', encoder=str(encoder))
    proc.wait(60)
    out, = stop(proc)
    assert proc.returncode == CONFIG_ERROR and 'pusht has no image block' in out, out
