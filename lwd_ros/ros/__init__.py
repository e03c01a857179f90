# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""ROS-side helpers shared by nodes: message conversion, QoS, bring-up without ros2 launch."""
