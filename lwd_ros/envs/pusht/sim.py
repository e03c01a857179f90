# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The PushT simulator shared by the gymnasium env, the MPC expert and the ROS bridge.

``PushTSim`` owns one ``MjModel``/``MjData`` built from ``pusht.xml`` and the physical
parameters of ``PushTConfig``. It knows nothing about episodes, rewards or ROS: the env
(``lwd_ros.envs.pusht.env``) adds those, and the real-time bridge steps it holding the latest
command. Units are metres, radians, seconds; frames as in ``lwd_ros.envs.pusht.geometry``.

How the original's pymunk physics is reproduced (see config/envs/pusht.yaml for the numbers):
the original agent is a kinematic body driven by ``acc = k_p (target - pos) - k_v vel``; here
a heavy gantry carriage with position servos ``kp = k_p * mass`` and joint damping
``kv = k_v * mass`` follows the same law, and barely notices the light block. The original
space has ``damping = 0``, which zeroes body velocities every step (quasi-static pushing, the
block stops when the pusher stops); here the block's planar joints through its centre of
gravity carry damping ``rate * (m, m, I)``, proportional to its mass matrix, so a push moves
it in the same direction as the original's impulse response and it settles within
``1 / rate`` seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import mujoco
import numpy as np

from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht.config import PushTConfig
from lwd_ros.envs.pusht.spec import JOINTS

ASSET_PATH = Path(__file__).resolve().parent / 'pusht.xml'


def block_pose_from_qpos(qpos_block: np.ndarray) -> np.ndarray:
    """Block poses ``(..., 3)`` from the block joints ``(..., 3)`` (vectorised, for rollouts).

    The slides move the centre of gravity (the hinge anchor), so the body-frame origin is
    ``q + c - R(yaw) c`` with ``c`` the local centre of gravity.
    """
    q = np.asarray(qpos_block, np.float64)
    yaw = q[..., 2]
    c = geom.COG_LOCAL
    x = q[..., 0] + c[0] - (np.cos(yaw) * c[0] - np.sin(yaw) * c[1])
    y = q[..., 1] + c[1] - (np.sin(yaw) * c[0] + np.cos(yaw) * c[1])
    return np.stack([x, y, yaw], -1)


def qpos_from_block_pose(pose: np.ndarray) -> np.ndarray:
    """Inverse of ``block_pose_from_qpos`` for one pose ``(3,)``."""
    x, y, yaw = (float(v) for v in pose)
    c = geom.COG_LOCAL
    rc = geom.rotation(yaw) @ c
    return np.array([x + rc[0] - c[0], y + rc[1] - c[1], yaw])


class PushTSim:
    """MuJoCo PushT: a 2-DoF XY gantry with a round pusher, a T block and a visual goal.

    The gantry joints ``JOINT_NAMES`` are position-controlled; their positions *are* the
    pusher's world xy (metres), so a joint command is a target xy. Block pose and goal pose
    follow ``lwd_ros.envs.pusht.geometry`` (T body frame, yaw counter-clockwise).
    """

    JOINT_NAMES = JOINTS
    BLOCK_JOINT_NAMES = ('block_x', 'block_y', 'block_yaw')

    def __init__(self, config: PushTConfig | None = None, xml_path: str | Path = ASSET_PATH):
        self.config = config or PushTConfig()
        self.model = mujoco.MjModel.from_xml_path(str(xml_path))
        self._apply_config(self.model, self.config)
        self.data = mujoco.MjData(self.model)
        m = self.model
        self._agent_qadr = np.array([m.joint(n).qposadr[0] for n in self.JOINT_NAMES])
        self._agent_vadr = np.array([m.joint(n).dofadr[0] for n in self.JOINT_NAMES])
        self._block_qadr = np.array([m.joint(n).qposadr[0] for n in self.BLOCK_JOINT_NAMES])
        self._goal_mocap = m.body('goal').mocapid[0]
        self._renderer: mujoco.Renderer | None = None
        self.set_goal(self.config.tasks[self.config.default_task])
        self.reset_state((0.256, 0.4), (0.256, 0.3, 0.0))  # the original's initial scene

    @staticmethod
    def _apply_config(m: mujoco.MjModel, cfg: PushTConfig) -> None:
        m.opt.timestep = cfg.timestep
        pusher, block = m.body('pusher').id, m.body('block').id
        m.body_mass[pusher] = cfg.pusher_mass
        moving = cfg.pusher_mass + m.body_mass[m.body('carriage_x').id]
        for name in PushTSim.JOINT_NAMES:
            act = m.actuator(name).id
            m.actuator_gainprm[act, 0] = cfg.pusher_kp * moving
            m.actuator_biasprm[act, 1] = -cfg.pusher_kp * moving
            m.dof_damping[m.joint(name).dofadr[0]] = cfg.pusher_kv * moving
        m.body_mass[block] = cfg.block_mass
        m.body_inertia[block, 2] = cfg.block_inertia
        for name, inertia in zip(PushTSim.BLOCK_JOINT_NAMES,
                                 (cfg.block_mass, cfg.block_mass, cfg.block_inertia)):
            m.dof_damping[m.joint(name).dofadr[0]] = cfg.block_damping * inertia

    # --- commands and stepping -------------------------------------------------------------

    def set_target(self, xy: Sequence[float]) -> None:
        """Hold a new pusher target (metres); it is clipped to the workspace by ``ctrlrange``."""
        self.data.ctrl[:] = xy

    @property
    def target(self) -> np.ndarray:
        """The pusher target currently held, ``(2,)`` metres."""
        return self.data.ctrl.copy()

    def step_physics(self, n: int = 1) -> None:
        """Advance ``n`` physics steps of ``config.timestep`` holding the current target."""
        for _ in range(n):
            mujoco.mj_step(self.model, self.data)

    @property
    def time(self) -> float:
        """Simulated seconds since the last ``reset_state``."""
        return float(self.data.time)

    # --- state -----------------------------------------------------------------------------

    def agent_xy(self) -> np.ndarray:
        """Pusher centre ``(2,)`` in world metres (= the gantry joint positions)."""
        return self.data.qpos[self._agent_qadr].copy()

    def agent_vel(self) -> np.ndarray:
        """Pusher velocity ``(2,)`` in m/s (= the gantry joint velocities)."""
        return self.data.qvel[self._agent_vadr].copy()

    def joint_positions(self) -> np.ndarray:
        """Gantry joint positions in ``JOINT_NAMES`` order (what ``/joint_states`` carries)."""
        return self.agent_xy()

    def joint_velocities(self) -> np.ndarray:
        """Gantry joint velocities in ``JOINT_NAMES`` order."""
        return self.agent_vel()

    def block_pose(self) -> np.ndarray:
        """T pose ``(x, y, yaw)``: body-frame origin in metres and unwrapped yaw in radians."""
        return block_pose_from_qpos(self.data.qpos[self._block_qadr])

    def obs(self) -> np.ndarray:
        """``[agent_x, agent_y, block_x, block_y, block_yaw mod 2 pi]`` as the original."""
        pose = self.block_pose()
        return np.array([*self.agent_xy(), pose[0], pose[1], pose[2] % (2 * np.pi)])

    @property
    def goal_pose(self) -> np.ndarray:
        """The goal pose ``(x, y, yaw)`` the coverage is measured against."""
        return self._goal.copy()

    def set_goal(self, pose: Sequence[float]) -> None:
        """Move the goal (and its drawing) to ``pose``; physics is unaffected."""
        self._goal = np.asarray(pose, np.float64).copy()
        self.data.mocap_pos[self._goal_mocap, :2] = self._goal[:2]
        yaw = self._goal[2]
        self.data.mocap_quat[self._goal_mocap] = (np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2))

    def coverage(self) -> float:
        """Exact area(block ∩ goal) / area(goal) (shapely)."""
        return geom.coverage(self.block_pose(), self._goal)

    def reset_state(self, agent_xy: Sequence[float], block_pose: Sequence[float],
                    agent_vel: Sequence[float] = (0.0, 0.0),
                    target: Sequence[float] | None = None) -> None:
        """Place pusher and block at rest (pusher optionally moving); target defaults to pusher."""
        mujoco.mj_resetData(self.model, self.data)
        self.data.qpos[self._agent_qadr] = agent_xy
        self.data.qvel[self._agent_vadr] = agent_vel
        self.data.qpos[self._block_qadr] = qpos_from_block_pose(np.asarray(block_pose))
        self.data.ctrl[:] = agent_xy if target is None else target
        self.set_goal(self._goal)
        mujoco.mj_forward(self.model, self.data)

    def get_state(self) -> np.ndarray:
        """Full physics state (``mjSTATE_FULLPHYSICS``) for ``mujoco.rollout`` or restoring."""
        spec = mujoco.mjtState.mjSTATE_FULLPHYSICS
        state = np.empty(mujoco.mj_stateSize(self.model, spec))
        mujoco.mj_getState(self.model, self.data, state, spec)
        return state

    def set_state(self, state: np.ndarray) -> None:
        """Restore a state from ``get_state`` (controls are not part of it)."""
        mujoco.mj_setState(self.model, self.data, np.asarray(state, np.float64),
                           mujoco.mjtState.mjSTATE_FULLPHYSICS)
        mujoco.mj_forward(self.model, self.data)

    # --- rendering -------------------------------------------------------------------------

    def render(self, width: int | None = None, height: int | None = None,
               camera: str = 'top') -> np.ndarray:
        """An RGB frame ``(H, W, 3)`` uint8 from the orthographic top camera (needs EGL/OSMesa).

        World +y points up in the image, so frames are the vertical mirror of gym-pusht's
        pygame frames (pygame draws y downwards); the numbers in the state are identical.
        """
        w = width or self.config.render_width
        h = height or self.config.render_height
        if self._renderer is None or (self._renderer.width, self._renderer.height) != (w, h):
            self.close()
            self.model.vis.global_.offwidth = max(self.model.vis.global_.offwidth, w)
            self.model.vis.global_.offheight = max(self.model.vis.global_.offheight, h)
            self._renderer = mujoco.Renderer(self.model, h, w)
        self._renderer.update_scene(self.data, camera=camera)
        return self._renderer.render()

    def close(self) -> None:
        """Free the renderer's GL context (call before the interpreter exits)."""
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
