# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""mujoco_bridge: an env's MuJoCo sim behind the topics its real robot would use.

Parameters  ``env`` (an env spec name, ``lwd_ros.envs.specs()``), then the parameters of that
            env's bridge (``EnvSpec.bridge``; ``lwd_ros/envs/<env>/ros_bridge.py`` documents its
            topics, services and parameters)

One executable for every env: the spec names the class that owns the sim, its publishers
and its timer; this node only picks it. Swap the node for ros2_control hardware on the same
topics and the rest of the graph does not notice.
"""

from __future__ import annotations

import sys

from rcl_interfaces.msg import ParameterDescriptor
from rclpy.node import Node

from lwd_ros.envs import DEFAULT_ENV, env_hook, get_spec
from lwd_ros.ros.spin import run_node


class MujocoBridge(Node):

    def __init__(self, **node_options):
        super().__init__('mujoco_bridge', **node_options)  # namespace, overrides: fleet_host
        env = self.declare_parameter('env', DEFAULT_ENV, ParameterDescriptor(
            description='env spec of the simulated robot', read_only=True)).value
        self.sim = env_hook(get_spec(env), 'bridge')(self)

    def destroy_node(self) -> None:
        self.sim.close()
        super().destroy_node()


def main(args=None) -> int:
    return run_node(MujocoBridge, args)


if __name__ == '__main__':
    sys.exit(main())
