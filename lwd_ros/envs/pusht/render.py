# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd render``: PushT episodes to MP4/GIF plus one PNG of their trajectories.

Episodes come from the MPC expert run live (default) or from a dataset (``--dataset``);
either way they are drawn from their observations with ``lwd_ros.envs.pusht.viz``, so the
pictures of a demonstration and of its replay match. Example::

    lwd render --episodes 4 --out outputs/render            # expert, one episode per task
    lwd render --dataset datasets/pusht_demos --format gif  # the first 4 demonstrations
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

from lwd_ros.report import emit_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--dataset', default=None, help='render episodes of this dataset')
    parser.add_argument('--episodes', type=int, default=4, help='how many episodes')
    parser.add_argument('--tasks', default='all',
                        help='expert: comma-separated tasks cycled over episodes, or "all"')
    parser.add_argument('--seed', type=int, default=0, help='expert: first reset seed')
    parser.add_argument('--out', default='outputs/render', help='output directory')
    parser.add_argument('--format', choices=('mp4', 'gif', 'none'), default='mp4',
                        help='video format ("none": only the trajectory PNG)')
    parser.add_argument('--size', type=int, default=256, help='video frame size in pixels')
    parser.add_argument('--fps', type=float, default=10.0, help='video frames per second')
    parser.add_argument('--env-config', default='config/envs/pusht.yaml')
    parser.add_argument('--expert-config', default='config/envs/pusht_expert.yaml')
    parser.add_argument('--json', default=None, metavar='PATH', help='write a JSON summary')


def _expert_episodes(args, env_cfg, tasks):
    from lwd_ros.envs.pusht.env import PushTEnv
    from lwd_ros.envs.pusht.expert import MPCExpert, load_expert_config, run_episode

    env = PushTEnv(config=env_cfg)
    expert = MPCExpert(env_cfg, load_expert_config(args.expert_config))
    return [run_episode(env, expert, tasks[i % len(tasks)], args.seed + i)[0]
            for i in range(args.episodes)]


def render(args) -> dict:
    """Produce the videos and the PNG; return their paths."""
    from lwd_ros.envs.pusht import viz
    from lwd_ros.envs.pusht.config import load_pusht_config
    from lwd_ros.envs.pusht.sim import PushTSim

    env_cfg = load_pusht_config(args.env_config)
    goal_poses = dict(env_cfg.tasks)
    if args.dataset:
        from lwd_ros.data.minari_io import load_episodes, read_metadata

        episodes = load_episodes(args.dataset)[:args.episodes]
        goal_poses.update(read_metadata(args.dataset).get('lwd_ros', {}).get('goal_poses', {}))
        source = str(args.dataset)
    else:
        tasks = list(env_cfg.tasks) if args.tasks == 'all' else args.tasks.split(',')
        unknown = [t for t in tasks if t not in env_cfg.tasks]
        if unknown:
            raise ValueError(f'unknown task(s) {unknown}; valid tasks: {list(env_cfg.tasks)}')
        episodes = _expert_episodes(args, env_cfg, tasks)
        source = 'expert'
    if not episodes:
        raise ValueError(f'no episodes to render from {source}')
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    videos = []
    if args.format != 'none':
        sim = PushTSim(env_cfg)
        try:
            for i, ep in enumerate(episodes):
                frames = viz.render_observations(ep.observations, goal_poses[ep.task], sim,
                                                 args.size, args.size)
                name = f'episode_{i:03d}_{ep.task}_seed{ep.seed}.{args.format}'
                videos.append(str(viz.write_video(frames, out / name, args.fps)))
        finally:
            sim.close()
    png = viz.plot_trajectories(episodes, out / 'trajectories.png', goal_poses,
                                title=f'PushT episodes from {source}')
    return {'source': source, 'episodes': len(episodes), 'videos': videos, 'png': str(png),
            'successes': sum(bool(ep.success) for ep in episodes)}


def run(args) -> int:
    try:
        summary = render(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f'lwd render: error: {exc}', file=sys.stderr)
        return 2
    emit_json(summary, args.json)
    return 0


def episodes_video(episodes, path: str) -> int:
    """``lwd eval --video``: recorded rollouts (``EpisodeResult``) one after the other."""
    from lwd_ros.envs.pusht.viz import render_observations, write_video

    frames = []
    for ep in episodes:
        if ep.observations is not None:
            frames += render_observations(ep.observations, ep.goal_pose)
    write_video(frames, path)
    return len(frames)
