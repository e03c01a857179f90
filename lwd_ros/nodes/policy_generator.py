# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""policy_generator: sample a policy for the current observation and task, publish its weights.

Subscribes  /joint_states, /pusht/object_pose (observation), /lwd/task (TaskSwitch, latched),
            /pusht/episode (EpisodeStatus: a new episode triggers a fresh policy)
Publishes   /lwd/policy (lwd_ros/PolicyWeights, RELIABLE + TRANSIENT_LOCAL depth 1)

Regenerates every ``action_horizon`` policy steps (a timer at ``policy_rate`` on ROS time,
so ``use_sim_time`` follows a faster-than-real-time sim), immediately on a task switch, and
at the start of every episode once an observation newer than the reset has arrived.
"""

from __future__ import annotations

from collections import deque
import sys
import time
import uuid

from geometry_msgs.msg import PoseStamped
import numpy as np
from rclpy.node import Node
from rclpy.time import Time
from sensor_msgs.msg import JointState

from lwd_ros.config import resolve_path
from lwd_ros.control.observation import ObservationBuilder
from lwd_ros.msg import EpisodeStatus, PolicyWeights, TaskSwitch
from lwd_ros.policy.generator import PolicyGenerator
from lwd_ros.ros.convert import fill_policy_msg
from lwd_ros.ros.qos import LATCHED, RELIABLE, SENSOR
from lwd_ros.ros.spin import run_node


class PolicyGeneratorNode(Node):

    def __init__(self):
        super().__init__('policy_generator')
        self.declare_parameter('checkpoint', 'models/pusht')
        self.declare_parameter('backend', 'auto')
        self.declare_parameter('sampler', '')
        self.declare_parameter('num_steps', 0)
        self.declare_parameter('warm_start', 0.0)
        self.declare_parameter('seed', 0)
        self.declare_parameter('task', 'classic')
        self.declare_parameter('action_horizon', 0)  # 0: the checkpoint's trained horizon
        self.declare_parameter('policy_rate', 10.0)
        self.declare_parameter('joint_names', ['gantry_x', 'gantry_y'])
        p = self.get_parameter
        kwargs = {'sampler': p('sampler').value or None, 'num_steps': p('num_steps').value or None,
                  'seed': p('seed').value}
        path = resolve_path(p('checkpoint').value)
        self.generator = PolicyGenerator.load(path, backend=p('backend').value, **kwargs)
        self.warm_start = p('warm_start').value  # as `lwd eval --warm-start`: 0 = cold
        if not 0.0 <= self.warm_start <= 1.0:
            raise ValueError(f'warm_start must be in [0, 1], got {self.warm_start}')
        self.horizon = p('action_horizon').value or self.generator.default_horizon
        if self.horizon < 1:
            raise ValueError(f'action_horizon must be >= 1 (0 = trained), got {self.horizon}')
        self.task = self._valid_task(p('task').value) or self.generator.tasks[0]
        self.obs = ObservationBuilder(p('joint_names').value)
        self.history = deque(maxlen=max(1, self.generator.obs_history))
        self.rng = np.random.default_rng(p('seed').value)
        self.generator_id = uuid.uuid4().hex[:12]
        self.generation = 0
        self.steps_since = 0
        self.previous = None
        self.episode = 0
        # Stamps as integer ns of ROS time: rclpy refuses to compare a default Time()
        # (system clock) with one from a message (ROS clock).
        self._stamps = [0, 0]  # newest joint state, newest pose
        self._regen_after: int | None = 0  # generate once the first observation is in

        self.policy_pub = self.create_publisher(PolicyWeights, '/lwd/policy', LATCHED)
        self.create_subscription(JointState, '/joint_states', self.on_joints, SENSOR)
        self.create_subscription(PoseStamped, '/pusht/object_pose', self.on_pose, SENSOR)
        self.create_subscription(TaskSwitch, '/lwd/task', self.on_task, LATCHED)
        self.create_subscription(EpisodeStatus, '/pusht/episode', self.on_episode, RELIABLE)
        self.create_timer(1.0 / p('policy_rate').value, self.on_policy_step)
        self.get_logger().info(
            f'{self.generator.backend} generator from {path}: tasks {list(self.generator.tasks)}'
            f', policy {self.generator.layer_sizes} ({self.generator.num_params} params), '
            f'sampler {self.generator.plan.name}, horizon {self.horizon}')

    def _valid_task(self, task: str) -> str | None:
        if task in self.generator.tasks:
            return task
        self.get_logger().error(
            f'unknown task {task!r}; valid tasks: {list(self.generator.tasks)}')
        return None

    def on_joints(self, msg: JointState) -> None:
        if self.obs.update_joints(msg.name, msg.position, time.monotonic()):
            self._stamps[0] = Time.from_msg(msg.header.stamp).nanoseconds
            self._maybe_regenerate()

    def on_pose(self, msg: PoseStamped) -> None:
        q = msg.pose.orientation
        self.obs.update_pose(msg.pose.position.x, msg.pose.position.y, (q.x, q.y, q.z, q.w),
                             time.monotonic())
        self._stamps[1] = Time.from_msg(msg.header.stamp).nanoseconds
        self._maybe_regenerate()

    def on_task(self, msg: TaskSwitch) -> None:
        task = self._valid_task(msg.task)
        if task and task != self.task:
            self.get_logger().info(f'task switch {self.task!r} -> {task!r}')
            self.task = task
            self._regen_after = 0  # any observation will do: react at once

    def on_episode(self, msg: EpisodeStatus) -> None:
        if msg.episode != self.episode:
            self.episode = msg.episode
            self.history.clear()
            self._regen_after = Time.from_msg(msg.header.stamp).nanoseconds

    def _maybe_regenerate(self) -> None:
        if self._regen_after is None or min(self._stamps) < self._regen_after:
            return
        obs = self.obs.observation()  # None until both joint state and pose have arrived
        if obs is not None:
            self._regen_after = None
            self.publish_policy(obs)

    def on_policy_step(self) -> None:
        obs = self.obs.observation()
        if obs is None:
            return
        self.history.append(obs)
        self.steps_since += 1
        if self.steps_since >= self.horizon and self._regen_after is None:
            self.publish_policy(obs)

    def publish_policy(self, obs: np.ndarray | None) -> None:
        if obs is None:
            return
        if not self.history or self.history[-1] is not obs:
            self.history.append(obs)
        gen = self.generator.generate(np.stack(self.history), self.task, self.rng,
                                      warm_start=self.previous, strength=self.warm_start,
                                      horizon=self.horizon)
        self.previous, self.steps_since = gen, 0
        self.generation += 1
        msg = fill_policy_msg(
            PolicyWeights(), layer_sizes=gen.layer_sizes, weights=gen.weights,
            activation=gen.activation, task=gen.task, generation=self.generation,
            generator_id=self.generator_id, obs_names=self.generator.feature_names,
            action_names=self.obs.joint_names, latent=gen.latent,
            valid_for_steps=self.horizon, latency_ms=gen.latency_s * 1e3)
        msg.header.stamp = self.get_clock().now().to_msg()
        self.policy_pub.publish(msg)
        self.get_logger().debug(f'generation {self.generation} for {gen.task!r} in '
                                f'{gen.latency_s * 1e3:.2f} ms')


def main(args=None) -> int:
    return run_node(PolicyGeneratorNode, args)


if __name__ == '__main__':
    sys.exit(main())
