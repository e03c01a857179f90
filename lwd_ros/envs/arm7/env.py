# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd_ros/Arm7Push-v0``: a 7-DoF arm in joint position control pushes a puck to a goal.

## Model
gymnasium's MuJoCo Pusher arm (``pusher_v5.xml``, loaded with ``mujoco.MjSpec``): 7 hinges
``r_shoulder_pan_joint .. r_wrist_roll_joint``, a U-shaped pusher at the wrist, a puck
(``object``, radius 0.05 m, sliding in x and y) and a goal marker. Changed from the file:
the torque motors become position actuators (``kp``, ``kv``; control range = the
contract's command limits), the integrator is implicit-fast at ``TIMESTEP`` (the file's
10 ms explicit Euler step is too coarse for stiff position servos), the puck gets a mass and
a drag (``PUCK_MASS``, ``PUCK_DRAG``), the table is moved under the workspace, the goal
marker loses its joints and takes the success radius, and three sites mark the pusher
(``pusher``: the U's cross-bar centre; ``pusher_front``: 0.1 m ahead, where the U opens;
``pusher_side``: 0.1 m along the bar). Gravity stays off, as in Pusher.

## Tasks
``config/robots/arm7.yaml`` (``spec.TASKS``; ``env.unwrapped.tasks``): each task is a fixed
goal ``(x, y)`` (the contract's ``extra.goals``), chosen with
``reset(options={'task': name})``; the last one is kept otherwise.

## Starting state
The arm at ``HOME`` plus uniform noise of ``+-HOME_NOISE`` rad per joint, at rest; the puck
centre uniform in ``PUCK_START`` (world x, y; m). Both drawn from the reset ``seed``.

## Observation space
``Box(-inf, inf, (17,), float64)``, the contract's order: 7 joint positions (rad), 7 joint
velocities (rad/s), the puck centre ``x, y, z`` (m, world frame; z is constant).

## Action space
``Box(low, high, (7,), float32)``: joint position targets (rad), ``low``/``high`` the
contract's command limits (the MJCF's joint ranges); actions are clipped to them. One
action is held for ``frame_skip`` physics steps (one policy period, 1 / policy_rate).

## Rewards and episode end
Reward: minus the puck's distance to the goal (m). ``info['success']``: that distance below
the contract's ``success_radius``; it terminates the episode. Truncated after
``max_episode_steps``. ``info['coverage']``: progress, ``1 - distance / initial distance``
clipped to ``[0, 1]``.
"""

from __future__ import annotations

import os
from typing import Any

import gymnasium as gym
import mujoco
import numpy as np

from lwd_ros.envs.arm7.spec import ARM7, GOALS, JOINTS, MAX_EPISODE_STEPS, SUCCESS_RADIUS, TASKS
from lwd_ros.envs.task_env import TaskEnv, contract_spaces

PUSHER_XML = os.path.join(os.path.dirname(gym.__file__), 'envs', 'mujoco', 'assets',
                          'pusher_v5.xml')
TIMESTEP = 0.005  # s, physics step
HOME = np.array([0.5, 0.9, 0.4, -1.7, 0.0, -0.1, 0.0])  # rad: U above the puck region
HOME_NOISE = 0.1  # rad
PUCK_START = ((0.62, 0.68), (-0.66, -0.54))  # m: (x range, y range) of the puck's start
PUCK_HALF_HEIGHT = 0.05  # m; the puck's centre z is table top + this
TABLE_Z = -0.325  # m, the table top (from the MJCF)
# The MJCF's puck weighs 8 mg: MuJoCo sizes a contact's softness by the bodies' masses, so
# the pusher sank 2 cm into it and moved it at a twentieth of its speed. A 100 g puck on a
# viscous (frictionless, damped) table stops within ~1.5 cm of being released at 0.3 m/s.
PUCK_MASS = 0.1  # kg
PUCK_DRAG = 2.0  # N s / m, the puck's slide-joint damping


def build_model(kp: float = 100.0, kv: float = 10.0) -> mujoco.MjModel:
    """The Pusher arm with position actuators (module docstring lists every change)."""
    spec = mujoco.MjSpec.from_file(PUSHER_XML)
    spec.option.timestep = TIMESTEP
    spec.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST
    low, high = ARM7.command.low, ARM7.command.high
    by_joint = {a.target: a for a in spec.actuators}
    if set(by_joint) != set(JOINTS):
        raise ValueError(f'{PUSHER_XML} actuates {sorted(by_joint)}, the contract {JOINTS}')
    for i, joint in enumerate(JOINTS):  # a position servo: force = kp (ctrl - q) - kv qdot
        act = by_joint[joint]
        act.name = f'{joint}_position'
        act.gaintype, act.biastype = mujoco.mjtGain.mjGAIN_FIXED, mujoco.mjtBias.mjBIAS_AFFINE
        act.gainprm[0] = kp
        act.biasprm[0:3] = [0.0, -kp, -kv]
        act.ctrllimited, act.ctrlrange = True, [low[i], high[i]]
        act.forcelimited = False
    table = spec.geom('table')
    table.pos, table.size = [0.55, -0.6, TABLE_Z], [0.55, 0.55, 0.1]
    puck = spec.body('object')
    puck.pos = [0.0, 0.0, TABLE_Z + PUCK_HALF_HEIGHT]  # its slide joints' qpos = world x, y
    puck.geoms[0].mass = PUCK_MASS
    for joint in ('obj_slidex', 'obj_slidey'):
        spec.joint(joint).damping, spec.joint(joint).armature = PUCK_DRAG, 0.0
    goal = spec.body('goal')
    for joint in ('goal_slidex', 'goal_slidey'):
        spec.joint(joint).delete()
    goal.pos = [0.0, 0.0, TABLE_Z + 0.002]
    marker = goal.geoms[0]
    marker.size = [SUCCESS_RADIUS, 0.001, 0]
    marker.rgba = [1.0, 0.2, 0.2, 0.6]
    wrist = spec.body('r_wrist_roll_link')
    wrist.add_site(name='pusher', pos=[0.0, 0.0, 0.0])
    wrist.add_site(name='pusher_front', pos=[0.1, 0.0, 0.0])
    wrist.add_site(name='pusher_side', pos=[0.0, 0.1, 0.0])
    spec.worldbody.add_camera(name='top', pos=[0.5, -0.6, 1.3], xyaxes=[0, -1, 0, 1, 0, 0])
    return spec.compile()


class Arm7PushEnv(TaskEnv):
    """Push the puck to the task's goal with joint position targets (module docstring).

    Args:
        render_mode: ``None`` or ``'rgb_array'`` (headless via EGL or OSMesa).
        task: the initial task (default the first).
        kp: position gain of every joint servo (N m / rad).
        kv: velocity damping of every joint servo (N m s / rad).
        size: rendered image side in pixels.
        camera: MJCF camera for ``render`` (``top``, or ``''`` for the free camera).
    """

    metadata = {'render_modes': ['rgb_array'], 'render_fps': int(ARM7.policy_rate)}
    TASKS, LABEL = TASKS, 'arm7'

    def __init__(self, render_mode: str | None = None, task: str | None = None,
                 kp: float = 100.0, kv: float = 10.0, size: int = 240, camera: str = 'top'):
        self.render_mode = self.check_render_mode(render_mode)
        self._size, self._camera = size, camera
        self.model = build_model(kp, kv)
        self.data = mujoco.MjData(self.model)
        self.frame_skip = int(round(1.0 / (ARM7.policy_rate * TIMESTEP)))
        m = self.model
        self._qadr = np.array([m.joint(j).qposadr[0] for j in JOINTS])
        self._vadr = np.array([m.joint(j).dofadr[0] for j in JOINTS])
        self._puck_adr = np.array([m.joint(j).qposadr[0] for j in ('obj_slidex', 'obj_slidey')])
        self._puck_vadr = np.array([m.joint(j).dofadr[0] for j in ('obj_slidex', 'obj_slidey')])
        self._puck_body = m.body('object').id
        self._goal_body = m.body('goal').id
        self._ctrl = np.array([m.actuator(f'{j}_position').id for j in JOINTS])
        self.low = np.asarray(ARM7.command.low, np.float64)
        self.high = np.asarray(ARM7.command.high, np.float64)
        self.action_space, self.observation_space = contract_spaces(ARM7)
        self._task = self.check_task(task or TASKS[0])
        self._steps, self._start_distance = 0, 1.0
        self._renderer = None

    @property
    def goal(self) -> np.ndarray:
        """The current task's goal ``(x, y)`` (m)."""
        return np.array(GOALS[self._task])

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        if options.get('task') is not None:
            self._task = self.check_task(options['task'])
        m, d = self.model, self.data
        mujoco.mj_resetData(m, d)
        q = np.clip(HOME + self.np_random.uniform(-HOME_NOISE, HOME_NOISE, len(HOME)),
                    self.low, self.high)
        d.qpos[self._qadr] = q
        d.ctrl[self._ctrl] = q  # the servos hold the start pose until the first action
        (xlo, xhi), (ylo, yhi) = PUCK_START
        d.qpos[self._puck_adr] = [self.np_random.uniform(xlo, xhi),
                                  self.np_random.uniform(ylo, yhi)]
        m.body_pos[self._goal_body, :2] = self.goal
        mujoco.mj_forward(m, d)
        self._steps = 0
        self._start_distance = max(self.distance(), 1e-6)
        return self._get_obs(), self._info(False)

    def step(self, action):
        action = np.clip(np.asarray(action, np.float64).reshape(len(JOINTS)), self.low,
                         self.high)
        if not np.all(np.isfinite(action)):
            raise ValueError(f'non-finite action {action}')
        self.data.ctrl[self._ctrl] = action
        mujoco.mj_step(self.model, self.data, nstep=self.frame_skip)
        self._steps += 1
        success = self.distance() < SUCCESS_RADIUS
        truncated = self._steps >= MAX_EPISODE_STEPS and not success
        return self._get_obs(), -self.distance(), success, truncated, self._info(success)

    def push(self, object_xy: np.ndarray, robot: np.ndarray):
        """Move the puck by ``object_xy`` (m) and the joints by ``robot`` (rad); what moved stops.

        For ``lwd_ros.envs.pushes.Pushes``. The servos' targets stay where the policy last
        put them, so the arm springs back unless its policy reacts. Returns ``(obs, reward,
        terminated, info)`` of the pushed state (a push may finish the task).
        """
        m, d = self.model, self.data
        if np.any(object_xy):
            d.qpos[self._puck_adr] += np.asarray(object_xy, np.float64)
            d.qvel[self._puck_vadr] = 0.0
        if np.any(robot):
            d.qpos[self._qadr] = np.clip(d.qpos[self._qadr] + np.asarray(robot, np.float64),
                                         self.low, self.high)
            d.qvel[self._vadr] = 0.0
        mujoco.mj_forward(m, d)
        success = self.distance() < SUCCESS_RADIUS
        return self._get_obs(), -self.distance(), success, self._info(success)

    def distance(self) -> float:
        """The puck centre's distance to the goal in the table plane (m)."""
        return float(np.linalg.norm(self.data.xpos[self._puck_body, :2] - self.goal))

    def _get_obs(self) -> np.ndarray:
        d = self.data
        return np.concatenate([d.qpos[self._qadr], d.qvel[self._vadr],
                               d.xpos[self._puck_body]]).astype(np.float64)

    def _info(self, success: bool) -> dict[str, Any]:
        progress = 1.0 - self.distance() / self._start_distance
        return {'success': bool(success), 'is_success': bool(success),
                'coverage': float(np.clip(progress, 0.0, 1.0)), 'distance': self.distance(),
                'task': self._task, 'goal': self.goal}

    def render(self):
        if self.render_mode != 'rgb_array':
            return None
        if self._renderer is None:
            self._renderer = mujoco.Renderer(self.model, self._size, self._size)
        self._renderer.update_scene(self.data, camera=self._camera or -1)
        return self._renderer.render()

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
