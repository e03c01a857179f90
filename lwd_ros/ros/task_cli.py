# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd task NAME``: switch a running graph's task, what ``ros2 topic pub /lwd/task`` does.

The generator and the sim bridge subscribe to ``lwd/task`` (``lwd_ros/TaskSwitch``, latched)
in the robot's namespace; this publishes one switch with the same QoS and waits until they
have it (see ``topic_cli``). The task name is the generator's to check: it logs a name its
checkpoint does not know.
"""

from __future__ import annotations

import argparse

from lwd_ros.ros.topic_cli import add_common_arguments, publish_once, topic_name

TOPIC = 'lwd/task'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('task', help="task name, one the running checkpoint was trained on "
                                     "(its env's task names)")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from lwd_ros.msg import TaskSwitch
    from lwd_ros.ros.qos import LATCHED

    topic = topic_name(args.namespace, TOPIC)
    return publish_once(topic, TaskSwitch(task=args.task), LATCHED, args.timeout,
                        f'task {args.task!r}', 'is the graph running, in this namespace and '
                        'ROS_DOMAIN_ID?')
