# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The sim bridge: any gymnasium env behind its robot contract's topics.

Run by the ``mujoco_bridge`` node for every sim plugin. What it publishes and takes is read off
the contract, so it is exactly what the robot's drivers would publish and take:

Publishes   each observation block's topic: ``sensor_msgs/JointState`` (every joints block
            of a topic in one message: positions, velocities, efforts), ``PoseStamped``
            (pose2d: yaw about z; pose: position + rotation), ``PointStamped`` or a pose's
            position, ``std_msgs/Float64MultiArray``, every timer tick; each image block's
            topic: ``sensor_msgs/Image`` (or ``CompressedImage``, PNG) of the env's
            ``camera_frame``, stamped as the joint states, at ``camera_rate`` (sim time, or
            wall time while the sim waits) while someone listens;
            the contract's episode topic (``lwd_ros/EpisodeStatus``, one per policy step);
            ``/clock`` (if enabled); ``viz/markers`` (``visualization_msgs/MarkerArray``,
            ``lwd_ros.ros.markers``: the plugin's ``EnvSpec.markers`` or the contract's
            points and poses, and the episode in words, <= 10 Hz wall)
Subscribes  the contract's command topic(s) (``lwd_ros.ros.commands``), ``lwd/task``
            (``lwd_ros/TaskSwitch``, latched: the goal moves, or a new episode of that task)
Services    the contract's reset service (``lwd_ros/ResetEpisode``)
Parameters  ``env`` and the fields of ``lwd_ros.envs.runner.SimBridgeConfig``

A timer tick runs ``physics_steps_per_tick`` physics steps, in wall time divided by
``real_time_factor``. The episode protocol (markers, pause until the first command, hold
semantics, sub-stepping) is written once, in ``lwd_ros.envs.runner``.
"""

from __future__ import annotations

from collections.abc import Callable
import time
from typing import Any

import numpy as np
from rclpy.clock import Clock as RclpyClock
from rclpy.clock import ClockType
from rclpy.node import Node
from rosgraph_msgs.msg import Clock

from lwd_ros.contract import RobotContract
from lwd_ros.envs.runner import SimBridgeConfig, SimRunner
from lwd_ros.envs.video import EpisodeVideo
from lwd_ros.msg import EpisodeStatus, PolicyWeights, TaskSwitch
from lwd_ros.observations import get_kind
from lwd_ros.observations.image import encode
from lwd_ros.ros.commands import subscribe_commands
from lwd_ros.ros.markers import MarkerPublisher, episode_shapes
from lwd_ros.ros.observation_topics import message_class
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import EPISODE, LATCHED, SENSOR
from lwd_ros.ros.sim_bridge import BetweenEpisodes, answer_reset, sim_stamp
from lwd_ros.srv import ResetEpisode

WAITING_ANNOUNCE_S = 0.5  # wall s between step-0 statuses while waiting for a command


class ContractPublisher:
    """Publishes an observation vector as the contract's messages (what drivers would send).

    One message per topic, filled by the kind of the blocks on it (``lwd_ros.observations``),
    in the order the contract first names each topic. A frame block's topic (a camera)
    carries ``camera(block)``, the env's picture of the state, encoded as the block says;
    rendered only while someone subscribes, as a driver's frames cost nothing unread.
    """

    def __init__(self, node: Node, contract: RobotContract, frame_id: str = 'world',
                 camera: Callable[[Any], np.ndarray] | None = None, camera_rate: float = 0.0):
        self.contract, self.frame_id, self.camera = contract, frame_id, camera
        self.camera_period_ns = int(1e9 / camera_rate) if camera_rate > 0 else 0
        self.camera_last: dict[str, tuple[int, int]] = {}  # topic -> (sim ns, wall ns)
        self.topics: dict[str, list[int]] = {}
        for i, b in enumerate(contract.observation):
            self.topics.setdefault(b.topic, []).append(i)
        self.pubs = {topic: node.create_publisher(
            message_class(contract.observation[indices[0]].msg_type), topic, SENSOR)
            for topic, indices in self.topics.items()}
        cameras = [b.topic for b in contract.observation if get_kind(b.kind).frames]
        if cameras and camera is None:
            raise ValueError(f'{contract.name} has image blocks on {cameras}: its env must '
                             'render them (camera_frame)')

    def publish(self, blocks: list[np.ndarray], stamp, velocities=None) -> None:
        """Publish ``blocks`` (``SimRunner.blocks``) stamped ``stamp``.

        ``velocities`` of the commanded joints, if given, fill ``JointState.velocity`` where
        the contract observes none.
        """
        observation = self.contract.observation
        for topic, indices in self.topics.items():
            pub, first = self.pubs[topic], observation[indices[0]]
            msg = pub.msg_type()
            if get_kind(first.kind).frames:
                # One frame per camera period of sim time, or of wall time while the sim
                # waits (a paused robot's camera still streams)
                now = (stamp.sec * 1_000_000_000 + stamp.nanosec, time.monotonic_ns())
                last = self.camera_last.get(topic)
                if not pub.get_subscription_count() or (last is not None and all(
                        0 <= t - t0 < self.camera_period_ns for t, t0 in zip(now, last))):
                    continue
                self.camera_last[topic] = now
                encode(first, self.camera(first), msg)
            else:
                get_kind(first.kind).fill([observation[i] for i in indices],
                                          [blocks[i] for i in indices], msg)
            if velocities is not None and hasattr(msg, 'velocity') and not len(msg.velocity):
                given = dict(zip(self.contract.command.joints, velocities))
                msg.velocity = [float(given.get(j, 0.0)) for j in msg.name]
            if hasattr(msg, 'header'):
                msg.header.stamp, msg.header.frame_id = stamp, self.frame_id
            pub.publish(msg)


class GymBridge:
    """A sim plugin's gymnasium env behind ROS topics (module docstring)."""

    def __init__(self, node: Node, spec):
        from lwd_ros.envs import env_hook, make_env

        self.node = node
        cfg = declare_config(node, SimBridgeConfig)
        contract = spec.contract
        env = make_env(spec, **({'config': cfg.env_config} if cfg.env_config else {}))
        self.runner = SimRunner(cfg, contract, env)
        preload = getattr(env.unwrapped, 'preload', None)
        if callable(preload):  # every task's scene now: a task switch then costs a reset
            preload()
        self.velocities = getattr(env.unwrapped, 'joint_velocities', None)
        self.shapes = (env_hook(spec, 'markers') if spec.markers
                       else lambda _, blocks, state: episode_shapes(contract, blocks, state))
        self.video = (EpisodeVideo(cfg.video_path, contract.policy_rate) if cfg.video_path
                      else None)
        if self.video and not callable(getattr(env.unwrapped, 'render_frame', None)):
            raise ValueError(f'video_path: env {spec.name!r} renders no frames '
                             '(its env has no render_frame)')
        self.observation = ContractPublisher(node, contract, cfg.frame_id,
                                             getattr(env.unwrapped, 'camera_frame', None),
                                             cfg.camera_rate)
        self.markers = MarkerPublisher(node, cfg.frame_id)
        self.status_pub = (node.create_publisher(EpisodeStatus, contract.episode_topic, EPISODE)
                           if contract.episode_topic else None)
        self.clock_pub = (node.create_publisher(Clock, '/clock', 10)
                          if cfg.publish_clock else None)
        subscribe_commands(node, contract.command, self.on_command)
        node.create_subscription(TaskSwitch, 'lwd/task', self.on_task, LATCHED)
        if cfg.wait_for_policy:  # only that a policy came matters, not what it holds
            node.create_subscription(PolicyWeights, 'lwd/policy',
                                     lambda _: self.runner.policy_arrived(), LATCHED, raw=True)
        if contract.reset_service:
            node.create_service(ResetEpisode, contract.reset_service, self.on_reset)
        self.runner.reset()
        self.publish_state(status=True)
        self._announced, self._started = time.monotonic(), not self.runner.waiting
        self.period = (self.runner.physics_dt * cfg.physics_steps_per_tick
                       / cfg.real_time_factor)
        self.between = BetweenEpisodes(node, self.period)
        # Wall-clock timer even with use_sim_time: the bridge *makes* /clock, so a timer on
        # ROS time would wait for a clock that only its own ticks advance.
        node.create_timer(self.period, self.on_tick,
                          clock=RclpyClock(clock_type=ClockType.STEADY_TIME))
        s = self.runner.state
        node.get_logger().info(f'{spec.name} sim at {cfg.real_time_factor:g}x real time, '
                               f'tasks {list(env.unwrapped.tasks)}, '
                               f'episode {s.episode} seed {s.seed} task {s.task!r}')

    def on_command(self, joints: slice, values: list[float]) -> None:
        problem = self.runner.command(joints, values)
        if problem:
            self.node.get_logger().warning(problem, throttle_duration_sec=1.0)

    def on_task(self, msg: TaskSwitch) -> None:
        runner = self.runner
        if msg.task == runner.state.task and (runner.live_task_switch or not runner.state.done):
            return  # the latched message of the running task: nothing to switch
        try:
            s = runner.set_task(msg.task)
        except ValueError as e:
            self.node.get_logger().error(str(e))
            return
        if runner.live_task_switch:  # the next policy step's status carries the task
            self.node.get_logger().info(f'goal moved to task {s.task!r}')
            return
        self.publish_state(status=True)
        self.node.get_logger().info(f'task {s.task!r}: episode {s.episode} seed {s.seed}')

    def on_reset(self, request: ResetEpisode.Request, response: ResetEpisode.Response):
        return answer_reset(self.runner, request, response,
                            lambda: self.publish_state(status=True))

    def on_tick(self) -> None:
        runner = self.runner
        if runner.state.done:
            self.between.tick(runner, lambda: self.publish_state(status=True))
            return
        if runner.waiting:  # the state until a controller answers, and step 0 again now
            # and then for late joiners (recorders dedupe it)
            announce = time.monotonic() - self._announced >= WAITING_ANNOUNCE_S
            if announce:
                self._announced = time.monotonic()
            self.publish_state(status=announce)
            self._started = False
            return
        if not self._started:  # the first command: the episode starts now, say so
            self._started = True
            self.publish_state(status=True)
        policy_step = False
        for _ in range(runner.config.physics_steps_per_tick):
            policy_step |= runner.step()
        if runner.stale and runner.position:
            self.node.get_logger().warning('no fresh command: holding the last target',
                                           throttle_duration_sec=2.0)
        self.publish_state(status=policy_step)
        s = runner.state
        if self.video and policy_step:
            self.video.add(runner.env.unwrapped.render_frame(runner.config.video_size))
        if s.done:
            self.node.get_logger().info(
                f'episode {s.episode} (seed {s.seed}, task {s.task}) '
                f'{"SUCCESS" if s.success else "timeout"} after {s.step} steps, '
                f'max coverage {s.max_coverage:.3f}')
            self.finish_video()

    def finish_video(self) -> None:
        """Write the current episode's frames (at its end, or at shutdown: none are lost)."""
        if self.video and self.video.frames:
            path = self.video.finish(self.runner.state.episode)
            self.node.get_logger().info(f'wrote {path}')

    def publish_state(self, status: bool) -> None:
        runner = self.runner
        stamp = (sim_stamp(runner.sim_time) if self.clock_pub
                 else self.node.get_clock().now().to_msg())
        if self.clock_pub:
            self.clock_pub.publish(Clock(clock=stamp))
        velocities = self.velocities() if self.velocities else None
        self.observation.publish(runner.blocks(), stamp, velocities)
        if status and self.status_pub is not None:
            s = runner.state
            msg = EpisodeStatus(episode=s.episode, seed=s.seed, task=s.task, step=s.step,
                                coverage=s.coverage, max_coverage=s.max_coverage,
                                success=bool(s.success), done=bool(s.done))
            msg.header.stamp, msg.header.frame_id = stamp, self.runner.config.frame_id
            self.status_pub.publish(msg)
        self.markers.publish(  # built only when due: <= 10 Hz wall at any real-time factor
            lambda: self.shapes(runner.env, runner.blocks(), runner.state), stamp,
            force=runner.state.done)

    def close(self) -> None:
        self.finish_video()  # a stop during the write, or mid-episode, still leaves a video
        self.runner.env.close()
