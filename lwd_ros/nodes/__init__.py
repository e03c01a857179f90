# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Thin rclpy nodes: each wires parameters, topics and timers to a core object.

A process started as one of these nodes (``python -m lwd_ros.nodes.X``, the ``X`` console
script, ``ros2 run lwd_ros X``) gets its SIGINT/SIGTERM handling here, before the node's
module imports rclpy, torch or a sim: a Ctrl-C during those imports or while a model loads
then ends it at once with exit 0 instead of a ``KeyboardInterrupt`` traceback
(``lwd_ros.ros.spin``). Any other process importing a node module keeps its own handlers.
"""

from lwd_ros.ros import spin as _spin

if _spin.entry_node() is not None:
    _spin.install_start_up_handlers(entry=True)
