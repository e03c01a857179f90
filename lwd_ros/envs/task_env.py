# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What every lwd_ros sim env shares: named tasks, the render mode check, contract spaces.

The runner, the bridge, ``lwd collect`` and ``lwd eval`` read ``env.unwrapped.tasks``,
``task`` and ``check_task``, so a sim env only says which task names it has (``TASKS``, or
a ``tasks`` property where a config file holds them) and how its errors name the robot.
"""

from __future__ import annotations

import gymnasium as gym
from gymnasium import spaces
import numpy as np

from lwd_ros.contract import RobotContract


class TaskEnv(gym.Env):
    """A gymnasium env whose episodes are named tasks (module docstring).

    Subclasses set ``TASKS`` (or override ``tasks``), ``LABEL`` (errors say
    "unknown <LABEL> task") and ``self._task``.
    """

    metadata = {'render_modes': ['rgb_array']}
    TASKS: tuple[str, ...] = ()
    LABEL = ''
    _task = ''

    @property
    def tasks(self) -> tuple[str, ...]:
        """The task names this env can be reset to."""
        return self.TASKS

    @property
    def task(self) -> str:
        """The current task name."""
        return self._task

    def check_task(self, task: str) -> str:
        """``task`` if this env knows it; ValueError listing the valid tasks otherwise."""
        if task not in self.tasks:
            raise ValueError(f'unknown {self.LABEL} task {task!r}; valid tasks: '
                             f'{list(self.tasks)}')
        return task

    def check_render_mode(self, render_mode: str | None) -> str | None:
        """``render_mode`` if the env renders it (or None); ValueError otherwise."""
        if render_mode is not None and render_mode not in self.metadata['render_modes']:
            raise ValueError(f'{render_mode=} not in {self.metadata["render_modes"]}')
        return render_mode


def contract_spaces(contract: RobotContract) -> tuple[spaces.Box, spaces.Box]:
    """Action space (the commanded joints' limits) and observation space of a contract."""
    low = np.asarray(contract.command.low, np.float32)
    high = np.asarray(contract.command.high, np.float32)
    return (spaces.Box(low, high, (contract.act_dim,), np.float32),
            spaces.Box(-np.inf, np.inf, (len(contract.obs_names),), np.float64))
