# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd dagger``: the expert takes over from states a trained policy reaches (DAgger).

Why: a learner trained on the expert's own trajectories drifts into states the expert never
visited (its near misses push past the goal) and has no example of how to recover there.
DART noise covers states *near* the expert's path; DAgger (Ross et al. 2011) covers the
learner's own. LWD learns from snippets of coherent behaviour, not single labelled states,
so each visited state gets a short expert *continuation* (``--steps`` policy steps, or until
success) rather than one action.

1. Roll the policy out from reset seeds ``seed, seed + 1, ...`` (tasks cycling, as
   ``lwd eval``); keep every ``--every``-th state of each rollout (not the initial one).
2. From each kept state (pusher at rest there) run the MPC expert, seeded
   ``1000 * rollout_seed + step``, and record the continuation as an episode.

The dataset trains like any other (``data.extra_datasets``). Use rollout seeds no evaluation
uses (the default 40000 is clear of the demonstrations' 0-31000 and the held-out 100000+)::

    lwd dagger --checkpoint models/pusht --out datasets/pusht_dagger --rollouts 150 --workers 2
"""

from __future__ import annotations

import argparse
import logging
import time

import gymnasium as gym
import numpy as np

from lwd_ros.data.collection import check_json_path, run_collect
from lwd_ros.envs.pusht.collect import WORKER, add_config_arguments, expert_results, load_configs

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--checkpoint', default='models/pusht', help='the learner (LWD, BC, DP)')
    parser.add_argument('--out', required=True, help='dataset directory (local path)')
    parser.add_argument('--rollouts', type=int, default=150, help='learner episodes')
    parser.add_argument('--seed', type=int, default=40_000, help='first rollout reset seed')
    parser.add_argument('--action-horizon', type=int, default=None,
                        help="the learner's H (default: what it was trained for)")
    parser.add_argument('--every', type=int, default=16,
                        help='keep every N-th state of a rollout as a start state')
    parser.add_argument('--steps', type=int, default=32,
                        help='policy steps of each expert continuation (fewer on success)')
    parser.add_argument('--workers', type=int, default=1, help='parallel expert processes')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing dataset')
    add_config_arguments(parser)
    parser.add_argument('--json', default=None, metavar='PATH', help='write a JSON summary')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bars')


def start_states(report, every: int,
                 states: list[list[np.ndarray]] | None = None,
                 ) -> list[tuple[str, int, int, np.ndarray]]:
    """``(task, rollout_seed, step, state)`` of every ``every``-th non-initial state.

    The state is the episode's observation, or ``states[episode][step]`` where the learner
    observes less than the expert needs (``StateLog``). The last is left out: the episode
    ended there (solved or out of time).
    """
    return [(ep.task, ep.seed, t, ep.observations[t] if states is None else states[i][t])
            for i, ep in enumerate(report.episodes)
            for t in range(every, len(ep.observations) - 1, every)]


class StateLog(gym.Wrapper):
    """Keeps every episode's full states (``env.unwrapped.state()``), one list per reset.

    Why: a learner that sees PushT through a camera observes the pusher only, and the expert
    continues from the T's pose too.
    """

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.episodes: list[list[np.ndarray]] = []

    def reset(self, **kwargs):
        out = self.env.reset(**kwargs)
        self.episodes.append([self.env.unwrapped.state()])
        return out

    def step(self, action):
        out = self.env.step(action)
        self.episodes[-1].append(self.env.unwrapped.state())
        return out


def _continue(job: tuple[str, int, int, np.ndarray, int]):
    from lwd_ros.envs.pusht.expert import run_episode

    task, rollout_seed, step, obs, steps = job
    episode, stats = run_episode(WORKER['env'], WORKER['expert'], task,
                                 1000 * rollout_seed + step, max_steps=steps, start_state=obs)
    episode.seed = None  # not the initial state of any reset seed: observations[0] is
    return episode, stats


def dagger(args, robot: str = 'pusht', observe=None) -> dict:
    """Roll out the learner, let the expert continue from its states, write the dataset.

    ``robot``: the sim the learner runs in and the contract the dataset is of; ``observe``
    as in ``collect``: turns each PushT continuation into that robot's observations. A
    learner with cameras sees the sim through ``Perceived`` (as ``lwd eval``), and the
    expert continues from the full states ``StateLog`` kept.
    """
    from tqdm import tqdm

    from lwd_ros.config import resolve_path, to_dict
    from lwd_ros.data.minari_io import check_writable, write_episodes
    from lwd_ros.envs import get_spec, make_env
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate
    from lwd_ros.runtime.checkpoint import read_meta

    if args.rollouts < 1 or args.every < 1 or args.steps < 1 or args.workers < 1:
        raise ValueError('--rollouts, --every, --steps and --workers must be >= 1')
    env_cfg, expert_cfg = load_configs(args)
    out = check_writable(args.out, args.overwrite)  # before an hour of expert time
    if args.json:
        check_json_path(args.json)
    t_start = time.perf_counter()
    checkpoint = resolve_path(args.checkpoint)
    source = load_source(checkpoint, args.action_horizon)
    env, states = make_env(get_spec(robot), config=env_cfg), None
    contract = read_meta(checkpoint).robot
    if contract.perceived():
        from lwd_ros.evaluation.cameras import Perceived, encoders

        states = StateLog(env)
        env = Perceived(states, contract, encoders(checkpoint, contract))
    report = evaluate(env, source, args.rollouts, args.seed, record_episodes=args.rollouts,
                      progress=not args.no_progress)
    env.close()
    learner = report.summary()
    starts = start_states(report, args.every, states.episodes if states else None)
    log.info('learner %s: success %.3f over %d rollouts; %d start states', source.name,
             learner['success_rate'], args.rollouts, len(starts))
    jobs = [(*s, args.steps) for s in starts]

    kept, solved, interrupted = [], 0, False
    bar = tqdm(total=len(jobs), desc='expert', unit='ep', disable=args.no_progress)
    results = expert_results(_continue, jobs, args.workers, env_cfg, expert_cfg, None)
    try:
        for episode, _ in results:
            kept.append(episode)
            solved += episode.success
            bar.update(1)
            bar.set_postfix(solved=f'{solved / len(kept):.2f}')
    except KeyboardInterrupt:
        interrupted = True
        log.warning('interrupted: writing the %d continuations finished so far', len(kept))
    finally:
        bar.close()
        results.close()  # stops the pool
    if not kept:
        raise KeyboardInterrupt if interrupted else ValueError('the learner visited no state '
                                                               'to continue from')
    provenance = {'checkpoint': str(args.checkpoint), 'learner': source.describe(),
                  'rollout_seed': args.seed, 'rollouts': args.rollouts,
                  'learner_success_rate': learner['success_rate'], 'every': args.every,
                  'steps': args.steps, 'expert_seed': '1000 * rollout_seed + step',
                  'env_config': to_dict(env_cfg), 'expert_config': to_dict(expert_cfg)}
    observed = (kept if observe is None else  # one at a time: a camera's frames are large
                (observe(e, env_cfg.tasks[e.task]) for e in kept))
    write_episodes(observed, out, overwrite=args.overwrite, robot=robot,
                   goal_poses=env_cfg.tasks,
                   description='MPC expert continuations from states an lwd_ros policy reached',
                   algorithm_name='lwd_ros MPC expert (DAgger continuations)',
                   extra_metadata={'dagger': provenance})
    return {'path': str(out), 'episodes': len(kept), 'start_states': len(starts),
            'learner_success_rate': learner['success_rate'],
            'learner_mean_max_coverage': learner['mean_max_coverage'],
            'continuation_success_rate': solved / len(kept),
            'steps': int(sum(len(e) for e in kept)),
            'wall_time_s': round(time.perf_counter() - t_start, 2),
            'workers': args.workers, 'interrupted': interrupted, 'complete': not interrupted}


def run(args) -> int:
    return run_collect(dagger, args, command='dagger')
