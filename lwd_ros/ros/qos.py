# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Named QoS profiles, so every publisher/subscriber pair agrees by construction."""

from rclpy.qos import (
                       DurabilityPolicy,
                       HistoryPolicy,
                       QoSProfile,
                       ReliabilityPolicy,
                       qos_profile_sensor_data,
)

# Latched: a controller that starts late still receives the current policy / task.
LATCHED = QoSProfile(depth=1, history=HistoryPolicy.KEEP_LAST,
                     reliability=ReliabilityPolicy.RELIABLE,
                     durability=DurabilityPolicy.TRANSIENT_LOCAL)
# Streams where only the newest sample matters (joint states, poses, commands).
SENSOR = qos_profile_sensor_data
# Commands and events that must not be dropped but need no history for late joiners.
RELIABLE = QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE,
                      durability=DurabilityPolicy.VOLATILE)
# Episode markers: reliable with 10 s of history (at 10 Hz): a slow reader loses none, and a
# recorder subscribing just as an episode starts still stores its first marker (volatile readers
# such as the generator receive only new ones).
EPISODE = QoSProfile(depth=100, history=HistoryPolicy.KEEP_LAST,
                     reliability=ReliabilityPolicy.RELIABLE,
                     durability=DurabilityPolicy.TRANSIENT_LOCAL)
