# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""PushT benchmark: expert success per goal, env and physics throughput, collection time.

Prints one JSON object (also written to ``--json``). Target (design.md section 6): MPC expert
success >= 0.90 on 50 seeds per goal. ``--fidelity`` also replays random pushes in a pymunk
rebuild of the original scene (needs ``pip install pymunk``) and reports how far the MuJoCo
block drifts from it. Seeds 1000+ are used so the benchmark does not reuse dataset seeds::

    python bench/bench_pusht.py --seeds 50 --workers 2 --json outputs/bench_pusht.json
"""

from __future__ import annotations

import argparse
from collections import Counter
import json
import math
import multiprocessing as mp
from pathlib import Path
import platform
import time

import numpy as np

from lwd_ros.report import emit_json

SEED_OFFSET = 1000


def _expert_job(job):
    from lwd_ros.envs.pusht.env import PushTEnv
    from lwd_ros.envs.pusht.expert import MPCExpert, run_episode

    task, seed = job
    if 'env' not in _expert_job.__dict__:
        _expert_job.env = PushTEnv()
        _expert_job.expert = MPCExpert(_expert_job.env.config)
    t0 = time.perf_counter()
    episode, stats = run_episode(_expert_job.env, _expert_job.expert, task, seed)
    return task, episode.success, stats, time.perf_counter() - t0


def bench_expert(seeds: int, workers: int) -> dict:
    """Success rate, steps and time per goal over ``seeds`` reset seeds each."""
    from lwd_ros.envs.pusht.config import TASKS

    jobs = [(task, SEED_OFFSET + s) for task in TASKS for s in range(seeds)]
    t0 = time.perf_counter()
    if workers > 1:
        with mp.get_context('spawn').Pool(workers) as pool:
            results = pool.map(_expert_job, jobs, chunksize=1)
    else:
        results = [_expert_job(j) for j in jobs]
    wall = time.perf_counter() - t0
    per_task, contacts = {}, Counter()
    for task in TASKS:
        rows = [r for r in results if r[0] == task]
        per_task[task] = {
            'episodes': len(rows),
            'success_rate': float(np.mean([r[1] for r in rows])),
            'mean_steps': float(np.mean([r[2]['steps'] for r in rows])),
            'mean_final_coverage': float(np.mean([r[2]['coverage'] for r in rows])),
            'mean_max_coverage': float(np.mean([r[2]['max_coverage'] for r in rows])),
            'seconds_per_episode': float(np.mean([r[3] for r in rows])),
        }
    for r in results:
        contacts[r[2]['first_contact'] or 'none'] += 1
    p = np.array(list(contacts.values()), float) / len(results)
    return {
        'seeds_per_goal': seeds, 'per_goal': per_task,
        'success_rate': float(np.mean([r[1] for r in results])),
        'wall_time_s': round(wall, 1), 'workers': workers,
        'first_contact': dict(sorted(contacts.items())),
        # 1 = first contacts spread evenly over the 8 edges of the T, 0 = always the same edge
        'first_contact_entropy_norm': float(-(p * np.log(p)).sum() / math.log(8)),
    }


def bench_env(steps: int = 3000) -> dict:
    """Policy steps/s of ``env.step`` and physics steps/s of the sim and of rollouts."""
    import mujoco
    from mujoco import rollout

    from lwd_ros.envs.pusht.env import PushTEnv
    from lwd_ros.envs.pusht.expert import MPCExpert

    env = PushTEnv()
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    actions = rng.uniform(0.05, 0.45, (steps, 2)).astype(np.float32)
    t0 = time.perf_counter()
    for a in actions:
        if env.step(a)[2]:
            env.reset()
    env_rate = steps / (time.perf_counter() - t0)
    sim = env.sim
    t0 = time.perf_counter()
    sim.step_physics(steps * 10)
    physics_rate = steps * 10 / (time.perf_counter() - t0)
    expert = MPCExpert(env.config)
    state = expert._initial_state(env.sim.obs(), np.zeros(2))
    controls = np.repeat(rng.uniform(0.1, 0.4, (64, 20, 2)), expert.frame_skip, axis=1)
    data = mujoco.MjData(expert.sim.model)
    rollout.rollout(expert.sim.model, data, state[None], controls)
    t0 = time.perf_counter()
    for _ in range(5):
        rollout.rollout(expert.sim.model, data, state[None], controls)
    rollout_rate = 5 * controls.shape[0] * controls.shape[1] / (time.perf_counter() - t0)
    return {'env_policy_steps_per_s': round(env_rate),
            'env_physics_steps_per_s': round(env_rate * env.config.frame_skip),
            'sim_mj_step_per_s': round(physics_rate),
            'expert_rollout_physics_steps_per_s': round(rollout_rate),
            'physics_timestep_s': env.config.timestep, 'frame_skip': env.config.frame_skip}


def bench_fidelity(episodes: int = 20, steps: int = 60) -> dict:
    """Replay random pushes in pymunk (the original engine) and in PushTSim; compare blocks."""
    import pymunk

    from lwd_ros.envs.pusht.sim import PushTSim

    def pymunk_scene(agent_px, block):
        space = pymunk.Space()
        space.gravity, space.damping = (0, 0), 0.0  # damping 0: velocities reset every step
        for a, b in [((5, 506), (5, 5)), ((5, 5), (506, 5)), ((506, 5), (506, 506)),
                     ((5, 506), (506, 506))]:
            space.add(pymunk.Segment(space.static_body, a, b, 2))
        agent = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
        agent.position = tuple(agent_px)
        space.add(agent, pymunk.Circle(agent, 15))
        bar = [(-60, 30), (60, 30), (60, 0), (-60, 0)]
        stem = [(-15, 30), (-15, 120), (15, 120), (15, 30)]
        tee = pymunk.Body(1, 2 * pymunk.moment_for_poly(1, bar))
        tee.center_of_gravity = (0, 45)
        tee.angle = block[2]  # angle first, so the origin lands exactly on block[:2]
        tee.position = tuple(block[:2])
        space.add(tee, pymunk.Poly(tee, bar), pymunk.Poly(tee, stem))
        return space, agent, tee

    sim, rng = PushTSim(), np.random.default_rng(0)
    pos_err, ang_err, moved = [], [], []
    for _ in range(episodes):
        agent0 = rng.uniform(100, 400, 2)
        block0 = np.r_[rng.uniform(150, 350, 2), rng.uniform(-np.pi, np.pi)]
        space, agent, tee = pymunk_scene(agent0, block0)
        sim.reset_state(agent0 / 1000, np.r_[block0[:2] / 1000, block0[2]])
        target = agent0.copy()
        for i in range(steps):  # head for random points near the block, 25 px per step
            if i % 10 == 0:
                aim = block0[:2] + rng.uniform(-90, 90, 2)
            target = np.clip(target + np.clip(aim - target, -25, 25) + rng.normal(0, 5, 2),
                             0, 512)
            for _ in range(10):  # the original's 10 PD sub-steps at 100 Hz
                acc = 100 * (pymunk.Vec2d(*target) - agent.position) - 20 * agent.velocity
                agent.velocity += acc * 0.01
                space.step(0.01)
            sim.set_target(target / 1000)
            sim.step_physics(sim.config.frame_skip)
        pose = sim.block_pose()
        pos_err.append(np.linalg.norm(np.array(tee.position) - pose[:2] * 1000))
        ang_err.append(abs((tee.angle - pose[2] + np.pi) % (2 * np.pi) - np.pi))
        moved.append(np.linalg.norm(np.array(tee.position) - block0[:2]))
    return {'episodes': episodes, 'steps': steps, 'pymunk': pymunk.version,
            'median_block_travel_mm': float(np.median(moved)),
            'median_final_position_error_mm': float(np.median(pos_err)),
            'median_final_yaw_error_deg': float(np.degrees(np.median(ang_err))),
            'p90_final_position_error_mm': float(np.percentile(pos_err, 90)),
            'p90_final_yaw_error_deg': float(np.degrees(np.percentile(ang_err, 90)))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, default=50, help='expert seeds per goal')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--fidelity', action='store_true', help='compare with pymunk')
    parser.add_argument('--collect-json', default='outputs/collect_pusht_demos.json',
                        help='summary of the default collection, quoted if present')
    parser.add_argument('--json', default=None, help='also write the result here')
    args = parser.parse_args()
    result = {'benchmark': 'pusht', 'machine': f'{platform.machine()} '
              f'{mp.cpu_count()} cpu', 'env': bench_env(),
              'expert': bench_expert(args.seeds, args.workers)}
    result['expert_target_met'] = all(g['success_rate'] >= 0.90
                                      for g in result['expert']['per_goal'].values())
    collect = Path(args.collect_json)
    if collect.is_file() and collect.stat().st_size:
        summary = json.loads(collect.read_text())
        result['collection'] = {k: summary.get(k) for k in (
            'path', 'episodes', 'attempts', 'success_rate', 'steps', 'wall_time_s', 'workers')}
    if args.fidelity:
        result['fidelity_vs_pymunk'] = bench_fidelity()
    emit_json(result, args.json)


if __name__ == '__main__':
    main()
