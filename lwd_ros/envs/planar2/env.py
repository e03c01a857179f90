# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd_ros/Planar2Reach-v0``: a planar 2-link arm in joint velocity control reaches a target.

## Model
Built in code (``build_model``): two 0.2 m capsule links on hinges about z (``shoulder``,
limited to +-pi; ``elbow``, +-2.7 rad), a ``fingertip`` site at the second link's end, and a
``target`` body (a marker of the success radius, no collisions). Velocity actuators (``kv``)
track the commanded joint velocities; the arm lies in the horizontal plane, so gravity does no
work and a zero command stops it where it is. Nothing collides: the task is the motion.

## Tasks
``config/robots/planar2.yaml`` (``spec.TASKS``): ``elbow_left`` and ``elbow_right`` reach the
same target with the elbow angle positive or negative (the contract's ``extra.elbow``): two
inverse-kinematics solutions, picked by the task alone. ``reset(options={'task': name})``
chooses one; the last one is kept otherwise.

## Starting state
The arm near straight (shoulder uniform in ``+-SHOULDER_START``, elbow in ``+-ELBOW_START``
rad), at rest; the target at a distance uniform in ``TARGET_RADIUS`` from the shoulder and a
bearing uniform in ``+-TARGET_BEARING``. Both drawn from the reset ``seed``.

## Observation space
``Box(-inf, inf, (7,), float64)``, the contract's order: 2 joint positions (rad), 2 joint
velocities (rad/s), the target ``x, y, z`` (m, world frame; z = 0).

## Action space
``Box(-1, 1, (2,), float32)``: joint velocities (rad/s), the contract's command limits;
clipped to them. One action is held for ``frame_skip`` physics steps (one policy period).

## Rewards and episode end
Reward: minus the fingertip's distance to the target (m). ``info['success']``: that distance
below ``success_radius``, the fingertip slower than ``stop_speed`` and the elbow bent the
task's way by more than ``ELBOW_MARGIN``; it terminates the episode. Truncated after
``max_episode_steps``. ``info['coverage']``: ``1 - distance / initial distance`` in [0, 1].
"""

from __future__ import annotations

from typing import Any

import mujoco
import numpy as np

from lwd_ros.envs.planar2.spec import (
    ELBOW,
    JOINTS,
    MAX_EPISODE_STEPS,
    PLANAR2,
    STOP_SPEED,
    SUCCESS_RADIUS,
    TASKS,
)
from lwd_ros.envs.task_env import TaskEnv, contract_spaces

TIMESTEP = 0.01  # s: 10 physics steps per 10 Hz policy step
LINKS = (0.2, 0.2)  # m
ELBOW_LIMIT = 2.7  # rad: the elbow folds back to within ~0.05 m of the shoulder
SHOULDER_START, ELBOW_START = 1.0, 0.5  # rad: starts near straight, so both bends are open
TARGET_RADIUS = (0.12, 0.36)  # m from the shoulder (reach: 0.4 m)
TARGET_BEARING = 1.6  # rad either side of x: every IK solution stays inside +-pi
ELBOW_MARGIN = 0.2  # rad: a nearly straight elbow is neither bend
KV = 0.5  # N m s / rad: the velocity servos' gain (~15 ms time constant on these links)


def build_model(kv: float = KV) -> mujoco.MjModel:
    """The arm, its velocity servos and the target (module docstring)."""
    spec = mujoco.MjSpec()
    spec.compiler.degree = False  # joint ranges in rad
    spec.option.timestep = TIMESTEP
    spec.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST
    spec.option.gravity = [0.0, 0.0, -9.81]  # hinges about z: gravity does no work
    body = spec.worldbody
    limits = (np.pi, ELBOW_LIMIT)
    for i, (joint, length) in enumerate(zip(JOINTS, LINKS)):
        body = body.add_body(name=f'link{i + 1}', pos=[LINKS[i - 1] if i else 0.0, 0, 0])
        body.add_joint(name=joint, type=mujoco.mjtJoint.mjJNT_HINGE, axis=[0, 0, 1],
                       range=[-limits[i], limits[i]], limited=True, damping=0.01)
        body.add_geom(type=mujoco.mjtGeom.mjGEOM_CAPSULE, fromto=[0, 0, 0, length, 0, 0],
                      size=[0.015, 0, 0], mass=0.2, contype=0, conaffinity=0)
        act = spec.add_actuator(name=f'{joint}_velocity', target=joint,
                                trntype=mujoco.mjtTrn.mjTRN_JOINT)
        act.gaintype, act.biastype = mujoco.mjtGain.mjGAIN_FIXED, mujoco.mjtBias.mjBIAS_AFFINE
        act.gainprm[0], act.biasprm[0:3] = kv, [0.0, 0.0, -kv]  # kv (qdot_ctrl - qdot)
        act.ctrllimited = True
        act.ctrlrange = [PLANAR2.command.low[i], PLANAR2.command.high[i]]
    body.add_site(name='fingertip', pos=[LINKS[-1], 0, 0], size=[0.01, 0, 0])
    target = spec.worldbody.add_body(name='target', pos=[0.3, 0, 0])
    target.add_geom(type=mujoco.mjtGeom.mjGEOM_CYLINDER, size=[SUCCESS_RADIUS, 0.001, 0],
                    rgba=[1.0, 0.2, 0.2, 0.6], contype=0, conaffinity=0)
    spec.worldbody.add_camera(name='top', pos=[0, 0, 1.0], xyaxes=[1, 0, 0, 0, 1, 0])
    return spec.compile()


def fingertip(q: np.ndarray) -> np.ndarray:
    """The fingertip's ``(x, y)`` (m) at joint positions ``q``: the arm's forward kinematics."""
    a, b = LINKS
    return np.array([a * np.cos(q[0]) + b * np.cos(q[0] + q[1]),
                     a * np.sin(q[0]) + b * np.sin(q[0] + q[1])])


class Planar2ReachEnv(TaskEnv):
    """Stop the fingertip on the target with the task's elbow (module docstring).

    Args:
        render_mode: ``None`` or ``'rgb_array'`` (headless via EGL or OSMesa).
        task: the initial task (default the first).
        kv: the velocity servos' gain (N m s / rad).
        size: rendered image side in pixels.
    """

    metadata = {'render_modes': ['rgb_array'], 'render_fps': int(PLANAR2.policy_rate)}
    TASKS, LABEL = TASKS, 'planar2'

    def __init__(self, render_mode: str | None = None, task: str | None = None,
                 kv: float = KV, size: int = 240):
        self.render_mode, self._size = self.check_render_mode(render_mode), size
        self.model = build_model(kv)
        self.data = mujoco.MjData(self.model)
        self.frame_skip = int(round(1.0 / (PLANAR2.policy_rate * TIMESTEP)))
        m = self.model
        self._qadr = np.array([m.joint(j).qposadr[0] for j in JOINTS])
        self._vadr = np.array([m.joint(j).dofadr[0] for j in JOINTS])
        self._ctrl = np.array([m.actuator(f'{j}_velocity').id for j in JOINTS])
        self._tip = m.site('fingertip').id
        self._target = m.body('target').id
        self.low = np.asarray(PLANAR2.command.low, np.float64)
        self.high = np.asarray(PLANAR2.command.high, np.float64)
        self.action_space, self.observation_space = contract_spaces(PLANAR2)
        self._task = self.check_task(task or TASKS[0])
        self._steps, self._start_distance = 0, 1.0
        self._renderer = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        if options.get('task') is not None:
            self._task = self.check_task(options['task'])
        m, d, rng = self.model, self.data, self.np_random
        mujoco.mj_resetData(m, d)
        d.qpos[self._qadr] = [rng.uniform(-SHOULDER_START, SHOULDER_START),
                              rng.uniform(-ELBOW_START, ELBOW_START)]
        r, bearing = rng.uniform(*TARGET_RADIUS), rng.uniform(-TARGET_BEARING, TARGET_BEARING)
        m.body_pos[self._target] = [r * np.cos(bearing), r * np.sin(bearing), 0.0]
        mujoco.mj_forward(m, d)
        self._steps = 0
        self._start_distance = max(self.distance(), 1e-6)
        return self._get_obs(), self._info(False)

    def step(self, action):
        action = np.asarray(action, np.float64).reshape(len(JOINTS))
        if not np.all(np.isfinite(action)):
            raise ValueError(f'non-finite action {action}')
        self.data.ctrl[self._ctrl] = np.clip(action, self.low, self.high)
        mujoco.mj_step(self.model, self.data, nstep=self.frame_skip)
        self._steps += 1
        success = self.succeeded()
        truncated = self._steps >= MAX_EPISODE_STEPS and not success
        return self._get_obs(), -self.distance(), success, truncated, self._info(success)

    def push(self, object_xy: np.ndarray, robot: np.ndarray):
        """Move the target by ``object_xy`` (m) and the joints by ``robot`` (rad), joints stopped.

        For ``lwd_ros.envs.pushes.Pushes``. None (drawn again) for a target out of reach.
        Returns ``(obs, reward, terminated, info)`` of the pushed state.
        """
        m, d = self.model, self.data
        target = m.body_pos[self._target, :2] + np.asarray(object_xy, np.float64)
        if not TARGET_RADIUS[0] <= np.linalg.norm(target) <= TARGET_RADIUS[1]:
            return None
        m.body_pos[self._target, :2] = target
        if np.any(robot):
            limits = np.array([np.pi, ELBOW_LIMIT])
            d.qpos[self._qadr] = np.clip(d.qpos[self._qadr] + np.asarray(robot, np.float64),
                                         -limits, limits)
            d.qvel[self._vadr] = 0.0
        mujoco.mj_forward(m, d)
        success = self.succeeded()
        return self._get_obs(), -self.distance(), success, self._info(success)

    def distance(self) -> float:
        """The fingertip's distance to the target (m)."""
        return float(np.linalg.norm(self.data.site_xpos[self._tip, :2]
                                    - self.data.xpos[self._target, :2]))

    def succeeded(self) -> bool:
        """On the target, stopped, elbow bent the task's way (module docstring)."""
        d = self.data
        q, qd = d.qpos[self._qadr], d.qvel[self._vadr]
        jac = np.zeros((3, self.model.nv))
        mujoco.mj_jacSite(self.model, d, jac, None, self._tip)
        speed = float(np.linalg.norm(jac[:2, self._vadr] @ qd))
        return (self.distance() < SUCCESS_RADIUS and speed < STOP_SPEED
                and ELBOW[self._task] * q[1] > ELBOW_MARGIN)

    def _get_obs(self) -> np.ndarray:
        d = self.data
        return np.concatenate([d.qpos[self._qadr], d.qvel[self._vadr],
                               d.xpos[self._target]]).astype(np.float64)

    def _info(self, success: bool) -> dict[str, Any]:
        progress = 1.0 - self.distance() / self._start_distance
        return {'success': bool(success), 'is_success': bool(success),
                'coverage': float(np.clip(progress, 0.0, 1.0)), 'distance': self.distance(),
                'task': self._task}

    def render(self):
        if self.render_mode != 'rgb_array':
            return None
        if self._renderer is None:
            self._renderer = mujoco.Renderer(self.model, self._size, self._size)
        self._renderer.update_scene(self.data, camera='top')
        return self._renderer.render()

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
