# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A scripted arm7 expert: Cartesian waypoints for the pusher, joint targets by damped IK.

Each step the expert reads only the observation (joint positions, puck) and the task's goal:

1. **Approach**: lift the pusher to ``Z_HIGH`` (above the puck), move it over the point
   ``BEHIND`` m behind the puck on the goal line, then lower it to ``Z_PUSH``.
2. **Push**: once low, behind the puck and on its goal line, drive the U's cross-bar to the
   point where the puck, cradled in the U, sits on the goal; the target follows the puck,
   so the push corrects itself when the puck drifts sideways. A puck lost from the U sends
   the expert back to 1.

The pusher's Cartesian target moves at most ``STEP`` m per policy step (``PUSH_STEP`` while
pushing). The U is kept pointing along the goal line: the IK task is the cross-bar site's
position plus, at weight ``HEADING_WEIGHT``, the (x, y) of the site where the U opens
(the 7th DoF is left to the damping). A few damped least-squares iterations on MuJoCo's
site Jacobians (``mj_jacSite``) from the measured joint positions give the joint position
target, clipped to the contract's limits. No hidden state: the same observation gives the
same action.
"""

from __future__ import annotations

import mujoco
import numpy as np

from lwd_ros.data.collection import roll_out
from lwd_ros.data.episode import Episode
from lwd_ros.envs.arm7.env import PUCK_HALF_HEIGHT, TABLE_Z
from lwd_ros.envs.arm7.spec import ARM7, GOALS, JOINTS, MAX_EPISODE_STEPS

Z_PUSH = TABLE_Z + PUCK_HALF_HEIGHT + 0.01  # m: cross-bar height while pushing
Z_HIGH = TABLE_Z + 2 * PUCK_HALF_HEIGHT + 0.17  # m: a tilted, rolled U clears the puck
CONTACT = 0.07  # m: cross-bar to puck centre with the puck against the bar (0.05 + 0.02)
BEHIND = 0.12   # m: where the bar descends (clears the puck by 5 cm; prongs straddle it)
STEP = 0.03     # m per policy step while approaching
PUSH_STEP = 0.015  # m per policy step while pushing
ALIGN = 0.025   # m: lateral offset from the goal line that still counts as aligned
HEADING_WEIGHT = 0.5
FLAT_WEIGHT = 0.15
DAMPING = 1e-3
IK_ITERS = 10
MAX_DQ = 0.25   # rad per IK iteration


class Arm7Expert:
    """``act(obs, goal) -> joint targets`` (module docstring); owns a scratch ``MjData``.

    Args:
        model: the env's ``MjModel`` (for kinematics only).
    """

    def __init__(self, model: mujoco.MjModel):
        self.model, self.data = model, mujoco.MjData(model)
        self._qadr = np.array([model.joint(j).qposadr[0] for j in JOINTS])
        self._vadr = np.array([model.joint(j).dofadr[0] for j in JOINTS])
        self._sites = [model.site(n).id for n in ('pusher', 'pusher_front', 'pusher_side')]
        self._jac = np.zeros((3, 3, model.nv))
        self.low = np.asarray(ARM7.command.low)
        self.high = np.asarray(ARM7.command.high)
        self.phase = 'approach'  # for inspection only: act() does not read it

    def _kinematics(self, q: np.ndarray) -> np.ndarray:
        """World positions (3, 3) of the bar, front and side sites at joint positions q."""
        self.data.qpos[self._qadr] = q
        mujoco.mj_kinematics(self.model, self.data)
        mujoco.mj_comPos(self.model, self.data)
        return self.data.site_xpos[self._sites].copy()

    def waypoint(self, bar: np.ndarray, puck: np.ndarray, goal: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
        """The cross-bar's next target (3,) and the push direction (2,) (unit)."""
        to_goal = goal - puck
        dist = np.linalg.norm(to_goal)
        u = to_goal / dist if dist > 1e-6 else np.array([1.0, 0.0])
        n = np.array([-u[1], u[0]])
        rel = puck - bar[:2]
        along, lateral = rel @ u, rel @ n
        low = bar[2] < Z_PUSH + 0.03
        if low and abs(lateral) < ALIGN and CONTACT - 0.02 < along < BEHIND + 0.04:
            self.phase = 'push'
            target = np.r_[goal - CONTACT * u, Z_PUSH]
            target[:2] += lateral * n  # pull back onto the line through the puck
            step = PUSH_STEP
        else:
            behind = puck - BEHIND * u
            off = np.linalg.norm(bar[:2] - behind)
            if off < 0.03:
                self.phase, target = 'descend', np.r_[behind, Z_PUSH]
            elif low and off > 0.05:
                self.phase, target = 'lift', np.r_[bar[:2], Z_HIGH]
            else:
                self.phase, target = 'approach', np.r_[behind, Z_HIGH]
            step = STEP
        delta = target - bar
        norm = np.linalg.norm(delta)
        return (bar + delta * min(1.0, step / norm) if norm > 1e-9 else target), u

    def act(self, obs: np.ndarray, goal: np.ndarray) -> np.ndarray:
        """Joint position targets (7,) for an observation in the contract's order."""
        obs = np.asarray(obs, np.float64)
        q0, puck = obs[:7], obs[14:16]
        target, u = self.waypoint(self._kinematics(q0)[0], puck, np.asarray(goal, np.float64))
        front_xy = target[:2] + 0.1 * u
        q = q0.copy()
        for _ in range(IK_ITERS):
            bar, front, side = self._kinematics(q)
            for k, site in enumerate(self._sites):
                mujoco.mj_jacSite(self.model, self.data, self._jac[k], None, site)
            jb, jf, js = self._jac[:, :, self._vadr]
            err = np.r_[target - bar, HEADING_WEIGHT * (front_xy - front[:2]),
                        FLAT_WEIGHT * (bar[2] - front[2]), FLAT_WEIGHT * (bar[2] - side[2])]
            jac = np.r_[jb, HEADING_WEIGHT * jf[:2], FLAT_WEIGHT * (jf[2:] - jb[2:]),
                        FLAT_WEIGHT * (js[2:] - jb[2:])]
            dq = jac.T @ np.linalg.solve(jac @ jac.T + DAMPING * np.eye(len(err)), err)
            q = np.clip(q + np.clip(dq, -MAX_DQ, MAX_DQ), self.low, self.high)
        return q


def run_episode(env, task: str, seed: int, max_steps: int = MAX_EPISODE_STEPS,
                noise=None, operator=None) -> tuple[Episode, dict]:
    """Roll the expert out in an arm7 env from reset ``seed`` (``collection.roll_out``)."""
    expert = Arm7Expert(env.unwrapped.model)
    goal = np.array(GOALS[task])
    return roll_out(env, lambda obs: expert.act(obs, goal), task, seed, max_steps, noise,
                    operator)
