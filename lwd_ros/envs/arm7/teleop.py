# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The IK expert as ``expert_teleop`` drives it (``EnvSpec.teleop``): demonstrations over ROS.

The expert reads only the observation (joint positions, the puck) and the task's goal, with
its own copy of the arm's kinematics, so it drives the simulated arm and a real one alike.
"""

from __future__ import annotations

from lwd_ros.envs.arm7.env import build_model
from lwd_ros.envs.arm7.expert import Arm7Expert
from lwd_ros.envs.arm7.spec import GOALS, MAX_EPISODE_STEPS, POLICY_RATE, TASKS
from lwd_ros.envs.teleop import TeleopConfig, TeleopExpert


def teleop_expert(cfg: TeleopConfig) -> TeleopExpert:
    expert = Arm7Expert(build_model())
    goal = {'task': cfg.task or TASKS[0]}

    def reset(task: str, seed: int | None) -> None:
        goal['task'] = task or goal['task']

    return TeleopExpert(reset=reset, act=lambda obs, vel: expert.act(obs, GOALS[goal['task']]),
                        max_steps=MAX_EPISODE_STEPS, rate=POLICY_RATE, name='IK expert')
