# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""demo_recorder: record demonstration topics into a rosbag2 bag, without a ROS distro.

Subscribes  every topic of the ``robot`` contract: each observation block's (JointState,
            PoseStamped, PointStamped, Float64MultiArray), its command (Float64MultiArray,
            JointTrajectory or TwistStamped + gripper) and episode topics
            (lwd_ros/EpisodeStatus), /lwd/task (lwd_ros/TaskSwitch),
            /lwd/intended_command (Float64MultiArray, only under DART noise) and lwd/mark
            (std_msgs/String ``success`` | ``fail``, what ``lwd mark`` sends)
            -- names are parameters (defaults: the contract's); remaps work too.
Writes      <output>/ : metadata.yaml (version 9) + one .mcap (default) or .db3 file; its
            custom_data holds the contract, topic map and joint names, so ``lwd
            bag2dataset`` needs no flags.

Like ``ros2 bag record``, each topic is subscribed once a publisher appears, with a QoS every
publisher matches (``adapted_qos``), and the publishers' offered QoS goes into the bag so
``ros2 bag play`` republishes latched topics latched. Messages are written as the CDR bytes
received (``raw=True``: no deserialisation), stamped with their wall-clock arrival time, so
``ros2 bag info`` and every bag viewer show when the bag was recorded. Under
``use_sim_time`` each message's sim arrival time is stored beside it (``BagRecorder``'s
``sim_time``), which ``lwd bag2dataset`` cuts episodes by. SIGINT/SIGTERM close the bag
cleanly; a periodic flush bounds what a harder kill can lose.
"""

from __future__ import annotations

from dataclasses import replace
import importlib
import json
import sys
import threading
import time

from rcl_interfaces.msg import ParameterDescriptor
import rclpy
from rclpy.clock import Clock, ClockType
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions

from lwd_ros.config import check
from lwd_ros.contract import get_contract
from lwd_ros.data.bag_writer import BagRecorder, adapted_qos, bag_qos, default_bag_path
from lwd_ros.data.bags import ENV_KEY, JOINTS_KEY, ROBOT_KEY, TOPICS_KEY, DemoTopics
from lwd_ros.data.sim_arrival import ArrivalClock
from lwd_ros.ros.spin import (
    ignore_late_signals,
    install_start_up_handlers,
    print_help,
    running,
    wants_help,
)

ROLES = ('joint_states', 'object_pose', 'command', 'task', 'episode', 'intended')
OPTIONAL = ('task', 'episode', 'intended')  # an empty name leaves these out
DEPTH = 1000  # a busy executor must not drop messages from the subscription queue


def _desc(text: str) -> ParameterDescriptor:
    return ParameterDescriptor(description=text, read_only=True)


class DemoRecorder(Node):

    def __init__(self):
        from lwd_ros.data.marks import MARK_TYPE, TOPIC as MARK_TOPIC  # noqa: I001

        super().__init__('demo_recorder')
        robot = self.declare_parameter('robot', '', _desc(
            'robot contract (YAML file or shipped name): topics and joints; stored in the '
            'bag')).value
        check(bool(robot), 'robot', robot, "must name the robot's contract (a YAML file or a "
              'shipped robot name)')
        spec = get_contract(robot)
        defaults = DemoTopics.for_contract(spec)
        self.declare_parameter('output', '', _desc('bag directory to create; empty: '
                                                   './demos_YYYY_MM_DD-HH_MM_SS'))
        self.declare_parameter('storage', 'mcap', _desc('mcap | sqlite3'))
        self.declare_parameter('compression', 'none', _desc('none | zstd'))
        self.declare_parameter('flush_period', 1.0, _desc(
            'seconds between flushes to disk (bounds what a SIGKILL loses); 0: only at exit'))
        for role in ROLES:
            self.declare_parameter(f'{role}_topic', getattr(defaults, role), _desc(
                f'{role} topic' + ('; empty: not recorded' if role in OPTIONAL else
                                   "; empty: the contract's")))
        self.declare_parameter('mark_topic', MARK_TOPIC, _desc(
            'episode labels (std_msgs/String success | fail, from `lwd mark`); empty: not '
            'recorded'))
        self.declare_parameter('joint_names', list(spec.command.joints), _desc(
            'commanded joints in the joint states, in action order; stored in the bag'))
        p = self.get_parameter

        named = DemoTopics(**{r: self.resolve_topic_name(p(f'{r}_topic').value)
                              if p(f'{r}_topic').value else '' for r in ROLES})
        layout = named.resolve(spec)
        dropped = {getattr(named, r) or getattr(defaults, r) for r in OPTIONAL
                   if not p(f'{r}_topic').value}
        # topic -> message type; blocks sharing a topic (positions and velocities) share it
        self.topics = {t: layout.types[t] for t in layout.roles.values() if t not in dropped}
        if p('mark_topic').value:  # a label beside the demonstration, not a role
            self.topics[self.resolve_topic_name(p('mark_topic').value)] = MARK_TYPE
        output = p('output').value or str(default_bag_path())
        stored = replace(named, observation=layout.observation,
                         **{r: '' for r in OPTIONAL if not p(f'{r}_topic').value})
        custom = {TOPICS_KEY: stored.to_json(),
                  JOINTS_KEY: json.dumps(list(p('joint_names').value)), ENV_KEY: spec.name,
                  ROBOT_KEY: json.dumps(spec.to_dict())}
        self.recorder = BagRecorder(output, storage=p('storage').value,
                                    compression=p('compression').value, custom_data=custom,
                                    sim_time=p('use_sim_time').value)
        self.qos_by_topic: dict[str, tuple[int, int]] = {}  # (reliability, durability)
        self.warned: set[str] = set()
        self.arrival = ArrivalClock()  # one sim time base for every topic
        wall = Clock(clock_type=ClockType.STEADY_TIME)  # /clock may not run yet
        self.create_timer(0.1, self.discover, clock=wall)
        if p('flush_period').value > 0:
            self.create_timer(p('flush_period').value, self.recorder.flush, clock=wall)
        self.get_logger().info(f'recording {sorted(self.topics)} to {output} '
                               f'({self.recorder.storage})')

    def discover(self) -> None:
        """Subscribe to each topic once its first publisher shows up."""
        for topic, msgtype in self.topics.items():
            infos = self.get_publishers_info_by_topic(topic)
            if not infos:
                continue
            offered = [(i.qos_profile.reliability.value, i.qos_profile.durability.value)
                       for i in infos]
            wanted = adapted_qos(offered)
            if topic in self.qos_by_topic:
                if wanted != self.qos_by_topic[topic] and topic not in self.warned:
                    self.warned.add(topic)
                    self.get_logger().warning(
                        f'a publisher of {topic} joined with a QoS the recording subscription '
                        f'{self.qos_by_topic[topic]} does not match; its messages are not '
                        'recorded (restart the recorder after it)')
                continue
            self.recorder.add_topic(topic, msgtype, [
                bag_qos(r, d, i.qos_profile.history.value, i.qos_profile.depth)
                for (r, d), i in zip(offered, infos)])
            qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=DEPTH,
                             reliability=ReliabilityPolicy(wanted[0]),
                             durability=DurabilityPolicy(wanted[1]))
            self.create_subscription(_msg_class(msgtype), topic, self._writer(topic), qos,
                                     raw=True)
            self.qos_by_topic[topic] = wanted
            self.get_logger().info(f'recording {topic} ({qos.reliability.name.lower()}, '
                                   f'{qos.durability.name.lower()})')

    def _writer(self, topic: str):
        """The raw callback of one topic: CDR bytes and arrival time into the bag.

        Log time is the wall-clock time the middleware received the message, not when the
        executor got to it: callbacks run in subscription order, so a command taken after a
        marker could otherwise look older than it. With ``use_sim_time`` the sim time of
        arrival (``self.arrival``: the sim clock as it read at the receive time, not at the
        callback) is written beside it: that is the time base of the sim's header stamps,
        which episodes are cut by.

        Both never go back within a topic: on a busy machine the middleware's receive stamps
        of one topic came out of order (one 0.1 s before its predecessor), which tools that
        play a bag in log-time order would reorder. Such a message takes its predecessor's
        time instead.
        """
        clock, write, arrival = self.get_clock(), self.recorder.write, self.arrival
        sim = self.get_parameter('use_sim_time').value
        last = [0, 0]  # this topic's latest log time and sim time

        def on_message(data: bytes, info) -> None:
            now = time.time_ns()
            received = max(info['received_timestamp'] or now, last[0])
            last[0] = received
            if not sim:
                write(topic, received, data)
                return
            arrival.note(now, clock.now().nanoseconds)
            last[1] = max(arrival.at(received), last[1])
            write(topic, received, data, sim_ns=last[1])
        return on_message

    def close(self) -> None:
        stats = self.recorder.close()
        self.get_logger().info(
            f'bag {stats.path}: {stats.total} messages in {stats.duration_s:.1f} s, '
            f'{stats.size_bytes / 1e6:.2f} MB ({stats.messages})')


def _msg_class(msgtype: str):
    """``pkg/msg/Type`` -> the Python message class (raw subscriptions still need one)."""
    package, _, name = msgtype.split('/')
    return getattr(importlib.import_module(f'{package}.msg'), name)


HELP_PARAMETERS = [
    ('robot', '', 'robot contract (YAML file or shipped name): topics and joints; required'),
    ('output', '', 'bag directory to create; empty: ./demos_YYYY_MM_DD-HH_MM_SS'),
    ('storage', 'mcap', 'mcap | sqlite3'), ('compression', 'none', 'none | zstd'),
    ('flush_period', 1.0, 'seconds between flushes to disk; 0: only at exit'),
    *[(f'{role}_topic', "(the contract's)", f'{role} topic' + (
        '; empty: not recorded' if role in OPTIONAL else '')) for role in ROLES],
    ('joint_names', "(the contract's)", 'commanded joints in the joint states, in order')]


def main(args=None) -> int:
    if wants_help(args):
        return print_help(__doc__, 'demo_recorder', extra=HELP_PARAMETERS)
    # Not rclpy's SIGINT/SIGTERM handlers, which would shut the context down (no rosout for
    # the closing summary): once recording, a signal only sets a flag, and the bag is closed
    # to the end however many follow (no watchdog). Before that (imports, building the node)
    # a signal ends the process at once, as every node's does (lwd_ros.ros.spin).
    install_start_up_handlers()  # already done by lwd_ros.nodes for a node process
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    stop = threading.Event()
    try:
        node = DemoRecorder()
    except (ValueError, FileExistsError) as e:
        rclpy.logging.get_logger('demo_recorder').fatal(str(e))
        rclpy.try_shutdown()
        ignore_late_signals()
        return 2
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    running(on_stop=stop.set, teardown_s=None)
    try:
        while not stop.is_set():
            executor.spin_once(timeout_sec=0.1)  # the flag is checked at least every 0.1 s
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.close()
        node.destroy_node()
        rclpy.try_shutdown()
        ignore_late_signals()  # launch's SIGINT when the bridge ends the graph first
    return 0


if __name__ == '__main__':
    sys.exit(main())
