# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""policy_generator: sample a policy for the current observation and task, publish its weights.

Observation topics follow the checkpoint's robot contract, relative to the node's namespace; with
``robots: N`` one generator serves ``/robot_0`` ... ``/robot_{N-1}`` (each robot's own
topics, task and schedule) and generates for all robots due at a policy step in one batched
diffusion call (``PolicyGenerator.generate_batch``):
Subscribes  the contract's observation topics (/joint_states, object poses), /lwd/task
            (TaskSwitch, latched), its episode topic (EpisodeStatus: a new episode
            triggers a fresh policy)
Publishes   /lwd/policy (lwd_ros/PolicyWeights, RELIABLE + TRANSIENT_LOCAL depth 1)
Parameters  the fields of ``lwd_ros.runtime.generator.GeneratorConfig``

Regenerates on ``lwd_ros.runtime.schedule.RegenerationSchedule`` (as ``lwd eval`` does):
every ``action_horizon`` policy steps (a timer at the policy rate on ROS time, so
``use_sim_time`` follows a faster-than-real-time sim), immediately on a task switch, and at
the start of every episode once an observation newer than the reset has arrived.
"""

from __future__ import annotations

from collections import OrderedDict, deque
import sys
import uuid

import numpy as np
from rclpy.node import Node
from rclpy.time import Time

from lwd_ros.config import resolve_path
from lwd_ros.msg import EpisodeStatus, PolicyWeights, TaskSwitch
from lwd_ros.ros.observation_topics import subscribe_observation
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import LATCHED, RELIABLE
from lwd_ros.ros.spin import print_help, run_node, wants_help
from lwd_ros.runtime.generator import GeneratorConfig, check_robot
from lwd_ros.runtime.loader import load_generator
from lwd_ros.runtime.observation import ObservationBuilder
from lwd_ros.runtime.policy_msg import fill_policy_msg
from lwd_ros.runtime.schedule import RegenerationSchedule
from lwd_ros.runtime.training_range import outside, widened

SNAPSHOTS = 32  # complete observations kept by stamp (1.6 s at 20 Hz)


def stamp_ns(stamp) -> int:
    """A header stamp in integer ns; an invalid one (negative seconds) counts as 0."""
    if stamp.sec < 0 or not 0 <= stamp.nanosec < 1_000_000_000:
        return 0
    return Time.from_msg(stamp).nanoseconds


class RobotSlot:
    """One robot the generator serves: its observation, schedule, task and publisher."""

    def __init__(self, node: Node, prefix: str, seed: int):
        g = node.generator
        self.node, self.prefix = node, prefix
        self.obs = ObservationBuilder(node.contract)
        self.history: deque = deque(maxlen=max(1, g.obs_history))
        self.schedule = RegenerationSchedule(node.horizon)
        self.task = node.initial_task
        self.rng = np.random.default_rng(seed)
        self.generation, self.previous, self.episode = 0, None, 0
        # Stamps as integer ns of ROS time: rclpy refuses to compare a default Time()
        # (system clock) with one from a message (ROS clock).
        self.stamps = {topic: 0 for topic in self.obs.topics}  # newest of each topic
        self.regen_after: int | None = 0  # generate once the first observation is in
        # Recent complete observations by their common stamp: an episode's first state is
        # still at hand when its marker arrives after it (markers are reliable, states best
        # effort, and a robot already moving under the last policy does not wait).
        self.snapshots: OrderedDict[int, np.ndarray] = OrderedDict()

        def name(topic: str) -> str:  # a fleet namespaces every robot topic
            return prefix + topic.lstrip('/') if prefix else topic
        self.pub = node.create_publisher(PolicyWeights, name('lwd/policy'), LATCHED)
        subscribe_observation(node, self.obs, self.on_observation, name=name)
        node.create_subscription(TaskSwitch, name('lwd/task'), self.on_task, LATCHED)
        if node.contract.episode_topic:
            node.create_subscription(EpisodeStatus, name(node.contract.episode_topic),
                                     self.on_episode, RELIABLE)

    def on_observation(self, topic: str, msg) -> None:
        # A header-less message (a Float64MultiArray vector) is as new as its arrival.
        self.stamps[topic] = (stamp_ns(msg.header.stamp) if hasattr(msg, 'header')
                              else self.node.get_clock().now().nanoseconds)
        stamps = set(self.stamps.values())
        if len(stamps) == 1 and (obs := self.obs.observation()) is not None:
            self.snapshots[stamps.pop()] = obs  # observation() builds a new array
            while len(self.snapshots) > SNAPSHOTS:
                self.snapshots.popitem(last=False)
        self.maybe_regenerate()

    def on_task(self, msg: TaskSwitch) -> None:
        task = self.node.valid_task(msg.task)
        if task and task != self.task:
            self.node.get_logger().info(f'{self.prefix}task switch {self.task!r} -> {task!r}')
            self.task = task
            self.regen_after = 0  # any observation will do: react at once, with the one
            self.maybe_regenerate()  # already held (none yet: with the first to arrive)

    def on_episode(self, msg: EpisodeStatus) -> None:
        if msg.episode != self.episode:
            self.episode = msg.episode
            self.history.clear()
            self.regen_after = stamp_ns(msg.header.stamp)
            self.maybe_regenerate()  # from the episode's first state, if it came first

    def maybe_regenerate(self) -> None:
        """Episode starts and task switches: generate at once, for this robot alone."""
        if self.regen_after is None:
            return
        # The state the episode started in, where it went by already (a whole-episode model
        # is conditioned on exactly that one); else the first complete one from now on.
        obs = self.snapshots.get(self.regen_after)
        if obs is None and min(self.stamps.values()) >= self.regen_after:
            obs = self.obs.observation()  # None until every observation topic has arrived
        if obs is not None:
            self.regen_after = None
            self.node.publish_policies([self], [obs])

    def step(self) -> np.ndarray | None:
        """One policy step; the observation if a regeneration is due now, else None."""
        obs = self.obs.observation()
        if obs is None:
            return None
        self.history.append(obs)
        self.schedule.step()
        return obs if self.schedule.due and self.regen_after is None else None


class PolicyGeneratorNode(Node):

    def __init__(self):
        super().__init__('policy_generator')
        cfg = declare_config(self, GeneratorConfig)
        path = resolve_path(cfg.checkpoint)
        self.generator = load_generator(path, backend=cfg.backend, device=cfg.device,
                                        sampler=cfg.sampler or None,
                                        num_steps=cfg.num_steps or None, seed=cfg.seed,
                                        noise_scale=cfg.noise_scale)
        self.contract = self.generator.meta.robot
        check_robot(self.contract, cfg.robot)
        meta = self.generator.meta
        self.bounds = widened(meta.obs_low, meta.obs_high, self.contract.obs_resolution())
        self.warm_start = cfg.warm_start  # as `lwd eval --warm-start`: 0 = cold
        self.horizon = cfg.action_horizon or self.generator.default_horizon
        self.initial_task = ((self.valid_task(cfg.task) if cfg.task else None)
                             or self.generator.tasks[0])
        self.generator_id = uuid.uuid4().hex[:12]
        # One robot in this node's namespace, or a fleet: /robot_0 ... /robot_{N-1}.
        prefixes = [''] if cfg.robots == 0 else [f'/robot_{i}/' for i in range(cfg.robots)]
        self.slots = [RobotSlot(self, p, cfg.seed + 1000 * i) for i, p in enumerate(prefixes)]
        rate = cfg.policy_rate or self.contract.policy_rate
        self.create_timer(1.0 / rate, self.on_policy_step)
        self.get_logger().info(
            f'{self.generator.backend} generator from {path}: tasks {list(self.generator.tasks)}'
            f', policy {self.generator.deployed_layer_sizes} ({self.generator.num_params} '
            'params, as the controller runs it), '
            f'sampler {self.generator.plan.name}, horizon {self.horizon}'
            + (f', serving {cfg.robots} robots' if cfg.robots else ''))

    def valid_task(self, task: str) -> str | None:
        if task in self.generator.tasks:
            return task
        self.get_logger().error(
            f'unknown task {task!r}; valid tasks: {list(self.generator.tasks)}')
        return None

    def on_policy_step(self) -> None:
        """Step every robot's schedule; generate for all that are due in one batch."""
        due = [(slot, obs) for slot in self.slots if (obs := slot.step()) is not None]
        if due:
            self.publish_policies(*map(list, zip(*due)))

    def publish_policies(self, slots: list[RobotSlot], observations: list[np.ndarray]) -> None:
        for obs in observations:
            names = outside(obs, self.bounds, self.contract.obs_names)
            if names:  # generated anyway: nothing better to run, but say what is unusual
                self.get_logger().warning(
                    f'generating from inputs outside the training range: {" ".join(names)}',
                    throttle_duration_sec=5.0)
        for slot, obs in zip(slots, observations):
            if not slot.history or slot.history[-1] is not obs:
                slot.history.append(obs)
        if self.warm_start > 0.0:  # warm starts are per robot (each from its own previous)
            gens = [self.generator.generate(np.stack(s.history), s.task, s.rng,
                                            warm_start=s.previous, strength=self.warm_start,
                                            horizon=self.horizon) for s in slots]
        else:
            gens = self.generator.generate_batch([np.stack(s.history) for s in slots],
                                                 [s.task for s in slots],
                                                 [s.rng for s in slots], self.horizon)
        stamp = self.get_clock().now().to_msg()
        for slot, gen in zip(slots, gens):
            slot.previous = gen
            slot.schedule.generated()
            slot.generation += 1
            msg = fill_policy_msg(
                PolicyWeights(), layer_sizes=gen.layer_sizes, weights=gen.weights,
                activation=gen.activation, task=gen.task, generation=slot.generation,
                generator_id=self.generator_id, obs_names=self.generator.feature_names,
                action_names=self.contract.action_names, latent=gen.latent,
                valid_for_steps=self.horizon, latency_ms=gen.latency_s * 1e3,
                obs_low=self.generator.meta.obs_low, obs_high=self.generator.meta.obs_high)
            msg.header.stamp = stamp
            slot.pub.publish(msg)


def main(args=None) -> int:
    if wants_help(args):
        return print_help(__doc__, 'policy_generator', [GeneratorConfig])
    return run_node(PolicyGeneratorNode, args)


if __name__ == '__main__':
    sys.exit(main())
