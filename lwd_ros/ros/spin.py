# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The ``main()`` every lwd_ros node shares: init, spin until stopped, tear down cleanly.

Ctrl-C, SIGTERM and an external shutdown (``lwd launch`` stopping the graph, a launch system
sending SIGINT) are the normal way a node ends, so none is reported as an error: rclpy's
signal handlers shut the context down, and whatever a callback raises *because* the context
went away meanwhile (publishing on an invalid context, a half-torn-down wait set) is part of
that shutdown, not a crash. An error while the context is still valid is re-raised.
Node-specific clean-up belongs in the node's ``destroy_node``, which runs on every exit path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import rclpy
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node
from rclpy.signals import SignalHandlerOptions


def run_node(make_node: Callable[[], Node], args: Sequence[str] | None = None) -> int:
    """Run the node built by ``make_node`` until shutdown; return the process exit code."""
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.ALL)
    node = make_node()
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException, SystemExit):
        pass
    except Exception:  # noqa: BLE001 - re-raised unless it is the shutdown itself
        if rclpy.ok():
            raise
    finally:
        try:
            node.destroy_node()
        except Exception:  # noqa: BLE001 - the context may already be gone
            if rclpy.ok():
                raise
        rclpy.try_shutdown()
    return 0
