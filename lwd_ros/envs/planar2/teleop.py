# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The IK expert as ``expert_teleop`` drives it (``EnvSpec.teleop``): demonstrations over ROS.

The expert reads only the observation (joint positions, the target) and the task, and knows
the arm by its link lengths, so it drives the simulated arm and a real one alike.
"""

from __future__ import annotations

from lwd_ros.envs.planar2.expert import act
from lwd_ros.envs.planar2.spec import MAX_EPISODE_STEPS, POLICY_RATE, TASKS
from lwd_ros.envs.teleop import TeleopConfig, TeleopExpert


def teleop_expert(cfg: TeleopConfig) -> TeleopExpert:
    """The expert on the node's task, which follows the bridge's episodes."""
    current = {'task': cfg.task or TASKS[0]}

    def reset(task: str, seed: int | None) -> None:
        current['task'] = task or current['task']

    return TeleopExpert(reset=reset, act=lambda obs, vel: act(obs, current['task']),
                        max_steps=MAX_EPISODE_STEPS, rate=POLICY_RATE, name='IK expert')
