# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""mujoco_bridge: an env's MuJoCo sim behind the topics its real robot would use.

Parameters  ``robot`` (a sim plugin's name, ``lwd_ros.envs.specs()``), then the fields of
            ``lwd_ros.envs.runner.SimBridgeConfig``

One executable and one bridge (``lwd_ros.ros.gym_bridge``) for every sim: topics come from the
robot contract, what a sim does beyond it (sub-stepping, a live goal switch, video) from its
env, its RViz drawing from ``EnvSpec.markers``. Swap the node for ros2_control hardware on
the same topics and the rest of the graph does not notice.
"""

from __future__ import annotations

import sys

from rcl_interfaces.msg import ParameterDescriptor
from rclpy.node import Node

from lwd_ros.envs import DEFAULT_ENV, get_spec
from lwd_ros.ros.gym_bridge import GymBridge
from lwd_ros.ros.spin import print_help, run_node, wants_help


class MujocoBridge(Node):

    def __init__(self, **node_options):
        super().__init__('mujoco_bridge', **node_options)  # namespace, overrides: fleet_host
        robot = self.declare_parameter('robot', DEFAULT_ENV, ParameterDescriptor(
            description='sim plugin of the simulated robot', read_only=True)).value
        self.sim = GymBridge(self, get_spec(robot))

    def finish(self) -> None:
        """The sim ran its ``max_episodes``: end the process (``fleet_host`` waits for all)."""
        raise SystemExit(0)

    def destroy_node(self) -> None:
        if hasattr(self, 'sim'):  # absent when a bad parameter stopped the start
            self.sim.close()
        super().destroy_node()


def main(args=None) -> int:
    if wants_help(args):
        from lwd_ros.envs.runner import SimBridgeConfig
        return print_help(
            __doc__, 'mujoco_bridge', [SimBridgeConfig],
            extra=[('robot', DEFAULT_ENV, 'sim plugin of the simulated robot')])
    return run_node(MujocoBridge, args)


if __name__ == '__main__':
    sys.exit(main())
