# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MetaWorld's Sawyer (the ten MT10 tasks) behind a Cartesian servo contract (``mujoco_bridge``).

Publishes   /joint_states (sensor_msgs/JointState: the MJCF's right_j0..6, r_close, l_close
            and the gripper opening as ``gripper``), /ee_pose, /mt10/object_pose,
            /mt10/goal (PoseStamped positions), /mt10/episode (lwd_ros/EpisodeStatus, every
            policy step), /clock (if enabled)
Subscribes  /servo_node/delta_twist_cmds (geometry_msgs/TwistStamped, MoveIt Servo's input),
            /gripper_controller/commands (std_msgs/Float64MultiArray: effort -1 open .. 1 close),
            /lwd/task (lwd_ros/TaskSwitch, latched: the arm gets that task's scene at once)
Services    /mt10/reset (lwd_ros/ResetEpisode)
Parameters  ``env`` (``mt10``) and the fields of ``lwd_ros.envs.mt10.runner.Mt10BridgeConfig``;
            topics from the MT10 spec

A real arm replaces this node: MoveIt Servo takes the twist, the gripper driver the effort,
and a perception node publishes the object and goal positions on the same topics.
"""

from __future__ import annotations

from geometry_msgs.msg import PoseStamped
from rclpy.clock import Clock as RclpyClock
from rclpy.clock import ClockType
from rclpy.node import Node
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import JointState

from lwd_ros.envs.mt10.runner import Mt10BridgeConfig, Mt10Runner
from lwd_ros.envs.mt10.spec import MT10
from lwd_ros.msg import EpisodeStatus, TaskSwitch
from lwd_ros.ros.commands import subscribe_commands
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import EPISODE, LATCHED, SENSOR
from lwd_ros.ros.sim_bridge import answer_reset, sim_stamp
from lwd_ros.srv import ResetEpisode

FINISH_GRACE_S = 1.0  # wall s between the last episode's end and the bridge's exit


class Mt10Bridge:
    """MT10 behind ROS topics, run by a ``mujoco_bridge`` node (module docstring)."""

    def __init__(self, node: Node):
        self.node = node
        cfg = declare_config(node, Mt10BridgeConfig)
        self.runner = Mt10Runner(cfg)
        self.runner.env.preload()  # a task switch then costs a reset, not a scene load
        self.frame_id = cfg.frame_id
        joints_topic = next(b.topic for b in MT10.observation if b.kind == 'joints')
        self.joint_pub = node.create_publisher(JointState, joints_topic, SENSOR)
        self.point_pubs = {b.topic: node.create_publisher(PoseStamped, b.topic, SENSOR)
                           for b in MT10.observation if b.kind == 'point'}
        self.status_pub = node.create_publisher(EpisodeStatus, MT10.episode_topic, EPISODE)
        self.clock_pub = (node.create_publisher(Clock, '/clock', 10)
                          if cfg.publish_clock else None)
        subscribe_commands(node, MT10.command, self.on_command)
        node.create_subscription(TaskSwitch, 'lwd/task', self.on_task, LATCHED)
        node.create_service(ResetEpisode, MT10.reset_service, self.on_reset)
        self.runner.reset()
        self.publish_state(status=True)
        self.period, self._finished_ticks = 1.0 / (MT10.policy_rate * cfg.real_time_factor), 0
        # Wall-clock timer even with use_sim_time: the bridge *makes* /clock, so a timer on
        # ROS time would wait for a clock that only its own ticks advance.
        node.create_timer(self.period, self.on_tick,
                          clock=RclpyClock(clock_type=ClockType.STEADY_TIME))
        s = self.runner.state
        self.node.get_logger().info(f'MT10 Sawyer at {cfg.real_time_factor:g}x real time, episode '
                                    f'{s.episode} seed {s.seed} task {s.task!r}')

    def on_command(self, joints: slice, values: list[float]) -> None:
        problem = self.runner.command(joints, values)
        if problem:
            self.node.get_logger().warning(problem, throttle_duration_sec=1.0)

    def on_task(self, msg: TaskSwitch) -> None:
        if msg.task == self.runner.state.task and not self.runner.state.done:
            return  # the latched message of the running task: nothing to switch
        try:
            s = self.runner.set_task(msg.task)
        except ValueError as e:
            self.node.get_logger().error(str(e))
            return
        self.publish_state(status=True)
        self.node.get_logger().info(f'task {s.task!r}: episode {s.episode} seed {s.seed}')

    def on_reset(self, request: ResetEpisode.Request, response: ResetEpisode.Response):
        return answer_reset(self.runner, request, response,
                            lambda: self.publish_state(status=True))

    def on_tick(self) -> None:
        runner = self.runner
        if runner.state.done:
            if runner.finished:
                self._finished_ticks += 1
                if self._finished_ticks * self.period >= FINISH_GRACE_S:
                    self.node.get_logger().info(f'{runner.state.episode} episodes done: exiting')
                    raise SystemExit(0)
                return
            if runner.config.auto_reset:
                runner.reset()
                self.publish_state(status=True)
            return
        if runner.waiting:
            self.publish_state(status=False)
            return
        runner.step()
        self.publish_state(status=True)
        s = runner.state
        if s.done:
            self.node.get_logger().info(f'episode {s.episode} (seed {s.seed}, task {s.task}) '
                                        f'{"SUCCESS" if s.success else "timeout"} after {s.step} '
                                        'steps')

    def publish_state(self, status: bool) -> None:
        runner = self.runner
        stamp = (sim_stamp(runner.sim_time) if self.clock_pub
                 else self.node.get_clock().now().to_msg())
        if self.clock_pub:
            self.clock_pub.publish(Clock(clock=stamp))
        names, positions = runner.joint_positions()
        joints = JointState(name=names, position=positions)
        joints.header.stamp = stamp
        self.joint_pub.publish(joints)
        for topic, xyz in runner.points().items():
            pose = PoseStamped()
            pose.header.stamp, pose.header.frame_id = stamp, self.frame_id
            p = pose.pose.position
            p.x, p.y, p.z = (float(v) for v in xyz)
            pose.pose.orientation.w = 1.0
            self.point_pubs[topic].publish(pose)
        if status:
            s = runner.state
            msg = EpisodeStatus(episode=s.episode, seed=s.seed, task=s.task, step=s.step,
                                coverage=float(s.success), max_coverage=float(s.success),
                                success=bool(s.success), done=bool(s.done))
            msg.header.stamp, msg.header.frame_id = stamp, self.frame_id
            self.status_pub.publish(msg)

    def close(self) -> None:
        self.runner.env.close()
