# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""The Diffusion Policy paper's PushT protocol (pymunk ``gym-pusht``) as a bench: JSON + PNG.

gym-pusht is installed for this bench only, never as a runtime dependency of lwd_ros::

    pip install gym-pusht==0.1.8   # pulls pymunk<7, pygame and opencv-python, not torch

The protocol (Chi et al. 2023, diffusion_policy's PushT env runner): the original pymunk
env (``gym_pusht/PushT-v0``, its one goal ``(256, 256, pi/4)`` px = our task ``classic``),
its own start distribution, test seeds 100000-100049, at most 300 steps (an episode ends at
success), score = mean over episodes of max over steps of ``clip(coverage / 0.95, 0, 1)``,
success = coverage > 0.95 at some step. Any of our evaluation sources (LWD, BC, the DP peer;
``lwd_ros.evaluation.cli.load_source``) runs there through ``GymPushT``, an adapter to our
env contract: observations pixels -> metres, actions metres -> pixels.

Conventions, checked here and in ``test/envs/test_dp_protocol.py``: 1 px = 1 mm; both
envs use pymunk's frame (x right, y up; gym-pusht flips y only when drawing), the T's body
origin (middle of the crossbar's outer edge, stem along local +y), counter-clockwise yaw
wrapped to ``[0, 2 pi)`` in observations, and shapely coverage on the same polygons (equal
to 1e-12 over every sampled start). One difference is in the resets: gym-pusht sets the
block's position *then* its angle, so the T turns about its centre of gravity (0, 45) px and
its origin lands up to 90 px from the sampled point; the observation reports where it landed.
DP's published numbers used 20-D keypoint observations for state PushT; all our sources take
the 5-D state, which gym-pusht's ``obs_type='state'`` gives.

Three envs separate the gaps: ``gym_pusht`` (the protocol), ``ours_their_starts`` (our
MuJoCo PushT reset to gym-pusht's start of the same seed: the physics gap) and ``ours`` (our
env and starts: the start-distribution gap), all scored the same way. A second part samples
``--resets`` starts of each env and compares the distributions (``--plot``)::

    python bench/bench_dp_protocol.py --json results/pusht_dp_protocol.json \
        --plot results/pusht_start_distributions.png
    python bench/bench_dp_protocol.py --checkpoint dp=runs/pusht_dp_small --envs gym_pusht
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
import platform
import sys
import time

import numpy as np

from lwd_ros.envs.pusht import geometry as geom
from lwd_ros.report import emit_json

os.environ.setdefault('PYGAME_HIDE_SUPPORT_PROMPT', '1')  # gym-pusht imports pygame

ENV_ID = 'gym_pusht/PushT-v0'
TASK = 'classic'  # gym-pusht's only goal
GOAL_PX = np.array([256.0, 256.0, np.pi / 4])
GOAL_M = GOAL_PX * [geom.M_PER_PX, geom.M_PER_PX, 1.0]  # = config/envs/pusht.yaml classic
TEST_SEED = 100_000  # diffusion_policy's test_start_seed, n_test = 50
MAX_STEPS = 300
SUCCESS = 0.95
ENVS = ('gym_pusht', 'ours_their_starts', 'ours')
STATE_NAMES = ('agent_x', 'agent_y', 'block_x', 'block_y', 'block_angle')


# -- conversions (the adapter's whole contract) ----------------------------------------------

def to_metres(state_px: np.ndarray) -> np.ndarray:
    """A gym-pusht state ``(..., 5)`` (px, px, px, px, rad) as ours (m, ..., rad)."""
    out = np.array(state_px, np.float64)
    out[..., :4] *= geom.M_PER_PX
    return out


def to_pixels(state_m: np.ndarray) -> np.ndarray:
    """Our state ``(..., 5)`` or block pose ``(..., 3)`` in gym-pusht's pixels (angle kept)."""
    out = np.array(state_m, np.float64)
    out[..., :-1] /= geom.M_PER_PX
    return out


def action_to_pixels(action_m: np.ndarray) -> np.ndarray:
    """A pusher target in metres as gym-pusht's action (px); not clipped, as DP's runner."""
    return np.asarray(action_m, np.float64) / geom.M_PER_PX


def set_pose_exact(pusht, agent_px, block_px) -> None:
    """Place gym-pusht's pusher and T exactly (angle first: the origin lands on ``block``)."""
    pusht.agent.position = tuple(map(float, agent_px))
    pusht.block.angle = float(block_px[2])
    pusht.block.position = tuple(map(float, block_px[:2]))


class GymPushT:
    """gym-pusht behind our env contract (``lwd_ros.evaluation.rollout``), in metres.

    ``reset(seed=)`` draws gym-pusht's own start from ``seed``; ``step`` takes the pusher
    target in metres. Observations are our 5-D state; ``info`` gains ``success`` (gym-pusht's
    ``is_success``). The reset info has no ``coverage``, as gym-pusht's has none: the DP
    score is a max over the rewards of steps, so a rollout's max coverage must not count it.

    Args:
        max_episode_steps: the ``TimeLimit`` (300, the protocol's).
    """

    tasks = (TASK,)

    def __init__(self, max_episode_steps: int = MAX_STEPS):
        import gym_pusht  # noqa: F401 - registers gym_pusht/PushT-v0
        import gymnasium as gym

        self.env = gym.make(ENV_ID, obs_type='state', max_episode_steps=max_episode_steps)

    @property
    def unwrapped(self):  # evaluate() reads env.unwrapped.tasks
        return self

    @property
    def pusht(self):
        """The pymunk env itself (its ``agent``, ``block``, ``_get_coverage``)."""
        return self.env.unwrapped

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        task = (options or {}).get('task') or TASK
        if task != TASK:
            raise ValueError(f'gym-pusht has one goal, {TASK!r}; asked for {task!r}')
        obs, info = self.env.reset(seed=seed)
        return to_metres(obs), info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action_to_pixels(action))
        info['success'] = bool(info['is_success'])
        return to_metres(obs), float(reward), terminated, truncated, info

    def close(self) -> None:
        self.env.close()


class OurPushT:
    """``lwd_ros/PushT-v0`` on ``classic``, from its own starts or gym-pusht's (same seeds).

    Scored as ``GymPushT`` (no coverage in the reset info).
    """

    tasks = (TASK,)

    def __init__(self, starts: str = 'ours'):
        from lwd_ros.envs import make_env

        self.env = make_env('pusht')
        self.theirs = GymPushT() if starts == 'gym_pusht' else None

    @property
    def unwrapped(self):
        return self

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        state = None if self.theirs is None else self.theirs.reset(seed=seed)[0]
        obs, info = self.env.reset(seed=seed, options={'task': TASK, 'reset_to_state': state})
        info.pop('coverage')
        return obs, info

    def step(self, action):
        return self.env.step(action)

    def close(self) -> None:
        self.env.close()


def make(name: str):
    return {'gym_pusht': GymPushT, 'ours_their_starts': lambda: OurPushT('gym_pusht'),
            'ours': OurPushT}[name]()


# -- evaluation --------------------------------------------------------------------------------

def summarise(episodes, wall_s: float, latencies: list[float]) -> dict:
    """The protocol's score and success, with standard errors over episodes."""
    score = np.clip(np.array([e.max_coverage for e in episodes]) / SUCCESS, 0.0, 1.0)
    success = np.array([e.success for e in episodes], float)
    n, p = len(episodes), float(success.mean())
    steps = sum(e.steps for e in episodes)
    return {'episodes': n, 'seeds': [episodes[0].seed, episodes[-1].seed],
            'score': float(score.mean()),
            'score_se': float(score.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0,
            'success_rate': p, 'success_se': math.sqrt(p * (1 - p) / n),
            'mean_steps': steps / n, 'eval_wall_s': round(wall_s, 2),
            'wall_ms_per_step': round(wall_s / max(steps, 1) * 1e3, 4),
            'calls': len(latencies),
            'call_ms_p50': round(float(np.median(latencies)) * 1e3, 3) if latencies else None,
            'per_episode_max_reward': [round(float(s), 4) for s in score]}


def flops_per_step(source, checkpoint: str, horizon: int, cache: dict) -> float:
    """As ``bench/bench_horizon.py`` counts: one call amortised over H, plus the MLP."""
    info = source.describe()
    if 'flops_per_step' in info:  # DP: one sampling call over its H executed actions
        return float(info['flops_per_step'])
    flops = float(info['policy_flops_per_step'])
    if info['method'] == 'lwd':
        if checkpoint not in cache:
            from bench_horizon import lwd_generation_flops  # bench/ is on sys.path
            cache[checkpoint] = lwd_generation_flops(checkpoint)
        flops += cache[checkpoint] / horizon
    return flops


def evaluate_checkpoint(checkpoint: str, horizons, envs, episodes: int, seed: int) -> dict:
    """Rows ``{env: {H: row}}`` for one checkpoint (BC: H = 1 only, it has no horizon)."""
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate
    from lwd_ros.runtime.checkpoint import read_meta

    method = read_meta(checkpoint).method
    horizons = [1] if method == 'bc' else horizons
    out, flops_cache = {'method': method, 'by_env': {}}, {}
    for name in envs:
        env, rows = make(name), {}
        for h in horizons:
            try:
                source = load_source(checkpoint, h)
            except ValueError as e:  # DP cannot execute more actions than it predicts
                rows[str(h)] = {'not_applicable': str(e)}
                continue
            t0 = time.perf_counter()
            report = evaluate(env, source, episodes, seed, TASK)
            row = summarise(report.episodes, time.perf_counter() - t0, report.latencies_s)
            row['flops_per_step'] = flops_per_step(source, checkpoint, h, flops_cache)
            rows[str(h)] = row
            print(f"{method} {name} H={h}: score {row['score']:.3f} ± {row['score_se']:.3f}, "
                  f"success {row['success_rate']:.2f}, {row['eval_wall_s']:.0f} s",
                  file=sys.stderr, flush=True)
        env.close()
        out['by_env'][name] = rows
    return out


# -- start distributions -----------------------------------------------------------------------

def start_states(n: int, seed: int) -> dict:
    """``n`` seeded starts of each env in pixels, their coverage, and gym-pusht's own."""
    ours, theirs = OurPushT(), GymPushT()
    out = {'ours': [], 'gym_pusht': []}
    cover = {'ours': [], 'gym_pusht': []}
    reward_gap = 0.0
    for s in range(seed, seed + n):
        obs, _ = ours.reset(seed=s)
        out['ours'].append(to_pixels(obs))
        cover['ours'].append(geom.coverage(obs[2:], GOAL_M))
        obs, _ = theirs.reset(seed=s)
        out['gym_pusht'].append(to_pixels(obs))
        c = geom.coverage(obs[2:], GOAL_M)
        cover['gym_pusht'].append(c)
        reward_gap = max(reward_gap, abs(c - theirs.pusht._get_coverage()))
    config = ours.env.unwrapped.config
    ours.close()
    theirs.close()
    return {'states': {k: np.array(v) for k, v in out.items()},
            'coverage': {k: np.array(v) for k, v in cover.items()},
            'max_coverage_difference_vs_gym_pusht_reward': reward_gap, 'config': config}


def in_our_support(state_px: np.ndarray, coverage: float, config) -> bool:
    """Could our env's reset have drawn this start (its boxes, walls, clearance, unsolved)?"""
    from lwd_ros.envs.pusht.env import placeable

    s = to_metres(state_px)
    return bool(np.all(s[:2] >= config.agent_init_low) and np.all(s[:2] <= config.agent_init_high)
                and np.all(s[2:4] >= config.block_init_low)
                and np.all(s[2:4] <= config.block_init_high)
                and placeable(s[2:], s[:2], config.reset_clearance)
                and coverage <= config.success_threshold)


def describe_starts(states: np.ndarray, cover: np.ndarray, config) -> dict:
    metres = to_metres(states)
    gap = np.array([geom.distance_to_t(m[2:], m[None, :2])[0] for m in metres])
    corners = geom.to_world(metres[:, 2:], geom.T_OUTLINE) / geom.M_PER_PX  # (N, 8, 2) px
    stats = {name: {'min': float(col.min()), 'max': float(col.max()),
                    'mean': float(col.mean()), 'std': float(col.std())}
             for name, col in zip(STATE_NAMES, states.T)}
    return {'resets': len(states), 'ranges_px_rad': stats,
            'initial_coverage': {
                'mean': float(cover.mean()), 'median': float(np.median(cover)),
                'p90': float(np.percentile(cover, 90)), 'max': float(cover.max()),
                'fraction_above_0': float(np.mean(cover > 0)),
                'fraction_above_0.5': float(np.mean(cover > 0.5)),
                'fraction_solved': float(np.mean(cover > SUCCESS))},
            'fraction_pusher_overlapping_t': float(np.mean(gap < geom.AGENT_RADIUS)),
            'fraction_t_beyond_inner_walls': float(np.mean(
                (corners.min((1, 2)) < 7) | (corners.max((1, 2)) > 504))),
            'fraction_in_our_start_support': float(np.mean(
                [in_our_support(s, c, config) for s, c in zip(states, cover)])),
            'mean_block_distance_to_goal_px': float(np.mean(
                np.linalg.norm(states[:, 2:4] - GOAL_PX[:2], axis=1)))}


def replay_check(episodes: int = 20, steps: int = 60, seed: int = TEST_SEED) -> dict:
    """Same random pushes in both envs from gym-pusht's starts: how far the blocks end apart.

    Away from the walls only: gym-pusht's pusher is kinematic and passes through the walls
    and a block pinned against them, ours is a gantry that stops there.
    """
    theirs, ours = GymPushT(), OurPushT()
    rng = np.random.default_rng(0)
    pos, yaw, cover = [], [], []
    for ep in range(episodes):
        obs, _ = theirs.reset(seed=seed + ep)
        mine, _ = ours.env.reset(options={'task': TASK, 'reset_to_state': obs})
        for i in range(steps):
            if i % 10 == 0:
                aim = obs[2:4] + rng.uniform(-0.09, 0.09, 2)
            target = np.clip(obs[:2] + np.clip(aim - obs[:2], -0.025, 0.025), 0.06, 0.45)
            obs, _, _, _, info = theirs.step(target)
            mine, _, _, _, mine_info = ours.env.step(target.astype(np.float32))
            cover.append(abs(info['coverage'] - mine_info['coverage']))
        pos.append(np.linalg.norm(obs[2:4] - mine[2:4]) / geom.M_PER_PX)
        yaw.append(abs((obs[4] - mine[4] + np.pi) % (2 * np.pi) - np.pi))
    theirs.close()
    ours.close()
    return {'episodes': episodes, 'steps': steps,
            'median_block_position_error_px': float(np.median(pos)),
            'p90_block_position_error_px': float(np.percentile(pos, 90)),
            'median_block_yaw_error_deg': float(np.degrees(np.median(yaw))),
            'p90_block_yaw_error_deg': float(np.degrees(np.percentile(yaw, 90))),
            'median_step_coverage_difference': float(np.median(cover))}


def plot_starts(starts: dict, path: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(14, 8.5))
    bins = np.linspace(0, 512, 33)
    goal = geom.to_world(GOAL_M, geom.T_OUTLINE) / geom.M_PER_PX
    labels = {'ours': 'lwd_ros/PushT-v0', 'gym_pusht': 'gym-pusht'}
    for col, key in enumerate(('ours', 'gym_pusht')):
        s = starts['states'][key]
        for row, (i, what) in enumerate(((2, 'block origin'), (0, 'pusher'))):
            ax = axes[row, col]
            ax.hist2d(s[:, i], s[:, i + 1], bins=[bins, bins], cmap='viridis')
            ax.fill(*np.vstack([goal, goal[:1]]).T, fill=False, ec='w', lw=1.2, ls='--')
            ax.set_title(f'{labels[key]}: {what}, {len(s)} resets')
            ax.set_aspect('equal')
            ax.set_xlabel('x (px = mm)')
            ax.set_ylabel('y (px, pymunk frame: up)')
    for key in ('ours', 'gym_pusht'):
        axes[0, 2].hist(starts['states'][key][:, 4], bins=36, range=(0, 2 * np.pi),
                        histtype='step', lw=1.5, label=labels[key])
        axes[1, 2].hist(starts['coverage'][key], bins=40, range=(0, 1), histtype='step',
                        lw=1.5, label=labels[key])
    axes[0, 2].set_title('block angle (rad, wrapped)')
    axes[1, 2].set_title('initial coverage of the classic goal')
    axes[1, 2].set_yscale('log')
    for ax in axes[:, 2]:
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle('PushT start distributions (dashed: the goal T)')
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)


def markdown(result: dict) -> str:
    lines = ['| method | env | H | score ± s.e. | success ± s.e. | FLOPs / step | ms / step |',
             '|---|---|---:|---|---|---:|---:|']
    for name, info in result['methods'].items():
        for env, rows in info.get('by_env', {}).items():
            for h, r in rows.items():
                if 'score' not in r:
                    lines.append(f'| {name} | {env} | {h} | n/a | n/a | | |')
                    continue
                lines.append(f"| {name} | {env} | {h} | {r['score']:.3f} ± {r['score_se']:.3f}"
                             f" | {r['success_rate']:.2f} ± {r['success_se']:.2f}"
                             f" | {r['flops_per_step']:,.0f} | {r['wall_ms_per_step']:.2f} |")
    return '\n'.join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lwd', default='models/pusht', help='the LWD checkpoint')
    parser.add_argument('--checkpoint', action='append', default=[], metavar='NAME=DIR',
                        help='another checkpoint (BC, the DP peer, ...); repeat')
    parser.add_argument('--horizons', type=int, nargs='+', default=[1, 8, 16, 32])
    parser.add_argument('--envs', nargs='+', choices=ENVS, default=list(ENVS))
    parser.add_argument('--episodes', type=int, default=50)
    parser.add_argument('--seed', type=int, default=TEST_SEED)
    parser.add_argument('--resets', type=int, default=1000, help='starts sampled per env')
    parser.add_argument('--json', help='also write the JSON here')
    parser.add_argument('--plot', default='outputs/pusht_start_distributions.png')
    args = parser.parse_args()

    from lwd_ros.config import resolve_path
    from lwd_ros.runtime.checkpoint import sha256

    t0 = time.perf_counter()
    result = {'benchmark': 'pusht_dp_protocol', 'machine': f'{platform.machine()} '
              f'{os.cpu_count()} cpu', 'protocol': {
                  'env': ENV_ID, 'gym_pusht': _version('gym-pusht'),
                  'pymunk': _version('pymunk'), 'task': TASK, 'goal_px': GOAL_PX.tolist(),
                  'seeds': [args.seed, args.seed + args.episodes - 1],
                  'max_steps': MAX_STEPS, 'observation': '5-D state (agent xy, block xy, '
                  'block angle), px -> m', 'score': 'mean over episodes of max over steps of '
                  'clip(coverage / 0.95, 0, 1)', 'success': 'coverage > 0.95 at some step'},
              'methods': {}, 'missing': {}}
    named = [('lwd', args.lwd)] + [c.split('=', 1) if '=' in c else (Path(c).name, c)
                                   for c in args.checkpoint]
    for name, given in named:
        path = str(resolve_path(given))
        if not (Path(path) / 'meta.json').is_file():
            result['missing'][name] = given
            continue
        result['methods'][name] = {
            'checkpoint': given, 'fingerprint': sha256(Path(path) / 'meta.json'),
            **evaluate_checkpoint(path, args.horizons, args.envs, args.episodes, args.seed)}
    if not args.checkpoint:
        result['other_checkpoints'] = (
            'none shipped: BC and the DP peer are not in models/; train them '
            '(config/train/*.yaml) and pass --checkpoint bc=DIR --checkpoint dp=DIR')
    starts = start_states(args.resets, args.seed)
    result['conventions'] = {
        'max_coverage_difference_vs_gym_pusht_reward':
            starts['max_coverage_difference_vs_gym_pusht_reward'],
        'replay_vs_gym_pusht': replay_check()}
    result['start_distributions'] = {
        key: describe_starts(starts['states'][key], starts['coverage'][key], starts['config'])
        for key in ('ours', 'gym_pusht')}
    if args.plot:
        plot_starts(starts, args.plot)
        result['plot'] = args.plot
    result['wall_time_s'] = round(time.perf_counter() - t0, 1)
    emit_json(result, args.json)
    print(markdown(result), file=sys.stderr)
    return 0


def _version(package: str) -> str | None:
    from importlib import metadata
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


if __name__ == '__main__':
    sys.exit(main())
