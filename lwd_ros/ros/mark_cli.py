# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd mark success|fail``: label the demonstration just recorded, while recording.

On hardware no sim says whether an episode succeeded; the person demonstrating does. This
publishes ``std_msgs/String`` ``success`` or ``fail`` on ``lwd/mark`` (in the robot's
namespace), which ``demo_recorder`` records next to the demonstration topics, and waits until
the recorder has it (see ``topic_cli``). ``ros2 topic pub --once /lwd/mark std_msgs/msg/String
"{data: success}"`` does the same on a distro.
"""

from __future__ import annotations

import argparse

from lwd_ros.data.marks import MARKS, TOPIC
from lwd_ros.ros.topic_cli import add_common_arguments, publish_once, topic_name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('mark', choices=MARKS, help='how the episode just demonstrated ended')
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from std_msgs.msg import String

    from lwd_ros.ros.qos import RELIABLE

    topic = topic_name(args.namespace, TOPIC)
    return publish_once(topic, String(data=args.mark), RELIABLE, args.timeout,
                        f'mark {args.mark!r}', 'is demo_recorder running, in this namespace '
                        'and ROS_DOMAIN_ID? it records the marks')
