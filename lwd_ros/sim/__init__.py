# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Driving the simulator in real time for the ROS bridge (ROS-free)."""
