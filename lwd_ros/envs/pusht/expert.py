# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A sampling-based MPC expert for PushT: predictive sampling over MuJoCo rollouts.

Every policy step the expert rolls out a few dozen candidate target sequences (``horizon``
policy steps each) in a copy of the PushT model with ``mujoco.rollout`` and keeps the
cheapest (Howell et al. 2022, "Predictive Sampling"). The simulator is the model; the
planning copy uses a coarser physics step (``timestep``) for speed.

Candidates, all sequences ``(H, 2)`` of pusher targets at the policy rate:

* the nominal: the last plan shifted by one step, so a good plan survives until beaten;
* the nominal plus smooth noise (Gaussian knots, linearly interpolated) to refine it;
* *push proposals*: pick a point on the T outline, travel to just outside it (around the
  block's clearance circle if the straight line would hit it), then push inwards along the
  edge normal, jittered, for a log-uniform length. Plain Gaussian sampling rarely finds the
  way to the far side of the block within a horizon; proposals make every side reachable;
* holding still, so the plan never makes the block worse by construction.

Cost: mean over the horizon plus a terminal multiple of the pose error: the mean squared
distance of the T's 8 corners to the goal's (a smooth proxy of coverage), with its rotation
part up-weighted so the expert turns an upside-down block instead of parking it.

Diversity: the expert's generator is seeded per episode. Until the pusher first touches the
block it commits to a random plan among the "good enough" ones (improvement within
``explore_tolerance`` of the best), so seeds approach from different sides; a hysteresis
keeps the committed plan until a sample is clearly better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
import math

import mujoco
from mujoco import rollout
import numpy as np

from lwd_ros.config import load_config, resolve_path
from lwd_ros.data.action_noise import ActionNoise
from lwd_ros.data.episode import Episode
from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.envs.pusht.config import DEFAULT_CONFIG as DEFAULT_ENV_CONFIG
from lwd_ros.envs.pusht.config import PushTConfig, load_pusht_config
from lwd_ros.envs.pusht.sim import PushTSim, qpos_from_block_pose
from lwd_ros.envs.teleop import TeleopConfig, TeleopExpert

DEFAULT_CONFIG = 'config/envs/pusht_expert.yaml'


@dataclass
class ExpertConfig:
    """Parameters of the PushT MPC expert (``config/envs/pusht_expert.yaml``).

    Args:
        timestep: physics step of the planning model, seconds (must divide the env's
            policy period).
        horizon: planning horizon in policy steps.
        num_perturbed: noisy copies of the nominal plan per step.
        num_pushes: push proposals per step.
        num_knots: knots of the piecewise-linear noise over the horizon.
        noise_std: standard deviation of the knot noise, metres.
        approach_speed: target speed while travelling to a push, m/s.
        push_speed: target speed while pushing, m/s.
        push_length: min and max push length (log-uniform), metres.
        push_angle: max deviation of the push direction from the inward normal, radians.
        standoff: gap between pusher and T where a push starts, metres.
        clearance: extra gap kept when travelling around the block, metres.
        dwell: policy steps to wait at the push start before pushing.
        terminal_weight: weight of the final pose error relative to the running mean.
        rotation_weight: weight of yaw error against translation in the pose error
            (1 = plain keypoint error; see ``lwd_ros.envs.pusht.geometry.pose_error``).
        hysteresis: a new plan replaces the nominal only if cheaper by this fraction.
        explore_tolerance: before first contact, plans whose improvement is at least
            ``1 - explore_tolerance`` of the best improvement are equally eligible.
    """

    timestep: float = 0.02
    horizon: int = 20
    num_perturbed: int = 24
    num_pushes: int = 40
    num_knots: int = 5
    noise_std: float = 0.01
    approach_speed: float = 0.3
    push_speed: float = 0.15
    push_length: tuple[float, float] = (0.005, 0.08)
    push_angle: float = 0.4
    standoff: float = 0.01
    clearance: float = 0.01
    dwell: int = 2
    terminal_weight: float = 2.0
    rotation_weight: float = 3.0
    hysteresis: float = 0.05
    explore_tolerance: float = 0.5

    def __post_init__(self):
        if self.horizon < 2 or self.num_knots < 2:
            raise ValueError(f'{self.horizon=} and {self.num_knots=} must be >= 2')
        if self.num_perturbed < 0 or self.num_pushes < 0:
            raise ValueError(f'{self.num_perturbed=} and {self.num_pushes=} must be >= 0')
        lo, hi = self.push_length
        if not 0 < lo <= hi:
            raise ValueError(f'{self.push_length=} must satisfy 0 < min <= max')


def load_expert_config(path: str | None = DEFAULT_CONFIG,
                       overrides: Sequence[str] = ()) -> ExpertConfig:
    """Load the shipped (or a given) expert YAML; defaults if it is not installed."""
    if path == DEFAULT_CONFIG and not resolve_path(path).is_file():
        path = None
    return load_config(ExpertConfig, path, overrides)


def _polyline(points: np.ndarray, spacing: float) -> np.ndarray:
    """Resample a polyline ``(P, 2)`` at equal arc-length ``spacing``, first point excluded."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    s = np.r_[0.0, np.cumsum(seg)]
    if s[-1] < 1e-9:
        return points[-1:]
    n = max(1, math.ceil(s[-1] / spacing))
    q = np.linspace(0.0, s[-1], n + 1)[1:]
    return np.stack([np.interp(q, s, points[:, 0]), np.interp(q, s, points[:, 1])], -1)


class MPCExpert:
    """Predictive-sampling MPC that pushes the T onto the current task's goal.

    Usage::

        expert = MPCExpert(env.unwrapped.config)
        expert.reset('classic', seed=3)
        target_xy = expert.act(obs, agent_vel=info['agent_vel'])

    Args:
        env_config: the env's ``PushTConfig`` (goal poses, policy period, physics).
        config: the expert's parameters.
        seed: default generator seed (``reset`` may override it per episode).
    """

    def __init__(self, env_config: PushTConfig | None = None,
                 config: ExpertConfig | None = None, seed: int | None = None):
        self.env_config = env_config or PushTConfig()
        self.config = config or ExpertConfig()
        cfg, env_cfg = self.config, self.env_config
        self.frame_skip = round(env_cfg.control_dt / cfg.timestep)
        if abs(self.frame_skip * cfg.timestep - env_cfg.control_dt) > 1e-9:
            raise ValueError(f'{cfg.timestep=} must divide the policy period '
                             f'{env_cfg.control_dt} s')
        self.sim = PushTSim(replace(env_cfg, timestep=cfg.timestep, frame_skip=self.frame_skip))
        m = self.sim.model
        self._rollout_data = mujoco.MjData(m)
        # Offsets into rollout states (mjSTATE_FULLPHYSICS = time, qpos, qvel, ...).
        self._block_q = 1 + np.array([m.joint(n).qposadr[0] for n in PushTSim.BLOCK_JOINT_NAMES])
        self._agent_q = 1 + np.array([m.joint(n).qposadr[0] for n in PushTSim.JOINT_NAMES])
        # Radius of the block's clearance circle about its centre of gravity.
        self._clear_radius = (np.linalg.norm(geom.T_OUTLINE - geom.COG_LOCAL, axis=1).max()
                              + geom.AGENT_RADIUS + cfg.clearance)
        edges = np.roll(geom.T_OUTLINE, -1, 0) - geom.T_OUTLINE
        self._edge_len = np.linalg.norm(edges, axis=1)
        self._normals = geom.outward_normals()
        self.rng = np.random.default_rng(seed)
        self.task = env_cfg.default_task
        self.goal = np.array(env_cfg.tasks[self.task])
        self.plan: np.ndarray | None = None
        self.touched = False
        self.last_costs: np.ndarray | None = None
        self._prev_obs: np.ndarray | None = None

    def reset(self, task: str | None = None, seed: int | None = None) -> None:
        """Start an episode: forget the plan, aim at ``task``'s goal, optionally reseed."""
        if task is not None:
            if task not in self.env_config.tasks:
                raise ValueError(f'unknown task {task!r}; valid: {list(self.env_config.tasks)}')
            self.task = task
        self.goal = np.array(self.env_config.tasks[self.task])
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.plan = None
        self.touched = False
        self._prev_obs = None

    # --- candidates ------------------------------------------------------------------------

    def _noise(self, n: int) -> np.ndarray:
        cfg = self.config
        knots = self.rng.normal(0.0, cfg.noise_std, (n, cfg.num_knots, 2))
        t_knots = np.linspace(0.0, 1.0, cfg.num_knots)
        t = np.linspace(0.0, 1.0, cfg.horizon)
        idx = np.clip(np.searchsorted(t_knots, t, side='right') - 1, 0, cfg.num_knots - 2)
        w = ((t - t_knots[idx]) / (t_knots[idx + 1] - t_knots[idx]))[None, :, None]
        return knots[:, idx] * (1 - w) + knots[:, idx + 1] * w  # (n, H, 2)

    def _route(self, start: np.ndarray, end: np.ndarray, pose: np.ndarray) -> np.ndarray:
        """Waypoints from ``start`` to ``end`` that keep the pusher clear of the block."""
        clear = geom.AGENT_RADIUS + 0.5 * self.config.clearance
        line = start + np.linspace(0.0, 1.0, 12)[:-2, None] * (end - start)
        if geom.distance_to_t_local(geom.to_local(pose, line)).min() > clear:
            return np.stack([start, end])
        cog = geom.to_world(pose, geom.COG_LOCAL[None])[0]
        a0 = math.atan2(*(start - cog)[::-1])
        a1 = math.atan2(*(end - cog)[::-1])
        sweep = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi  # the short way round
        if self.rng.random() < 0.25:  # sometimes the long way, for varied routes
            sweep -= math.copysign(2 * math.pi, sweep)
        angles = a0 + sweep * np.linspace(0.0, 1.0, max(2, math.ceil(abs(sweep) / 0.3) + 1))
        r = max(self._clear_radius, np.linalg.norm(start - cog))
        arc = cog + r * np.stack([np.cos(angles), np.sin(angles)], -1)
        return np.vstack([start, arc, end])

    def _push_proposals(self, n: int, agent: np.ndarray, pose: np.ndarray) -> np.ndarray:
        cfg, H = self.config, self.config.horizon
        dt = self.env_config.control_dt
        edge = self.rng.choice(8, size=n, p=self._edge_len / self._edge_len.sum())
        u = self.rng.uniform(0.05, 0.95, n)
        contact = geom.T_OUTLINE[edge] + u[:, None] * (np.roll(geom.T_OUTLINE, -1, 0)[edge]
                                                       - geom.T_OUTLINE[edge])
        normal = self._normals[edge]
        start_local = contact + normal * (geom.AGENT_RADIUS + cfg.standoff)
        angle = self.rng.uniform(-cfg.push_angle, cfg.push_angle, n)
        c, s = np.cos(angle), np.sin(angle)
        push_dir = -np.stack([c * normal[:, 0] - s * normal[:, 1],
                              s * normal[:, 0] + c * normal[:, 1]], -1)
        lo, hi = cfg.push_length
        length = np.exp(self.rng.uniform(np.log(lo), np.log(hi), n))
        start = geom.to_world(pose, start_local)
        end_local = start_local + push_dir * (length + cfg.standoff)[:, None]
        end = geom.to_world(pose, end_local)
        ok = geom.distance_to_t_local(start_local) > geom.AGENT_RADIUS  # not in the notch
        plans = np.empty((n, H, 2))
        for i in range(n):
            if not ok[i]:
                plans[i] = agent
                continue
            travel = _polyline(self._route(agent, start[i], pose), cfg.approach_speed * dt)
            wait = np.repeat(start[i][None], cfg.dwell, 0)
            push = _polyline(np.stack([start[i], end[i]]), cfg.push_speed * dt)
            seq = np.vstack([travel, wait, push])[:H]
            plans[i, :len(seq)] = seq
            plans[i, len(seq):] = seq[-1]
        return plans

    # --- planning --------------------------------------------------------------------------

    def _initial_state(self, obs: np.ndarray, agent_vel: np.ndarray) -> np.ndarray:
        d = self._rollout_data
        mujoco.mj_resetData(self.sim.model, d)
        d.qpos[self._agent_q - 1] = obs[:2]
        d.qvel[self._agent_q - 1] = agent_vel
        d.qpos[self._block_q - 1] = qpos_from_block_pose(obs[2:5])
        spec = mujoco.mjtState.mjSTATE_FULLPHYSICS
        state = np.empty(mujoco.mj_stateSize(self.sim.model, spec))
        mujoco.mj_getState(self.sim.model, d, state, spec)
        return state

    def _costs(self, states: np.ndarray) -> np.ndarray:
        # states: (N, H * frame_skip, nstate) -> one block pose per policy step (N, H, 3).
        q = states[:, self.frame_skip - 1::self.frame_skip][..., self._block_q]
        yaw = q[..., 2]
        c = geom.COG_LOCAL
        poses = np.stack([q[..., 0] + c[0] - (np.cos(yaw) * c[0] - np.sin(yaw) * c[1]),
                          q[..., 1] + c[1] - (np.sin(yaw) * c[0] + np.cos(yaw) * c[1]),
                          yaw], -1)
        err = geom.pose_error(poses, self.goal, self.config.rotation_weight)  # (N, H)
        return err.mean(-1) + self.config.terminal_weight * err[:, -1]

    def plan_step(self, obs: np.ndarray, agent_vel: np.ndarray) -> np.ndarray:
        """Replan from ``obs`` and return the new plan ``(H, 2)`` (also kept as the nominal)."""
        cfg = self.config
        obs = np.asarray(obs, np.float64)
        agent, pose = obs[:2], obs[2:5]
        if not self.touched:
            gap = geom.distance_to_t_local(geom.to_local(pose, agent[None]))[0]
            self.touched = gap <= geom.AGENT_RADIUS + 1e-3
        hold = np.repeat(agent[None], cfg.horizon, 0)
        nominal = hold if self.plan is None else np.vstack([self.plan[1:], self.plan[-1:]])
        candidates = np.concatenate([
            nominal[None], hold[None],
            nominal[None] + self._noise(cfg.num_perturbed),
            self._push_proposals(cfg.num_pushes, agent, pose),
        ])
        candidates = np.clip(candidates, 0.0, geom.WORKSPACE)
        controls = np.repeat(candidates, self.frame_skip, axis=1)
        states, _ = rollout.rollout(self.sim.model, self._rollout_data,
                                    self._initial_state(obs, agent_vel)[None], controls)
        costs = self._costs(states)
        self.last_costs = costs
        best = int(np.argmin(costs))
        if not self.touched:
            # Commit to a random good-enough plan; keep it while it stays good enough.
            now = geom.pose_error(pose, self.goal, cfg.rotation_weight) * (1 + cfg.terminal_weight)
            good = costs <= costs[best] + cfg.explore_tolerance * max(now - costs[best], 0.0)
            best = 0 if self.plan is not None and good[0] else int(self.rng.choice(
                np.flatnonzero(good)))
        elif costs[best] > costs[0] * (1 - cfg.hysteresis):
            best = 0  # not clearly better than the nominal: keep it
        self.plan = candidates[best]
        return self.plan

    def act(self, obs: np.ndarray, agent_vel: np.ndarray | None = None) -> np.ndarray:
        """The next pusher target ``(2,)`` in metres for observation ``obs`` (5,).

        ``agent_vel`` is the pusher velocity (m/s); without it a finite difference of the
        last two observations is used (zero on the first call).
        """
        obs = np.asarray(obs, np.float64)
        if agent_vel is None:
            prev = self._prev_obs
            agent_vel = (np.zeros(2) if prev is None
                         else (obs[:2] - prev[:2]) / self.env_config.control_dt)
        self._prev_obs = obs
        return self.plan_step(obs, np.asarray(agent_vel, np.float64))[0].copy()


def run_episode(env, expert: MPCExpert, task: str, seed: int,
                max_steps: int | None = None,
                noise: ActionNoise | None = None,
                settle_coverage: float | None = None,
                start_state: np.ndarray | None = None,
                operator=None) -> tuple[Episode, dict]:
    """Roll the expert out in a PushT env for one episode; return it and a few statistics.

    Args:
        env: a ``PushTEnv`` (or a wrapper of one).
        expert: the expert; it is reset with the same ``seed``, so an episode is a pure
            function of ``(task, seed)`` and the configs.
        task: goal pose name.
        seed: env reset seed (initial state) and expert generator seed.
        max_steps: step limit (default: the env config's ``max_episode_steps``).
        noise: DART noise added to the executed targets only; the episode records the
            expert's clean targets (``lwd_ros.data.action_noise``). Drawn from ``seed``.
        settle_coverage: once the env reports success, keep going without noise until the
            coverage exceeds this (or the step limit): the demonstration then shows the
            last corrections past the success threshold, which a learner that lands a
            little short needs. The steps up to the first success are unchanged.
        start_state: start here (an observation, pusher at rest) instead of the seed's
            initial state: the expert taking over from a state a learner reached (DAgger).
        operator: a ``lwd_ros.data.operator.Operator`` between the expert and the pusher
            (slow drift, pauses), the same ``expert_teleop`` draws for ``seed``; the episode
            records what it executed, as a teleoperated bag would.

    Returns:
        ``(episode, stats)`` with ``stats`` holding ``coverage`` (final), ``max_coverage``,
        ``steps`` and ``first_contact`` (T edge name or None).
    """
    base = env.unwrapped
    limit = max_steps or base.config.max_episode_steps
    obs, info = env.reset(seed=seed, options={'task': task, 'reset_to_state': start_state})
    expert.reset(task, seed=seed)
    observations, actions = [obs], []
    max_cov = info['coverage']
    offsets = (noise.sequence(np.random.default_rng([seed, 1]), limit, 2) if noise
               else np.zeros((limit, 2)))
    hand = operator.episode(seed, 2) if operator is not None else None
    solved_at = None
    for t in range(limit):
        action = expert.act(obs, info['agent_vel']).astype(np.float32)
        if hand is not None:
            action = np.clip(hand.step(action), 0.0, geom.WORKSPACE).astype(np.float32)
        offset = offsets[t] if solved_at is None else 0.0
        executed = np.clip(action + offset, 0.0, geom.WORKSPACE).astype(np.float32)
        obs, _, terminated, truncated, info = env.step(executed)
        observations.append(obs)
        actions.append(action)
        max_cov = max(max_cov, info['coverage'])
        if terminated and solved_at is None:
            solved_at = t + 1
        settling = settle_coverage is not None and info['coverage'] <= settle_coverage
        if truncated or (solved_at is not None and not settling):
            break
    # Success is the env's (reached at some step); settling only adds steps after it.
    episode = Episode(np.array(observations), np.array(actions).reshape(-1, 2), task, seed,
                      solved_at is not None)
    stats = {'coverage': float(info['coverage']), 'max_coverage': float(max_cov),
             'steps': len(actions), 'solved_at': solved_at,
             'first_contact': geom.first_contact_edge(episode.observations)}
    return episode, stats


def teleop_expert(cfg: TeleopConfig) -> TeleopExpert:
    """The MPC expert as ``expert_teleop`` drives it (``EnvSpec.teleop``)."""
    env_config = load_pusht_config(cfg.env_config or DEFAULT_ENV_CONFIG)
    expert = MPCExpert(env_config, load_expert_config(cfg.expert_config or DEFAULT_CONFIG),
                       seed=cfg.seed)
    expert.reset(cfg.task or None, seed=cfg.seed)
    return TeleopExpert(reset=lambda task, seed: expert.reset(task, seed=seed),
                        act=lambda obs, vel: expert.act(obs, agent_vel=vel),
                        max_steps=env_config.max_episode_steps,
                        rate=1.0 / env_config.control_dt, name='MPC expert')
