# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Closed-loop evaluation without ROS: rollouts, metrics, videos."""
