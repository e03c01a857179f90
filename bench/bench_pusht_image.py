# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Image PushT (issue 35 item 6): a checkpoint of ``pusht_image`` in our sim and in gym-pusht.

The policies read the pusher's position and the camera's 64 features, never the T's pose.

* ``ours``: our MuJoCo PushT through ``lwd_ros.evaluation.cameras.Perceived`` (the camera
  frame the sim bridge publishes, the exported encoder the perception node runs), held-out
  seeds from 100000, tasks cycling, at each action horizon H of ``--horizons``.
* ``gym_pusht_pixels``: the Diffusion Policy paper's protocol in the original pymunk env
  with ``obs_type='pixels_agent_pos'``: its own 96 x 96 frames go through our encoder, its
  agent position (px) becomes metres; seeds 100000-100049, 300 steps, score = mean of max
  ``clip(coverage / 0.95, 0, 1)``, success = coverage > 0.95 (``bench_dp_protocol``).
  gym-pusht is installed for benches only: ``pip install gym-pusht==0.1.8``.

    python bench/bench_pusht_image.py --checkpoint models/pusht_image --episodes 150 \
        --horizons 1,2,4,8,16,32 --sweep-episodes 50 --json results/cameras/pusht_image.json \
        --plot results/cameras/pusht_image.png
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from lwd_ros.report import emit_json

sys.path.insert(0, __file__.rsplit('/', 1)[0])  # bench/: bench_dp_protocol


class GymPushTPixels:
    """gym-pusht's pixel observation as the ``pusht_image`` robot's vector (agent m + features)."""

    def __init__(self, encode, max_episode_steps: int):
        from bench_dp_protocol import ENV_ID, TASK
        import gym_pusht  # noqa: F401 - registers gym_pusht/PushT-v0
        import gymnasium as gym

        self.tasks, self.encode = (TASK,), encode
        self.env = gym.make(ENV_ID, obs_type='pixels_agent_pos',
                            max_episode_steps=max_episode_steps)

    @property
    def unwrapped(self):  # evaluate() reads env.unwrapped.tasks
        return self

    def _obs(self, obs: dict) -> np.ndarray:
        from lwd_ros.envs.pusht import geometry as geom

        agent = np.asarray(obs['agent_pos'], np.float64) * geom.M_PER_PX
        return np.concatenate([agent, self.encode(np.ascontiguousarray(obs['pixels']))])

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        obs, info = self.env.reset(seed=seed)
        return self._obs(obs), info

    def step(self, action):
        from bench_dp_protocol import action_to_pixels

        obs, reward, terminated, truncated, info = self.env.step(action_to_pixels(action))
        info['success'] = bool(info['is_success'])
        info['coverage'] = float(info.get('coverage', reward * 0.95))
        return self._obs(obs), float(reward), terminated, truncated, info

    def close(self) -> None:
        self.env.close()


def our_env(checkpoint: str):
    from lwd_ros.envs import make_env
    from lwd_ros.evaluation.cameras import Perceived, encoders
    from lwd_ros.runtime.checkpoint import read_meta

    robot = read_meta(checkpoint).robot
    return Perceived(make_env(robot.name), robot, encoders(checkpoint, robot))


def run(env, checkpoint: str, horizon: int, episodes: int, seed: int, task=None) -> dict:
    from bench_dp_protocol import summarise

    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate

    source = load_source(checkpoint, horizon)
    t0 = time.perf_counter()
    report = evaluate(env, source, episodes, seed, task)
    row = summarise(report.episodes, time.perf_counter() - t0, report.latencies_s)
    row['per_task'] = report.summary()['per_task']
    print(f'H={horizon}: score {row["score"]:.3f}, success {row["success_rate"]:.3f} '
          f'({episodes} episodes, {row["eval_wall_s"]:.0f} s)', file=sys.stderr, flush=True)
    return row


def plot(result: dict, path: str) -> None:
    """Success and score against H, per env: the score shows progress success does not."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, key, target in zip(axes, ('success_rate', 'score'), (0.85, 0.91)):
        for env, rows in result['by_env'].items():
            hs = sorted(int(h) for h in rows)
            ax.errorbar(hs, [rows[str(h)][key] for h in hs],
                        [rows[str(h)][key.replace('_rate', '') + '_se'] for h in hs],
                        marker='o', capsize=3, label=env)
        ax.axhline(target, ls=':', c='grey', label=f'target ({target})')
        ax.set_xscale('log', base=2)
        ax.set_xlabel('action horizon H (policy steps per generation)')
        ax.set_ylabel(key.replace('_', ' ') + ('' if key != 'score' else
                                               ' (max coverage / 0.95)'))
        ax.set_ylim(0, 1)
        ax.legend(fontsize=8)
    fig.suptitle('image PushT: pusher position + camera features (models/pusht_image)')
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> int:
    from lwd_ros.evaluation import HELD_OUT_SEED

    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--checkpoint', required=True)
    p.add_argument('--episodes', type=int, default=150, help='ours at H = 8')
    p.add_argument('--horizons', default='8', help='comma-separated H for the sweep')
    p.add_argument('--sweep-episodes', type=int, default=50, help='ours at the other H')
    p.add_argument('--protocol-episodes', type=int, default=50, help='gym-pusht (0: skip)')
    p.add_argument('--json', default='')
    p.add_argument('--plot', default='')
    args = p.parse_args()
    horizons = [int(h) for h in args.horizons.split(',')]
    result = {'checkpoint': args.checkpoint, 'by_env': {'ours': {}, 'gym_pusht_pixels': {}}}
    env = our_env(args.checkpoint)
    for h in horizons:
        n = args.episodes if h == 8 else args.sweep_episodes
        result['by_env']['ours'][str(h)] = run(env, args.checkpoint, h, n, HELD_OUT_SEED)
    env.close()
    if args.protocol_episodes:
        from bench_dp_protocol import MAX_STEPS, TASK, TEST_SEED

        from lwd_ros.evaluation.cameras import encoders
        from lwd_ros.runtime.checkpoint import read_meta

        robot = read_meta(args.checkpoint).robot
        encode = next(iter(encoders(args.checkpoint, robot).values()))
        gym_env = GymPushTPixels(encode, MAX_STEPS)
        for h in (8,):
            result['by_env']['gym_pusht_pixels'][str(h)] = run(
                gym_env, args.checkpoint, h, args.protocol_episodes, TEST_SEED, TASK)
        gym_env.close()
    if args.plot:
        plot(result, args.plot)
    emit_json(result, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
