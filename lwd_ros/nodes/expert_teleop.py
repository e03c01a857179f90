# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""expert_teleop: an env's expert as a teleoperator on the robot's own command topic.

Topics follow the robot contract of the sim plugin named by ``robot`` (its expert is
``EnvSpec.teleop``):
Subscribes  the contract's observation topics (joint positions and velocities, object poses),
            its episode topic (EpisodeStatus: a new episode resets the expert with its seed
            and task), /lwd/task (TaskSwitch, latched)
Publishes   the contract's command once per policy step: on every EpisodeStatus, which the
            bridge publishes each step (no timer: a sim paused until its first command must
            not wait on a clock that only it advances); with ``action_noise`` (DART) the
            command carries the noise and /lwd/intended_command the expert's clean target;
            with ``operator_drift``/``operator_hesitation`` a simulated human sits between
            the expert and the robot (slow wander, pauses) and the command it executes is
            all there is to record, as in a lab's own bag
Parameters  the fields of ``lwd_ros.envs.teleop.TeleopConfig``

It sees exactly what a human with a joystick, or the LWD controller, would see and command,
so a recording of these topics is a demonstration in the deployment's own format.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from rclpy.node import Node
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray

from lwd_ros.data.action_noise import ActionNoise
from lwd_ros.envs import env_hook, get_spec
from lwd_ros.envs.teleop import TeleopConfig
from lwd_ros.msg import EpisodeStatus, TaskSwitch
from lwd_ros.ros.commands import CommandPublisher
from lwd_ros.ros.observation_topics import subscribe_observation
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import LATCHED, RELIABLE, SENSOR
from lwd_ros.ros.spin import print_help, run_node, wants_help
from lwd_ros.runtime.observation import ObservationBuilder


class ExpertTeleop(Node):

    def __init__(self, **kwargs):
        super().__init__('expert_teleop', **kwargs)
        cfg = declare_config(self, TeleopConfig)
        sim = get_spec(cfg.robot)
        robot = sim.contract
        self.expert = env_hook(sim, 'teleop')(cfg)
        self.obs = ObservationBuilder(robot)
        self.joint_names = tuple(j for b in robot.observation if b.kind == 'joints'
                                 for j in b.joints)
        self.velocity = np.zeros(len(self.joint_names))
        self.obs_timeout = cfg.obs_timeout
        self.episode = 0
        self.active = True
        # With a recorder in the graph (2 = bridge + recorder), the first command, which
        # starts a waiting sim, is sent only once the recording listens: no lost episode start.
        self.min_listeners = cfg.min_command_listeners
        self.noise = (ActionNoise(cfg.action_noise, cfg.noise_correlation)
                      if cfg.action_noise > 0 else None)
        self.low, self.high = np.array(robot.command.low), np.array(robot.command.high)
        self.offsets = self._offsets(cfg.seed)
        self.step = 0
        # The human: its episode (a function of the seed, as lwd collect's) steps once per
        # policy step commanded; a repeated step repeats its command.
        self.operator = cfg.operator()
        self.hand = self._hand(cfg.seed)
        self.hand_command: tuple[int, np.ndarray] | None = None

        self.command = CommandPublisher(self, robot.command, period=1.0 / robot.policy_rate)
        self.intended_pub = (self.create_publisher(Float64MultiArray, 'lwd/intended_command',
                                                   SENSOR) if self.noise else None)
        subscribe_observation(self, self.obs, on_update=self.on_observation)
        self.create_subscription(EpisodeStatus, robot.episode_topic, self.on_episode, RELIABLE)
        self.create_subscription(TaskSwitch, 'lwd/task', self.on_task, LATCHED)
        self.get_logger().info(f'{self.expert.name} teleop ({robot.name}) at '
                               f'{self.expert.rate:g} Hz')

    def on_observation(self, topic: str, msg) -> None:
        if isinstance(msg, JointState) and msg.velocity:
            lookup = dict(zip(msg.name, msg.velocity))
            self.velocity = np.array([lookup.get(n, 0.0) for n in self.joint_names])

    def _offsets(self, seed: int) -> np.ndarray | None:
        """An episode's DART noise, the same sequence ``lwd collect`` draws for its seed."""
        if self.noise is None:
            return None
        return self.noise.sequence(np.random.default_rng([seed, 1]), self.expert.max_steps,
                                   len(self.low))

    def _hand(self, seed: int):
        """An episode's operator, the same ``lwd collect --operator-*`` draws for its seed."""
        return self.operator.episode(seed, len(self.low)) if self.operator else None

    def on_episode(self, msg: EpisodeStatus) -> None:
        if msg.episode != self.episode:
            if self.hand is not None and self.hand.pauses:
                self.get_logger().info(f'episode {self.episode}: operator paused '
                                       f'{self.hand.pauses} times')
            self.episode = msg.episode
            self.expert.reset(msg.task, msg.seed)
            self.offsets = self._offsets(msg.seed)
            self.hand, self.hand_command = self._hand(msg.seed), None
        self.active, self.step = not msg.done, msg.step  # between episodes: stop commanding
        self.on_policy_step()

    def on_task(self, msg: TaskSwitch) -> None:
        try:
            self.expert.reset(msg.task, None)
        except ValueError as e:
            self.get_logger().error(str(e))

    def on_policy_step(self) -> None:
        obs = self.obs.observation()
        if obs is None or not self.active:
            return
        listeners = self.command.pub.get_subscription_count()
        if self.min_listeners and listeners < self.min_listeners:
            self.get_logger().info(f'waiting for {self.min_listeners} command listeners',
                                   throttle_duration_sec=2.0)
            return
        self.min_listeners = 0  # from now on command regardless (a recorder may restart)
        if max(self.obs.ages(time.monotonic())) > self.obs_timeout:
            self.get_logger().warning('stale observation: not commanding',
                                      throttle_duration_sec=2.0)
            return
        target = self.expert.act(obs, self.velocity)
        if self.hand is not None:  # what the operator does with what the expert means
            if self.hand_command is None or self.hand_command[0] != self.step:
                self.hand_command = (self.step, np.clip(self.hand.step(target), self.low,
                                                        self.high))
            target = self.hand_command[1]
        executed = target
        if self.offsets is not None:
            # Published first: the recorder's newest intended command at a step is this one.
            self.intended_pub.publish(Float64MultiArray(data=[float(v) for v in target]))
            offset = self.offsets[min(self.step, len(self.offsets) - 1)]
            executed = np.clip(target + offset, self.low, self.high)
        self.command.publish(executed)


def main(args=None) -> int:
    if wants_help(args):
        return print_help(__doc__, 'expert_teleop', [TeleopConfig])
    return run_node(ExpertTeleop, args)


if __name__ == '__main__':
    sys.exit(main())
