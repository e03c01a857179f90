# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Test peer: republish every PolicyWeights received on /rt/in to /rt/out, then exit."""

import sys

import rclpy
from rclpy.executors import ExternalShutdownException

from lwd_ros.msg import PolicyWeights
from lwd_ros.ros.qos import LATCHED


def main() -> int:
    rclpy.init()
    node = rclpy.create_node('echo_policy')
    pub = node.create_publisher(PolicyWeights, '/rt/out', LATCHED)
    node.create_subscription(PolicyWeights, '/rt/in', pub.publish, LATCHED)
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
