# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""policy_generator: sample a policy for the current observation and task, publish its weights.

Observation topics follow the checkpoint's env spec (PushT shown):
Subscribes  /joint_states, /pusht/object_pose (observation), /lwd/task (TaskSwitch, latched),
            /pusht/episode (EpisodeStatus: a new episode triggers a fresh policy)
Publishes   /lwd/policy (lwd_ros/PolicyWeights, RELIABLE + TRANSIENT_LOCAL depth 1)
Parameters  the fields of ``lwd_ros.runtime.generator.GeneratorConfig``

Regenerates on ``lwd_ros.runtime.schedule.RegenerationSchedule`` (as ``lwd eval`` does):
every ``action_horizon`` policy steps (a timer at the policy rate on ROS time, so
``use_sim_time`` follows a faster-than-real-time sim), immediately on a task switch, and at
the start of every episode once an observation newer than the reset has arrived.
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
from lwd_ros.msg import EpisodeStatus, PolicyWeights, TaskSwitch
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import LATCHED, RELIABLE, SENSOR
from lwd_ros.ros.spin import run_node
from lwd_ros.runtime.generator import GeneratorConfig
from lwd_ros.runtime.loader import load_generator
from lwd_ros.runtime.observation import ObservationBuilder
from lwd_ros.runtime.policy_msg import fill_policy_msg
from lwd_ros.runtime.schedule import RegenerationSchedule


def stamp_ns(stamp) -> int:
    """A header stamp in integer ns; an invalid one (negative seconds) counts as 0."""
    if stamp.sec < 0 or not 0 <= stamp.nanosec < 1_000_000_000:
        return 0
    return Time.from_msg(stamp).nanoseconds


class PolicyGeneratorNode(Node):

    def __init__(self):
        super().__init__('policy_generator')
        cfg = declare_config(self, GeneratorConfig)
        path = resolve_path(cfg.checkpoint)
        self.generator = load_generator(path, backend=cfg.backend, sampler=cfg.sampler or None,
                                        num_steps=cfg.num_steps or None, seed=cfg.seed,
                                        noise_scale=cfg.noise_scale)
        self.spec = self.generator.meta.env
        self.warm_start = cfg.warm_start  # as `lwd eval --warm-start`: 0 = cold
        self.horizon = cfg.action_horizon or self.generator.default_horizon
        self.schedule = RegenerationSchedule(self.horizon)
        self.task = (self._valid_task(cfg.task) if cfg.task else None) or self.generator.tasks[0]
        self.obs = ObservationBuilder(self.spec)
        self.history = deque(maxlen=max(1, self.generator.obs_history))
        self.rng = np.random.default_rng(cfg.seed)
        self.generator_id = uuid.uuid4().hex[:12]
        self.generation = 0
        self.previous = None
        self.episode = 0
        # Stamps as integer ns of ROS time: rclpy refuses to compare a default Time()
        # (system clock) with one from a message (ROS clock).
        self._stamps = [0, 0]  # newest joint state, newest pose
        self._regen_after: int | None = 0  # generate once the first observation is in

        self.policy_pub = self.create_publisher(PolicyWeights, 'lwd/policy', LATCHED)
        for topic, kind in self.obs.topics.items():
            if kind == 'joints':
                self.create_subscription(JointState, topic, self.on_joints, SENSOR)
            else:
                self.create_subscription(PoseStamped, topic,
                                         lambda m, t=topic: self.on_pose(m, t), SENSOR)
        self.create_subscription(TaskSwitch, 'lwd/task', self.on_task, LATCHED)
        if self.spec.episode_topic:
            self.create_subscription(EpisodeStatus, self.spec.episode_topic, self.on_episode,
                                     RELIABLE)
        self.create_timer(1.0 / (cfg.policy_rate or self.spec.policy_rate), self.on_policy_step)
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
            self._stamps[0] = stamp_ns(msg.header.stamp)
            self._maybe_regenerate()

    def on_pose(self, msg: PoseStamped, topic: str) -> None:
        q = msg.pose.orientation
        if self.obs.update_pose(msg.pose.position.x, msg.pose.position.y,
                                (q.x, q.y, q.z, q.w), time.monotonic(), topic):
            self._stamps[1] = stamp_ns(msg.header.stamp)
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
            self._regen_after = stamp_ns(msg.header.stamp)

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
        self.schedule.step()
        if self.schedule.due and self._regen_after is None:
            self.publish_policy(obs)

    def publish_policy(self, obs: np.ndarray | None) -> None:
        if obs is None:
            return
        if not self.history or self.history[-1] is not obs:
            self.history.append(obs)
        gen = self.generator.generate(np.stack(self.history), self.task, self.rng,
                                      warm_start=self.previous, strength=self.warm_start,
                                      horizon=self.horizon)
        self.previous = gen
        self.schedule.generated()
        self.generation += 1
        msg = fill_policy_msg(
            PolicyWeights(), layer_sizes=gen.layer_sizes, weights=gen.weights,
            activation=gen.activation, task=gen.task, generation=self.generation,
            generator_id=self.generator_id, obs_names=self.generator.feature_names,
            action_names=self.spec.action_names, latent=gen.latent,
            valid_for_steps=self.horizon, latency_ms=gen.latency_s * 1e3)
        msg.header.stamp = self.get_clock().now().to_msg()
        self.policy_pub.publish(msg)
        self.get_logger().debug(f'generation {self.generation} for {gen.task!r} in '
                                f'{gen.latency_s * 1e3:.2f} ms')


def main(args=None) -> int:
    return run_node(PolicyGeneratorNode, args)


if __name__ == '__main__':
    sys.exit(main())
