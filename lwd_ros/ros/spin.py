# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The ``main()`` every lwd_ros node shares: init, spin until stopped, tear down cleanly.

Ctrl-C and an external shutdown (``lwd launch`` stopping the graph, a launch system sending
SIGINT) are the normal way a node ends, so neither is reported as an error; node-specific
clean-up belongs in the node's ``destroy_node``, which runs on every exit path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import rclpy
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node


def run_node(make_node: Callable[[], Node], args: Sequence[str] | None = None) -> int:
    """Run the node built by ``make_node`` until shutdown; return the process exit code."""
    rclpy.init(args=args)
    node = make_node()
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    return 0
