# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A scripted planar2 expert: the task's inverse-kinematics solution, reached in joint space.

Each step the expert reads only the observation (joint positions and velocities, the target)
and the task: the closed-form IK of the two-link arm gives the joint angles that put the
fingertip on the target with the elbow bent the task's way, and the command is a joint
velocity proportional to the remaining error (``GAIN``), capped at ``MAX_SPEED``. Joint space,
not the fingertip's Cartesian error, because the two tasks differ only in the elbow: a
Cartesian controller would stop on whichever bend it started near. The cap stays under the
contract's 1 rad/s so an operator's drift on top is not clipped; the proportional tail brakes
the arm onto the target, which a velocity-commanded arm must do itself (a zero command stops
it; nothing holds a position for it). No hidden state: the same observation gives the same
action.
"""

from __future__ import annotations

import numpy as np

from lwd_ros.data.collection import roll_out
from lwd_ros.data.episode import Episode
from lwd_ros.envs.planar2.env import LINKS
from lwd_ros.envs.planar2.spec import ELBOW, MAX_EPISODE_STEPS

GAIN = 1.5  # 1/s: commanded joint velocity per rad of error
MAX_SPEED = 0.5  # rad/s: a 3 rad swing takes 60 of the 100 steps


def solve(target_xy: np.ndarray, elbow: int) -> np.ndarray:
    """Joint angles that put the fingertip on ``target_xy`` with the elbow's sign ``elbow``.

    A target out of reach gets the nearest reachable angles (the arm pointing at it).
    """
    a, b = LINKS
    x, y = target_xy
    c = np.clip((x * x + y * y - a * a - b * b) / (2 * a * b), -1.0, 1.0)
    q2 = elbow * np.arccos(c)
    q1 = np.arctan2(y, x) - np.arctan2(b * np.sin(q2), a + b * np.cos(q2))
    return np.array([(q1 + np.pi) % (2 * np.pi) - np.pi, q2])


def act(obs: np.ndarray, task: str) -> np.ndarray:
    """Joint velocities (2,) for an observation in the contract's order and a task."""
    obs = np.asarray(obs, np.float64)
    error = solve(obs[4:6], ELBOW[task]) - obs[:2]
    return np.clip(GAIN * error, -MAX_SPEED, MAX_SPEED)


def run_episode(env, task: str, seed: int, max_steps: int = MAX_EPISODE_STEPS,
                noise=None, operator=None) -> tuple[Episode, dict]:
    """Roll the expert out in a planar2 env from reset ``seed`` (``collection.roll_out``).

    An operator's pauses keep the last velocity.
    """
    return roll_out(env, lambda obs: act(obs, task), task, seed, max_steps, noise, operator)
