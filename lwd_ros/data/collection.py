# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What every env's ``lwd collect`` shares: quotas, path checks, the scripted-expert loop."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
import dataclasses
from dataclasses import dataclass
import logging
from pathlib import Path
import sys
import tempfile
import time
import warnings

from lwd_ros.config import load_ref
from lwd_ros.report import emit_json


def check_json_path(path: str) -> None:
    """Raise PermissionError now if a ``--json`` summary could not be written later."""
    p = Path(path).expanduser()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists():
            with open(p, 'a'):  # appends nothing: the old summary stays until replaced
                pass
        else:
            tempfile.TemporaryFile(dir=p.parent).close()
    except OSError as exc:
        raise PermissionError(f'cannot write the JSON summary {p}: {exc}') from exc


def quotas(tasks: list[str], n: int) -> dict[str, int]:
    """``n`` episodes split as evenly as possible over ``tasks`` (the first ones get extra)."""
    return {t: n // len(tasks) + (i < n % len(tasks)) for i, t in enumerate(tasks)}


def run_collect(collect: Callable[[object], dict], args, command: str = 'collect') -> int:
    """Exit status of a collecting command: 2 on bad arguments (said why), 1 if short, else 0.

    Short: fewer episodes than asked, or ``summary['complete']`` false where it is given.
    """
    try:
        summary = collect(args)
    except (ValueError, FileExistsError, NotADirectoryError, PermissionError) as exc:
        print(f'lwd {command}: error: {exc}', file=sys.stderr)
        return 2
    emit_json(summary, args.json)
    complete = summary['complete'] if 'complete' in summary else \
        summary['episodes'] == args.episodes
    return 0 if complete else 1


def add_collect_arguments(parser, out: str, episodes: int, noise_unit: str = '') -> None:
    """The flags of a scripted expert's ``lwd collect`` (``collect_by_task`` reads them).

    ``noise_unit``: the command's unit where the env offers DART noise (``--action-noise``).
    """
    parser.add_argument('--out', default=out, help='dataset directory')
    parser.add_argument('--episodes', type=int, default=episodes, help='episodes to keep')
    parser.add_argument('--tasks', default='all',
                        help='comma-separated task names, or "all" (split evenly)')
    parser.add_argument('--seed', type=int, default=0, help='first reset seed')
    noisy = (  # flag, default, metavar, help
        ('--action-noise', 0.0, 'STD',
         f'DART: std ({noise_unit}) of correlated noise on the executed commands'),
        ('--noise-correlation', 0.7, 'RHO',
         'AR(1) coefficient of that noise (0 = white; default 0.7)'),
        ('--operator-drift', 0.0, 'STD', f'a human-like operator: slow AR(1) drift '
         f'({noise_unit}) on the executed commands, which the dataset records (0 = off)'),
        ('--operator-hesitation', 0.0, 'P',
         'probability per step that the operator pauses 3-10 steps'))
    for flag, default, metavar, text in noisy if noise_unit else ():
        parser.add_argument(flag, type=float, default=default, metavar=metavar, help=text)
    parser.add_argument('--include-failures', action='store_true',
                        help='keep failed attempts too (default: successful only)')
    parser.add_argument('--max-attempts', type=int, default=None,
                        help='give up after this many attempts (default: 2 x episodes + 10)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing dataset')
    parser.add_argument('--json', default=None, metavar='PATH', help='write a JSON summary')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')


def operator_of(args):
    """The ``Operator`` ``--operator-*`` describe, or None (``lwd_ros.data.operator``)."""
    from lwd_ros.data.operator import Operator

    op = Operator(drift=getattr(args, 'operator_drift', 0.0),
                  hesitation=getattr(args, 'operator_hesitation', 0.0))
    return op if op.active else None


def roll_out(env, act: Callable, task: str, seed: int, max_steps: int, noise=None,
             operator=None) -> tuple:
    """A scripted expert's episode in a contract env from reset ``seed``; a pure function of both.

    ``act(obs) -> command``. ``noise``: an ``ActionNoise`` (DART) added to the executed
    commands; the episode records the expert's clean ones. ``operator``: a
    ``lwd_ros.data.operator.Operator`` between the expert and the robot (slow drift, pauses);
    the episode records what it executed, as a teleoperated bag would. The episode stops at
    the first success. Returns ``(episode, stats)`` with ``steps``, ``success`` and the
    operator's ``pauses``.
    """
    import numpy as np

    from lwd_ros.data.episode import Episode

    dim = env.action_space.shape[0]
    obs, info = env.reset(seed=seed, options={'task': task})
    perturb = (noise.sequence(np.random.default_rng(seed), max_steps, dim)
               if noise is not None else np.zeros((max_steps, dim)))
    hand = operator.episode(seed, dim) if operator is not None else None
    observations, actions = [obs], []
    for t in range(max_steps):
        action = act(obs)
        if hand is not None:
            action = np.clip(hand.step(action), env.action_space.low, env.action_space.high)
        obs, _, terminated, truncated, info = env.step(action + perturb[t])
        observations.append(obs)
        actions.append(action)
        if terminated or truncated:
            break
    episode = Episode(np.array(observations), np.array(actions).reshape(-1, dim), task, seed,
                      bool(info['success']))
    return episode, {'steps': len(actions), 'success': episode.success,
                     'pauses': hand.pauses if hand is not None else 0}


@dataclass(frozen=True)
class ExpertCollect:
    """A scripted expert's ``lwd collect --robot <name>``: what one sim's differs by, as data.

    A sim package's ``collect`` module (``EnvSpec.collect``) is then one ``ExpertCollect`` and
    its ``add_arguments``/``run``; ``collect_by_task`` does the rest. With ``noise_unit`` the
    DART noise and the simulated operator of ``add_collect_arguments`` are offered, passed to
    the expert and stored in the dataset's metadata, and the description says when a
    simulated human drove.

    Args:
        env_name: the sim plugin (the dataset's env).
        tasks: the tasks ``--tasks`` picks from.
        env: ``module:Class`` of the env, built with no arguments when collecting.
        expert: ``module:function`` ``run_episode(env, task, seed, **kwargs) -> (Episode,
            stats)``; with ``noise_unit`` it takes ``noise=`` and ``operator=``.
        out: the default dataset directory.
        episodes: the default number of episodes.
        description: the dataset's description.
        algorithm_name: the dataset's algorithm name.
        noise_unit: the command's unit, where the expert takes noise and an operator; '' =
            neither.
        quiet: ignore warnings while collecting (experts that warn on every clipped action).
    """

    env_name: str
    tasks: Sequence[str]
    env: str
    expert: str
    out: str
    episodes: int
    description: str
    algorithm_name: str
    noise_unit: str = ''
    quiet: bool = False

    def add_arguments(self, parser) -> None:
        add_collect_arguments(parser, self.out, self.episodes, noise_unit=self.noise_unit)

    def collect(self, args) -> dict:
        """Run the expert until every task's quota is filled; write the dataset; the summary."""
        tasks = task_list(args.tasks, self.tasks)
        kwargs, extra, description = {}, None, self.description
        if self.noise_unit:
            from lwd_ros.data.action_noise import ActionNoise

            noise = (ActionNoise(args.action_noise, args.noise_correlation)
                     if args.action_noise else None)
            operator = operator_of(args)
            kwargs = {'noise': noise, 'operator': operator}
            extra = {'action_noise': {'std': args.action_noise,
                                      'correlation': args.noise_correlation} if noise else None,
                     'operator': dataclasses.asdict(operator) if operator else None}
            description += ', through a simulated human operator' if operator else ''
        with warnings.catch_warnings():
            if self.quiet:
                warnings.simplefilter('ignore')
            return collect_by_task(
                args, env_name=self.env_name, env=load_ref(self.env)(), tasks=tasks,
                run_episode=load_ref(self.expert), description=description,
                algorithm_name=self.algorithm_name, extra=extra, **kwargs)

    def run(self, args) -> int:
        return run_collect(self.collect, args)


def task_list(text: str, known: Sequence[str]) -> list[str]:
    """``--tasks``: ``all`` or comma-separated names, each one of ``known``."""
    tasks = list(known) if text == 'all' else text.split(',')
    unknown = [t for t in tasks if t not in known]
    if unknown:
        raise ValueError(f'unknown task(s) {unknown}; valid tasks: {list(known)}')
    return tasks


def collect_by_task(args, *, env_name: str, env, tasks: list[str],
                    run_episode: Callable[..., tuple], description: str, algorithm_name: str,
                    extra: dict | None = None, **episode_kwargs) -> dict:
    """A scripted expert's episodes, task by task, into a Minari dataset; the summary.

    Attempt ``i`` runs ``tasks[i % len(tasks)]`` from reset seed ``args.seed + i`` until every
    task's quota of ``args.episodes`` is filled (at most ``args.max_attempts``), keeping the
    successful ones unless ``args.include_failures``: the dataset is a pure function of the
    arguments. ``run_episode(env, task, seed, **episode_kwargs) -> (Episode, stats)``.
    """
    from tqdm import tqdm

    from lwd_ros.data.minari_io import check_writable, write_episodes

    if args.episodes < 1:
        raise ValueError(f'--episodes ({args.episodes}) must be >= 1')
    out = check_writable(args.out, args.overwrite)
    if args.json:
        check_json_path(args.json)
    quota = quotas(tasks, args.episodes)
    max_attempts = args.max_attempts or 2 * args.episodes + 10
    kept, per_task = [], {t: Counter() for t in tasks}
    t_start = time.perf_counter()
    bar = tqdm(total=args.episodes, desc='collect', unit='ep', disable=args.no_progress)
    for i in range(max_attempts):
        task = tasks[i % len(tasks)]
        if sum(e.task == task for e in kept) >= quota[task]:
            continue
        episode, _ = run_episode(env, task, args.seed + i, **episode_kwargs)
        per_task[task]['attempts'] += 1
        per_task[task]['successes'] += episode.success
        if episode.success or args.include_failures:
            kept.append(episode)
            bar.update(1)
        if len(kept) == args.episodes:
            break
    bar.close()
    env.close()
    attempts = sum(c['attempts'] for c in per_task.values())
    if len(kept) < args.episodes:
        logging.getLogger(__name__).warning('only %d of %d episodes after %d attempts',
                                            len(kept), args.episodes, attempts)
    write_episodes(kept, out, overwrite=args.overwrite, robot=env_name, description=description,
                   algorithm_name=algorithm_name,
                   extra_metadata={'collect': {'seed': args.seed, 'tasks': tasks,
                                               'include_failures': args.include_failures,
                                               **(extra or {})}})
    return {
        'path': str(out), 'env': env_name, 'episodes': len(kept), 'attempts': attempts,
        'success_rate': sum(c['successes'] for c in per_task.values()) / max(attempts, 1),
        'steps': int(sum(len(e) for e in kept)),
        'mean_steps': float(sum(len(e) for e in kept) / max(len(kept), 1)),
        'wall_time_s': round(time.perf_counter() - t_start, 2), 'seed': args.seed,
        'per_task': {t: {**c, 'expert_success_rate': c['successes'] / max(c['attempts'], 1)}
                     for t, c in per_task.items()},
    }
