# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The fast control path: numpy only, no torch, no rclpy (nodes wire it to topics)."""
