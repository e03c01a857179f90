# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Publish one message to a running graph and check it arrived (``lwd task``, ``lwd mark``).

Why not ``ros2 topic pub``: a pip-only install has no ``ros2`` command, and ``--once``
publishes into the void when nobody listens (a typo in the namespace, a graph not started
yet) and still exits 0. These commands wait up to ``--timeout`` for a subscriber, publish
once, wait until every reliable subscriber has acknowledged the message, and exit 1 with
one line saying what was missing otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

OK, NOBODY = 0, 1


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--namespace', '-n', default='',
                        help='the robot\'s namespace in a fleet (e.g. /robot_0); default: none')
    parser.add_argument('--timeout', type=float, default=10.0,
                        help='seconds to wait for a subscriber and its acknowledgement '
                             '(default 10)')


def topic_name(namespace: str, relative: str) -> str:
    """``/ns/relative``, as a node in ``namespace`` resolves a relative name."""
    ns = '/'.join(p for p in namespace.split('/') if p)
    return '/' + '/'.join(p for p in (ns, relative.strip('/')) if p)


def publish_once(topic: str, msg, qos, timeout: float, what: str, hint: str) -> int:
    """Publish ``msg`` once a subscriber matches; 0 when acknowledged, 1 (and a line) if not.

    Args:
        topic: absolute topic name.
        msg: the message (its class gives the type).
        qos: the QoS the graph's subscribers use for this topic.
        timeout: seconds for the whole exchange.
        what: how the success line describes the message.
        hint: appended to the failure line: who should be listening.
    """
    import rclpy
    from rclpy.duration import Duration

    context = rclpy.Context()
    rclpy.init(args=[], context=context)
    node = rclpy.create_node(f'lwd_cli_{os.getpid()}', context=context,
                             start_parameter_services=False)
    try:
        pub = node.create_publisher(type(msg), topic, qos)
        deadline = time.monotonic() + timeout
        while pub.get_subscription_count() == 0:
            if time.monotonic() > deadline:
                print(f'nobody subscribes to {topic} after {timeout:g} s: {what} not sent '
                      f'({hint})', file=sys.stderr)
                return NOBODY
            time.sleep(0.05)
        # The subscriber's side of the match can lag ours: a reliable message published now
        # is still delivered (and acknowledged) once it completes.
        pub.publish(msg)
        left = max(0.1, deadline - time.monotonic())
        if not pub.wait_for_all_acked(Duration(seconds=left)):
            print(f'{what} published on {topic} but not acknowledged within {timeout:g} s '
                  f'({hint})', file=sys.stderr)
            return NOBODY
        print(f'{what} sent on {topic} to {_readers(node, topic, deadline)}')
        return OK
    finally:
        node.destroy_node()
        context.try_shutdown()


def _readers(node, topic: str, deadline: float) -> str:
    """Who subscribes, by node name; the names reach the graph cache after the match does."""
    end = min(deadline, time.monotonic() + 2.0)
    while True:
        infos = node.get_subscriptions_info_by_topic(topic)
        known = all(not i.node_name.startswith('_NODE_NAME_UNKNOWN') for i in infos)
        if known or time.monotonic() > end:
            break
        time.sleep(0.05)
    names = sorted({f'{i.node_namespace.rstrip("/")}/{i.node_name}' for i in infos
                    if not i.node_name.startswith('_NODE_NAME_UNKNOWN')})
    unnamed = len(infos) - len(names)
    if unnamed:
        names.append(f'{unnamed} unnamed subscriber' + ('s' if unnamed > 1 else ''))
    return ', '.join(names) or 'its subscriber'
