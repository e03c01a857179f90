# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""perception: camera frames -> features, for every image block of the robot's contract.

Subscribes  each image block's topic (``sensor_msgs/Image`` or ``CompressedImage``, as the
            block's ``msg_type`` says; sensor QoS: an old frame is worth nothing)
Publishes   ``features/<prefix>`` (``std_msgs/Float64MultiArray``) once per frame, which the
            controller and the generator read as the block's entries
Parameters  the fields of ``lwd_ros.runtime.perception.PerceptionConfig``

Why a node of its own: the encoder takes milliseconds per frame, and the controller's
1 kHz tick must never wait on it. Frames are decoded as the block says (crop, size,
encoding: ``lwd_ros.observations.image.decode``), exactly as the bag converter decodes
them for training.
"""

from __future__ import annotations

import sys

from rclpy.node import Node
from std_msgs.msg import Float64MultiArray

from lwd_ros.contract import get_contract
from lwd_ros.observations import get_kind
from lwd_ros.observations.image import ENCODINGS, decode, features_topic, key
from lwd_ros.ros.observation_topics import message_class
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import SENSOR
from lwd_ros.ros.spin import print_help, run_node, wants_help
from lwd_ros.runtime.perception import Perception, PerceptionConfig, encoder_file


class PerceptionNode(Node):

    def __init__(self, **kwargs):
        super().__init__('perception', **kwargs)
        cfg = declare_config(self, PerceptionConfig)
        contract = get_contract(cfg.robot)
        cameras = [b for b in contract.observation if get_kind(b.kind).frames]
        if not cameras:
            raise ValueError(f'robot = {cfg.robot!r}: {contract.name} has no image block')
        for block in cameras:
            encoder = Perception(encoder_file(cfg.encoder, key(block)), cfg.num_threads)
            shape = (*block.image_size, ENCODINGS[block.encoding])
            if shape != encoder.frame_shape or block.features != encoder.features:
                raise ValueError(f'encoder = {cfg.encoder!r} takes {encoder.frame_shape}'
                                 f' frames to {encoder.features} features; the block on '
                                 f'{block.topic} gives {block.image_size} {block.encoding} '
                                 f'frames and reads {block.features}')
            pub = self.create_publisher(Float64MultiArray, features_topic(block), SENSOR)
            self.create_subscription(
                message_class(block.msg_type), block.topic,
                lambda msg, b=block, p=pub, e=encoder: self.on_frame(b, e, p, msg), SENSOR)
        self.get_logger().info(f'{len(cameras)} camera(s) of {contract.name}: '
                               + ', '.join(f'{b.topic} -> {features_topic(b)} ({b.features})'
                                           for b in cameras))

    def on_frame(self, block, encoder, pub, msg) -> None:
        try:
            frame = decode(block, msg)
        except ValueError as e:  # one bad frame must not end perception
            self.get_logger().warning(f'dropped a frame: {e}', throttle_duration_sec=2.0)
            return
        pub.publish(Float64MultiArray(data=[float(v) for v in encoder(frame)]))


def main(args=None) -> int:
    if wants_help(args):
        return print_help(__doc__, 'perception', [PerceptionConfig])
    return run_node(PerceptionNode, args)


if __name__ == '__main__':
    sys.exit(main())
