# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a demonstrator's success/fail mark is in a bag: one declaration for its three users.

``lwd mark`` publishes it, ``demo_recorder`` records it and ``bag2dataset`` reads it as the
outcome of the episode just demonstrated. Kept in the data layer, which the others build on:
the bag format is the contract between them.
"""

TOPIC = 'lwd/mark'  # relative: in the robot's namespace
MARK_TYPE = 'std_msgs/msg/String'
MARKS = ('success', 'fail')
