# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Thin rclpy nodes: each wires parameters, topics and timers to a core object."""
