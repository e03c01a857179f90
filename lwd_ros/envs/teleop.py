# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""An env's expert as a teleoperator: what the ``expert_teleop`` node needs of it.

The node is the same for every env: it reads the robot through the spec's observation
topics, asks the expert for an action each policy step and publishes it as the spec's
command. Each env says how its expert is built (``EnvSpec.teleop``), so recording
demonstrations over ROS is one function per env, not one node per env.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lwd_ros.config import check
from lwd_ros.data.operator import Operator


@dataclass
class TeleopConfig:
    """The ``expert_teleop`` node's parameters (an env's expert driving a sim or robot).

    Args:
        robot: the sim robot whose expert drives (its spec's ``teleop``), and whose topics
            it uses. No default: an expert for another robot would command wrong joints.
        env_config: the env's YAML (goal poses, policy period), as the bridge's; '' = the
            env's default.
        expert_config: the expert's YAML; '' = the env's default.
        task: task until the bridge announces an episode; '' = the env's first.
        seed: the expert's sampling seed.
        obs_timeout: seconds (wall) of silent inputs after which the expert stops commanding.
        min_command_listeners: send the first command only once this many nodes listen
            (2 = bridge + recorder: no recording loses an episode start).
        action_noise: DART over ROS: std (action units) of correlated noise on the executed
            command; the clean target goes to ``lwd/intended_command``, which the recorder
            keeps and ``lwd bag2dataset`` learns from. The noise of an episode is drawn from
            its seed exactly as ``lwd collect --action-noise`` draws it. 0: off.
        noise_correlation: AR(1) coefficient of that noise.
        operator_drift: a human-like operator (``lwd_ros.data.operator.Operator``): std
            (command units) of a slow AR(1) wander on the executed command, which is what
            the bag records (unlike DART, nothing cleaner is published): a lab's own bag
            (issue 33). An episode's wander and pauses are drawn from its seed exactly as
            ``lwd collect --operator-drift`` draws them. 0: off.
        operator_smoothness: the wander's AR(1) coefficient (0.95: ~20 steps, as
            ``lwd collect``).
        operator_hesitation: probability per policy step that the operator pauses, holding
            the last command for 3-10 steps. 0: never.
    """

    robot: str = ''
    env_config: str = ''
    expert_config: str = ''
    task: str = ''
    seed: int = 0
    obs_timeout: float = 0.5
    min_command_listeners: int = 1
    action_noise: float = 0.0
    noise_correlation: float = 0.7
    operator_drift: float = 0.0
    operator_smoothness: float = 0.95
    operator_hesitation: float = 0.0

    def __post_init__(self):
        check(bool(self.robot), 'robot', self.robot, 'must name the sim robot whose expert '
              'drives (a shipped sim plugin)')
        check(self.operator_drift >= 0, 'operator_drift', self.operator_drift,
              'must be >= 0 (0: off)')
        check(0 <= self.operator_smoothness < 1, 'operator_smoothness',
              self.operator_smoothness, 'must be in [0, 1)')
        check(0 <= self.operator_hesitation < 1, 'operator_hesitation',
              self.operator_hesitation, 'must be in [0, 1) (0: never)')

    def operator(self) -> Operator | None:
        """The simulated human between the expert and the robot, or None when off."""
        op = Operator(drift=self.operator_drift, smoothness=self.operator_smoothness,
                      hesitation=self.operator_hesitation)
        return op if op.active else None


@dataclass
class TeleopExpert:
    """An env's expert, reduced to what a teleoperator does with it.

    Args:
        reset: ``(task, seed)``: a new episode (seed None: keep sampling where it was).
        act: ``(observation, velocities of the observed joints) -> action``.
        max_steps: policy steps of an episode (the DART noise sequence's length).
        rate: policy steps per second (logged).
        name: what the log calls it.
    """

    reset: Callable[[str, int | None], None]
    act: Callable[[np.ndarray, np.ndarray], np.ndarray]
    max_steps: int
    rate: float
    name: str = 'expert'
