# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Test peer: republish the first PolicyWeights received on /rt/in to /rt/out, then exit.

It exits on its own once the echo is acknowledged, so the test never has to interrupt a
DDS participant mid-transfer (a SIGTERM then could stall its shutdown on a loaded machine).
"""

import sys

import rclpy
from rclpy.duration import Duration
from rclpy.executors import ExternalShutdownException

from lwd_ros.msg import PolicyWeights
from lwd_ros.ros.qos import LATCHED

ACK_TIMEOUT = Duration(seconds=20)


def main() -> int:
    rclpy.init()
    node = rclpy.create_node('echo_policy')
    pub = node.create_publisher(PolicyWeights, '/rt/out', LATCHED)
    echoed = []

    def echo(msg):
        pub.publish(msg)
        echoed.append(msg)

    node.create_subscription(PolicyWeights, '/rt/in', echo, LATCHED)
    try:
        while not echoed:
            rclpy.spin_once(node, timeout_sec=0.1)
        acked = pub.wait_for_all_acked(ACK_TIMEOUT)
    except (KeyboardInterrupt, ExternalShutdownException):
        return 1
    node.destroy_node()
    rclpy.try_shutdown()
    return 0 if acked else 2


if __name__ == '__main__':
    sys.exit(main())
