# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT in MuJoCo behind the ros2_control topic contract (``mujoco_bridge``, ``env:=pusht``).

Publishes   /joint_states (sensor_msgs/JointState), /pusht/object_pose (PoseStamped),
            /pusht/episode (lwd_ros/EpisodeStatus, every policy step), /clock (if enabled),
            viz/markers (visualization_msgs/MarkerArray, <= 10 Hz wall: the T and the goal T
            as outlines, the pusher as a disc, the episode in words; ``pusht_shapes``)
Subscribes  /forward_position_controller/commands (std_msgs/Float64MultiArray),
            /lwd/task (lwd_ros/TaskSwitch, latched)
Services    /pusht/reset (lwd_ros/ResetEpisode)
Parameters  ``env`` and the fields of ``lwd_ros.envs.pusht.runner.BridgeConfig``; topics from
            the PushT spec

Physics advances in real time times ``real_time_factor``; with ``publish_clock`` the bridge
owns ROS time so nodes with ``use_sim_time`` follow the simulation at any speed.
"""

from __future__ import annotations

import time

from geometry_msgs.msg import PoseStamped
import numpy as np
from rclpy.clock import Clock as RclpyClock
from rclpy.clock import ClockType
from rclpy.node import Node
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray

from lwd_ros.envs.pusht.geometry import AGENT_RADIUS, T_OUTLINE, to_world
from lwd_ros.envs.pusht.runner import BridgeConfig, SimRunner
from lwd_ros.envs.pusht.spec import PUSHT
from lwd_ros.envs.video import EpisodeVideo
from lwd_ros.msg import EpisodeStatus, TaskSwitch
from lwd_ros.observations.pose2d import quaternion_from_yaw
from lwd_ros.ros.markers import PALETTE, MarkerPublisher, Shape, status_text
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import EPISODE, LATCHED, SENSOR
from lwd_ros.ros.sim_bridge import BetweenEpisodes, answer_reset, sim_stamp
from lwd_ros.srv import ResetEpisode

WAITING_ANNOUNCE_S = 0.5  # wall s between step-0 markers while waiting for a command
OUTLINE_WIDTH = 0.004  # m, of the T outlines
GOAL_COLOR = (0.3, 0.8, 0.3, 0.8)


def pusht_shapes(block_pose, goal_pose, pusher_xy, state) -> list[Shape]:
    """The block and goal T, the pusher and the episode in words, as marker shapes.

    The Ts are closed outlines in the table plane (z = 0) at poses ``(x, y, yaw)``; the pusher
    a disc at ``pusher_xy``; ``state`` a ``runner.EpisodeState``.
    """
    def outline(pose):
        xy = to_world(np.asarray(pose, float), T_OUTLINE)
        return tuple((float(x), float(y), 0.0) for x, y in (*xy, xy[0]))

    shapes = [Shape('line_strip', 'goal', 0, scale=(OUTLINE_WIDTH, 0.0, 0.0), color=GOAL_COLOR,
                    points=outline(goal_pose)),
              Shape('line_strip', 'block', 0, scale=(OUTLINE_WIDTH, 0.0, 0.0), color=PALETTE[0],
                    points=outline(block_pose)),
              Shape('cylinder', 'pusher', 0, (float(pusher_xy[0]), float(pusher_xy[1]), 0.005),
                    scale=(2 * AGENT_RADIUS, 2 * AGENT_RADIUS, 0.01), color=PALETTE[1])]
    s = state
    return [*shapes, status_text(s.task, s.episode, s.step, s.success, s.done, shapes,
                                 extra=f'coverage {s.coverage:.2f}')]


class PushTBridge:
    """PushT in MuJoCo behind ROS topics, run by a ``mujoco_bridge`` node (module docstring)."""

    def __init__(self, node: Node):
        self.node = node
        cfg = declare_config(node, BridgeConfig)
        self.runner = SimRunner(cfg.runner())
        self.frame_id = cfg.frame_id
        self.steps_per_tick = cfg.physics_steps_per_tick
        rtf = cfg.real_time_factor
        self.video_size = cfg.video_size
        self.video = (EpisodeVideo(cfg.video_path, 1.0 / self.runner.env.config.control_dt)
                      if cfg.video_path else None)
        obs = {b.kind: b.topic for b in PUSHT.observation}

        self.joint_pub = node.create_publisher(JointState, obs['joints'], SENSOR)
        self.pose_pub = node.create_publisher(PoseStamped, obs['pose2d'], SENSOR)
        self.status_pub = node.create_publisher(EpisodeStatus, PUSHT.episode_topic, EPISODE)
        self.markers = MarkerPublisher(node, self.frame_id)
        self.clock_pub = (node.create_publisher(Clock, '/clock', 10)
                          if cfg.publish_clock else None)
        node.create_subscription(Float64MultiArray, PUSHT.command.topic, self.on_command,
                                 SENSOR)
        node.create_subscription(TaskSwitch, 'lwd/task', self.on_task, LATCHED)
        node.create_service(ResetEpisode, PUSHT.reset_service, self.on_reset)

        self.runner.reset()
        self.publish_state(status=True)
        self._announced, self._started = time.monotonic(), not self.runner.waiting
        dt = self.runner.sim.model.opt.timestep * self.steps_per_tick / rtf
        self.between = BetweenEpisodes(node, dt)
        # Wall-clock timer even with use_sim_time: the bridge *makes* /clock, so a timer on
        # ROS time would wait for a clock that only its own ticks advance.
        node.create_timer(dt, self.on_tick, clock=RclpyClock(clock_type=ClockType.STEADY_TIME))
        self.node.get_logger().info(
            f'PushT sim at {rtf:g}x real time, tasks {list(self.runner.tasks)}, '
            f'episode 1 seed {self.runner.state.seed} task {self.runner.state.task!r}')

    def on_command(self, msg: Float64MultiArray) -> None:
        problem = self.runner.command(msg.data)
        if problem:
            self.node.get_logger().warning(problem, throttle_duration_sec=1.0)

    def on_task(self, msg: TaskSwitch) -> None:
        try:
            self.runner.set_task(msg.task)
        except ValueError as e:
            self.node.get_logger().error(str(e))
            return
        self.node.get_logger().info(f'goal moved to task {msg.task!r}')

    def on_reset(self, request: ResetEpisode.Request, response: ResetEpisode.Response):
        return answer_reset(self.runner, request, response,
                            lambda: self.publish_state(status=True))

    def on_tick(self) -> None:
        runner = self.runner
        if runner.state.done:
            self.between.tick(runner, lambda: self.publish_state(status=True))
            return
        if runner.waiting:  # publish the initial state until a controller answers, and
            # re-announce step 0 now and then for late joiners (recorders dedupe it)
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
        for _ in range(self.steps_per_tick):
            policy_step |= runner.step()
        if runner.stale:
            self.node.get_logger().warning('no fresh command: holding the last target',
                                           throttle_duration_sec=2.0)
        self.publish_state(status=policy_step)
        s = runner.state
        if self.video and policy_step:
            self.video.add(runner.sim.render(self.video_size, self.video_size))
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

    def close(self) -> None:
        self.finish_video()  # a stop during the write, or mid-episode, still leaves a video
        self.runner.sim.close()

    def publish_state(self, status: bool) -> None:
        sim = self.runner.sim
        stamp = (sim_stamp(self.runner.sim_time) if self.clock_pub
                 else self.node.get_clock().now().to_msg())
        if self.clock_pub:
            self.clock_pub.publish(Clock(clock=stamp))
        joints = JointState(name=list(sim.JOINT_NAMES),
                            position=sim.joint_positions().tolist(),
                            velocity=sim.joint_velocities().tolist())
        joints.header.stamp = stamp
        self.joint_pub.publish(joints)
        x, y, yaw = sim.block_pose()
        pose = PoseStamped()
        pose.header.stamp, pose.header.frame_id = stamp, self.frame_id
        pose.pose.position.x, pose.pose.position.y = float(x), float(y)
        q = pose.pose.orientation
        q.x, q.y, q.z, q.w = quaternion_from_yaw(float(yaw))
        self.pose_pub.publish(pose)
        if status:
            s = self.runner.state
            msg = EpisodeStatus(episode=s.episode, seed=s.seed, task=s.task, step=s.step,
                                coverage=float(s.coverage), max_coverage=float(s.max_coverage),
                                success=bool(s.success), done=bool(s.done))
            msg.header.stamp, msg.header.frame_id = stamp, self.frame_id
            self.status_pub.publish(msg)
        self.markers.publish(lambda: pusht_shapes((x, y, yaw), sim.goal_pose, sim.agent_xy(),
                                                  self.runner.state),
                             stamp, force=self.runner.state.done)
