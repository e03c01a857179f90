# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT's physical and episode parameters (``config/pusht_env.yaml``): plain data, no MuJoCo.

Kept apart from the simulator so the sim plugin, the data tools and the ROS nodes can read the
tasks and rates without importing mujoco.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
import math

from lwd_ros.config import load_config, resolve_path

DEFAULT_CONFIG = 'config/envs/pusht.yaml'

# Named goal poses (x, y, yaw) of the T body frame: the tasks. ``classic`` is the original
# PushT goal (256, 256, pi/4) px; the others move and turn it so a policy must read the task.
TASKS: dict[str, tuple[float, float, float]] = {
    'classic': (0.256, 0.256, math.pi / 4),
    'goal_left': (0.128, 0.268, -math.pi / 4),
    'goal_right': (0.350, 0.265, math.pi),
}


@dataclass
class PushTConfig:
    """Physical and episode parameters of PushT (``config/pusht_env.yaml``).

    Args:
        timestep: physics step in seconds (the original steps pymunk at 100 Hz).
        frame_skip: physics steps per env step; ``timestep * frame_skip`` = 0.1 s is the
            original 10 Hz policy rate.
        max_episode_steps: env steps before truncation (registration default).
        success_threshold: coverage above which the episode succeeds (0.95 as the original).
        pusher_kp: servo stiffness per unit pusher mass, 1/s^2 (the original PD ``k_p``).
        pusher_kv: servo damping per unit pusher mass, 1/s (the original PD ``k_v``).
        pusher_mass: moving mass of the gantry in kg; large against the block so contact
            barely slows it, as the original kinematic agent is not slowed at all.
        block_mass: T mass in kg (1, as the original; only ratios to ``block_inertia`` matter).
        block_inertia: T yaw inertia about its centre of gravity, kg m^2 (the original's
            3000 px^2 per unit mass, which double-counts the crossbar; kept for fidelity).
        block_damping: velocity decay rate of the block in 1/s (quasi-static pushing).
        agent_init_low: lower corner of the uniform pusher reset box, metres.
        agent_init_high: upper corner of the pusher reset box.
        block_init_low: lower corner of the block-origin reset box (yaw is uniform).
        block_init_high: upper corner of the block-origin reset box.
        reset_clearance: minimum gap (m) between the pusher disc and the T at reset.
        tasks: task name -> goal pose ``[x, y, yaw]`` of the T body frame.
        default_task: task used when ``reset`` gets none.
        render_width: pixels of ``render()`` frames.
        render_height: pixels of ``render()`` frames.
    """

    timestep: float = 0.01
    frame_skip: int = 10
    max_episode_steps: int = 300
    success_threshold: float = 0.95
    pusher_kp: float = 100.0
    pusher_kv: float = 20.0
    pusher_mass: float = 100.0
    block_mass: float = 1.0
    block_inertia: float = 0.003
    block_damping: float = 100.0
    agent_init_low: tuple[float, float] = (0.05, 0.05)
    agent_init_high: tuple[float, float] = (0.45, 0.45)
    block_init_low: tuple[float, float] = (0.1, 0.1)
    block_init_high: tuple[float, float] = (0.4, 0.4)
    reset_clearance: float = 0.005
    tasks: dict[str, tuple[float, float, float]] = field(default_factory=lambda: dict(TASKS))
    default_task: str = 'classic'
    render_width: int = 512
    render_height: int = 512

    def __post_init__(self):
        self.tasks = {str(k): tuple(float(x) for x in v) for k, v in self.tasks.items()}
        for name, pose in self.tasks.items():
            if len(pose) != 3:
                raise ValueError(f'task {name!r}: goal pose must be [x, y, yaw], got {pose}')
        if self.default_task not in self.tasks:
            raise ValueError(f'{self.default_task=} is not one of {sorted(self.tasks)}')
        if self.timestep <= 0 or self.frame_skip < 1:
            raise ValueError(f'{self.timestep=} must be > 0 and {self.frame_skip=} >= 1')
        if min(self.pusher_mass, self.block_mass, self.block_inertia, self.block_damping) <= 0:
            raise ValueError('masses, inertia and damping must be positive')

    @property
    def control_dt(self) -> float:
        """Seconds per env (policy) step."""
        return self.timestep * self.frame_skip


def load_pusht_config(path: str | None = DEFAULT_CONFIG,
                      overrides: Sequence[str] = ()) -> PushTConfig:
    """Load the shipped (or a given) PushT YAML; fall back to defaults if it is not installed."""
    if path is not None and not resolve_path(path).is_file() and path == DEFAULT_CONFIG:
        path = None
    return load_config(PushTConfig, path, overrides)


def task_poses(path: str | None = DEFAULT_CONFIG,
               overrides: Sequence[str] = ()) -> dict[str, tuple[float, float, float]]:
    """The goal pose of each task (``EnvSpec.task_poses``: what datasets store per task)."""
    return dict(load_pusht_config(path or DEFAULT_CONFIG, overrides).tasks)
