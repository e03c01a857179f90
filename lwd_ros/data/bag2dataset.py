# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd bag2dataset``: rosbag2 demonstrations -> the Minari dataset ``lwd train`` reads.

Bags of ``demo_recorder`` or of a plain ``ros2 bag record`` of a robot contract's topics,
MCAP or sqlite3 (directories or bare ``.mcap``/``.db3`` files). Episodes are cut at the episode
markers when the bag has them, else at resets, task switches and gaps, and sampled at the
policy rate (``lwd_ros.data.bag_episodes``)::

    lwd bag2dataset demos_2026_11_25-10_00_00 demos_2026_11_25-11_00_00 --out datasets/real
    lwd bag2dataset hw.mcap --out datasets/hw --object-pose-topic /mocap/object/pose --task TASK
    lwd bag2dataset rosbag2_2026_12_05 --robot my_arm.yaml --out datasets/my_arm --task pick

The robot (observation layout, joints, topics) is ``--robot`` (a contract YAML), else the
contract ``demo_recorder`` stored in the bag, else the default robot. No simulator is needed:
the dataset's spaces come from the contract.

A damaged bag (recorder killed, disk full) stops the conversion with a message naming the
file and what could be salvaged; ``--salvage`` converts what is readable instead.

Failed demonstrations: each episode's outcome is the sim's episode markers where the bag has
them, else the teleoperator's last ``lwd mark success|fail`` before the reset, else
``unknown`` (stored as not a success, with ``outcome: unknown`` in the episode's metadata:
never silently a success). The summary lists every converted episode with its 1-based index
(the order converted: bags in the order given, episodes in time order), task, steps,
outcome and its source. A second run drops episodes: ``--drop-episodes 3,7,12`` (those
indices; they do not shift with the other options) and ``--successes-only`` (keep only
known successes: failures and unlabelled episodes are dropped and counted). Without them every
episode is kept and ``lwd train`` learns from all of them, as before marks existed::

    lwd bag2dataset demos/ --out datasets/lab --successes-only --drop-episodes 4,9
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import asdict, fields
import logging
import sys
import time

import numpy as np

from lwd_ros.report import emit_json

log = logging.getLogger(__name__)

TOPIC_FLAGS = ('joint_states', 'object_pose', 'command', 'task', 'episode', 'intended')
SOURCES = {'markers': 'sim marker', 'uniform': 'lwd mark'}  # grid -> who gave the outcome


def episode_indices(text: str) -> tuple[int, ...]:
    """``'3,7,12'`` or ``'3-5,9'`` -> sorted 1-based indices (``--drop-episodes``).

    Ranges because a teleoperator who knows demos 20-29 were botched should not type ten
    numbers. The upper bound is checked against the converted count later.
    """
    out = set()
    for part in filter(None, (p.strip() for p in text.split(','))):
        first, sep, last = part.partition('-')
        try:
            a = int(first)
            b = int(last) if sep else a
        except ValueError:
            raise argparse.ArgumentTypeError(
                f'{part!r} is not an episode index or range (e.g. 3,7,12 or 3-5)') from None
        if a < 1 or b < a:
            raise argparse.ArgumentTypeError(
                f'{part!r}: episode indices start at 1 and ranges go up (e.g. 3-5)')
        out.update(range(a, b + 1))
    if not out:
        raise argparse.ArgumentTypeError(f'no episode index in {text!r}')
    return tuple(sorted(out))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('bags', nargs='+', metavar='BAG',
                        help='bag directories or .mcap/.db3 files, converted in order')
    parser.add_argument('--out', required=True, help='dataset directory (local path)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing dataset')
    parser.add_argument('--config', default=None, metavar='YAML',
                        help='conversion settings (keys of ConvertConfig); flags override')
    parser.add_argument('--rate', type=float, help='policy rate, Hz (default 10)')
    parser.add_argument('--grid', choices=('auto', 'markers', 'uniform'),
                        help='policy steps from episode markers, or every 1/rate s (auto: '
                             'markers when the bag has them)')
    parser.add_argument('--task', help='task of episodes with no marker task and no /lwd/task')
    parser.add_argument('--robot', '--env', dest='robot',
                        help='robot contract the bags recorded: a YAML file or a shipped '
                        "robot's name (default: stored by the recorder, else the default)")
    parser.add_argument('--actions', choices=('command', 'next_positions'),
                        help='actions from the command topic (default), or the next observed '
                        'joint positions (kinesthetic teaching, no command topic)')
    parser.add_argument('--joint-names', nargs='+', metavar='JOINT',
                        help="commanded joints in the joint states, in action order (default: "
                             "stored by the recorder, else the robot contract's)")
    for role in TOPIC_FLAGS:
        parser.add_argument(f'--{role.replace("_", "-")}-topic', dest=f'{role}_topic',
                            metavar='TOPIC', help=f'{role} topic (default: the contract\'s)')
    parser.add_argument('--max-gap', type=float, help='s of state silence that split (0.5)')
    parser.add_argument('--reset-jump', type=float,
                        help='m jump between messages that marks a reset (0.05)')
    parser.add_argument('--min-steps', type=int, help='drop shorter episodes (5)')
    parser.add_argument('--drop-partial', action='store_true', default=None,
                        help='drop marker episodes whose start or end was not recorded')
    parser.add_argument('--salvage', action='store_true', default=None,
                        help='convert what damaged bags still hold instead of failing')
    parser.add_argument('--env-config', default='',
                        help="the env's config: goal pose of each task (coverage, rewards); "
                             "'' = the env's default")
    parser.add_argument('--set', dest='env_set', action='append', default=[],
                        metavar='KEY=VALUE', help='override an env config key')
    parser.add_argument('--successes-only', action='store_true',
                        help='keep only episodes known to have succeeded (sim marker or '
                             '`lwd mark success`); failed and unlabelled ones are dropped')
    parser.add_argument('--drop-episodes', type=episode_indices, default=(), metavar='LIST',
                        help="drop these episodes, e.g. '3,7,12' or '3-5': 1-based indices "
                             'in the order converted, as the summary lists them')
    parser.add_argument('--json', default=None, metavar='PATH', help='write a JSON summary')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')


def convert_config(args):
    """``ConvertConfig`` from ``--config`` plus the flags given."""
    from lwd_ros.config import from_dict, load_config
    from lwd_ros.contract import get_contract
    from lwd_ros.data.bag_reader import ConvertConfig
    from lwd_ros.data.bags import DemoTopics

    base = load_config(ConvertConfig, args.config) if args.config else ConvertConfig()
    data = {f.name: getattr(base, f.name) for f in fields(base)}
    for key in ('robot', 'rate', 'grid', 'task', 'joint_names', 'max_gap', 'reset_jump',
                'min_steps', 'drop_partial', 'salvage', 'actions'):
        if getattr(args, key) is not None:
            data[key] = getattr(args, key)
    given = {r: getattr(args, f'{r}_topic') for r in TOPIC_FLAGS
             if getattr(args, f'{r}_topic') is not None}
    if given:  # flags replace the bag's stored topic map; roles not given take the robot's
        if base.topics is None and not data['robot']:
            flag = next(iter(given)).replace('_', '-')
            raise ValueError(f"--{flag}-topic needs --robot: the roles not given take the "
                             "robot's topics")
        topics = base.topics or DemoTopics.for_contract(get_contract(data['robot']))
        data['topics'] = asdict(topics) | given
    elif base.topics is not None:
        data['topics'] = asdict(base.topics)
    return from_dict(ConvertConfig, data)


def _report_json(report) -> dict:
    out = {k: v for k, v in asdict(report).items() if k not in ('notes', 'frame_times')}
    out['path'] = str(report.path)
    out['notes'] = asdict(report.notes) if report.notes else None
    return out


def convert(args) -> dict:
    """Read every bag, write the dataset, return a summary."""
    from tqdm import tqdm

    from lwd_ros.config import to_dict
    from lwd_ros.data.bag_reader import bag_to_episodes
    from lwd_ros.data.bags import BagError
    from lwd_ros.data.collection import check_json_path
    from lwd_ros.data.minari_io import check_writable, write_episodes

    cfg = convert_config(args)
    out = check_writable(args.out, args.overwrite)  # before any work is done
    if args.json:
        check_json_path(args.json)
    t0 = time.perf_counter()
    episodes, reports, sources = [], [], []
    for bag in tqdm(args.bags, desc='bag2dataset', unit='bag', disable=args.no_progress):
        try:
            eps, report = bag_to_episodes(bag, cfg)
        except BagError as e:
            if not (cfg.salvage and e.partial is not None):
                raise
            log.warning('%s', e)  # salvage: a bag with nothing readable adds nothing
            eps, report = e.partial
        log.info('%s: %d episodes, %d steps (%s grid)', bag, report.episodes, report.steps,
                 report.notes.grid if report.notes else '-')
        episodes += eps
        reports.append(report)
        source = SOURCES.get(report.notes.grid if report.notes else '', 'none')
        sources += [(str(bag), source if e.success_known else 'none') for e in eps]
    if not episodes:
        raise ValueError(f'no episodes in {len(args.bags)} bag(s); see the log for what was '
                         'dropped (--min-steps, --drop-partial, --max-gap)')
    table = _episode_table(episodes, sources, getattr(args, 'drop_episodes', ()),
                           getattr(args, 'successes_only', False))
    converted = len(episodes)
    kept = [i for i, row in enumerate(table) if row['kept']]
    episodes = [episodes[i] for i in kept]
    sources = [table[i]['source'] for i in kept]
    contract, goal_poses = _robot_of(reports, args)
    dt = 1.0 / contract.policy_rate
    _check_tasks(contract, episodes)
    periods = [float(np.median(np.diff(e.timestamps))) for e in episodes if len(e) > 1]
    period = float(np.median(periods)) if periods else 0.0
    if period and abs(period - dt) > 0.1 * dt:
        log.warning('policy steps are %.3f s apart but the env steps %.3f s: record at the '
                    'env rate (or pass --grid uniform --rate %g)', period, dt, 1 / dt)
    write_episodes(episodes, out, overwrite=args.overwrite, robot=contract,
                   goal_poses=goal_poses,
                   description=f'{contract.name} demonstrations recorded through ROS (rosbag2)',
                   algorithm_name='lwd_ros bag2dataset',
                   outcome_sources=sources,
                   extra_metadata={'bag2dataset': {
                       'bags': [str(b) for b in args.bags], 'config': to_dict(cfg),
                       'successes_only': bool(getattr(args, 'successes_only', False)),
                       'drop_episodes': list(getattr(args, 'drop_episodes', ())),
                       'episodes': table}})
    return {
        'path': str(out), 'robot': contract.name, 'episodes': len(episodes),
        'steps': int(sum(map(len, episodes))),
        'step_period_s': round(period, 6),
        'tasks': dict(sorted(Counter(e.task for e in episodes).items())),
        'successes': int(sum(e.success for e in episodes)),
        'outcomes': _outcome_counts(episodes),
        'converted': converted,
        'frames': {k: sum(r.frames.get(k, 0) for r in reports) for k in ('decoded', 'replaced')},
        'dropped': _dropped_counts(table),
        'wall_time_s': round(time.perf_counter() - t0, 2),
        'bags': [_report_json(r) for r in reports],
        'per_episode': table,
    }


def _episode_table(episodes, sources, drop=(), successes_only=False) -> list[dict]:
    """One row per converted episode: what it is, its outcome, and whether it is kept.

    Indices are 1-based in the order converted and fixed before any dropping, so the numbers
    a teleoperator read in one run's summary name the same episodes in the next run.

    Raises:
        ValueError: an index of ``drop`` beyond the converted episodes.
    """
    n = len(episodes)
    beyond = [i for i in drop if i > n]
    if beyond:
        raise ValueError(f'--drop-episodes {",".join(map(str, beyond))}: the bags hold episodes '
                         f'1-{n} (1-based, in the order converted)')
    table = []
    for i, (ep, (bag, source)) in enumerate(zip(episodes, sources), 1):
        dropped = ('listed (--drop-episodes)' if i in drop else
                   f'{ep.outcome} (--successes-only)' if successes_only
                   and ep.outcome != 'success' else None)
        table.append({'index': i, 'bag': bag, 'task': ep.task, 'steps': len(ep),
                      'outcome': ep.outcome, 'source': source, 'kept': dropped is None,
                      'dropped': dropped})
    counts = _dropped_counts(table)
    if counts['total']:
        log.warning('dropped %d of %d episodes: %d listed (--drop-episodes), %d failed and %d '
                    'with no outcome (--successes-only)', counts['total'], n,
                    len(counts['listed']), counts['fail'], counts['unknown'])
    unknown = sum(row['kept'] and row['outcome'] == 'unknown' for row in table)
    if unknown:
        log.warning('%d kept episodes have no outcome (no sim marker, no `lwd mark`): stored '
                    "as outcome 'unknown', not as successes; --successes-only drops them",
                    unknown)
    if counts['total'] == n:
        raise ValueError(f'all {n} converted episodes were dropped ({len(counts["listed"])} '
                         f'listed, {counts["fail"]} failed, {counts["unknown"]} with no outcome); '
                         'label successes with `lwd mark success` while recording, or drop '
                         'fewer')
    return table


def _outcome_counts(episodes) -> dict[str, int]:
    counts = Counter(e.outcome for e in episodes)
    return {k: int(counts[k]) for k in ('success', 'fail', 'unknown')}


def _dropped_counts(table) -> dict:
    """Totals of what was dropped and why (an episode listed and failed counts as listed)."""
    reasons = [row['dropped'] for row in table if row['dropped']]
    return {'total': len(reasons),
            'listed': [row['index'] for row in table if row['dropped'] and 'listed' in
                       row['dropped']],
            'fail': sum(r.startswith('fail') for r in reasons),
            'unknown': sum(r.startswith('unknown') for r in reasons)}


def _robot_of(reports, args):
    """The one robot the bags recorded, and its task poses (None for robots without any)."""
    from lwd_ros.config import load_ref
    from lwd_ros.sims import find_sim

    contracts = {r.contract.name: r.contract for r in reports if r.contract}
    if len(contracts) != 1:
        raise ValueError(f'the bags recorded robots {sorted(contracts)}; convert one robot per '
                         'dataset')
    contract = next(iter(contracts.values()))
    sim = find_sim(contract.name)  # a sim's tasks may be goal poses
    poses = (load_ref(sim.task_poses)(args.env_config or None, args.env_set)
             if sim and sim.task_poses and not sim.contract.differences(contract) else None)
    return contract, poses


def _check_tasks(contract, episodes) -> None:
    unknown = sorted({e.task for e in episodes} - set(contract.tasks))
    if unknown:
        raise ValueError(f'episodes of tasks {unknown}, which {contract.name} does not list '
                         f'(tasks: {list(contract.tasks)}); add them to the contract or pass '
                         '--task')


def run(args) -> int:
    from lwd_ros.data.bags import BagError

    try:
        summary = convert(args)
    except (BagError, FileNotFoundError, ValueError, FileExistsError, NotADirectoryError,
            PermissionError) as exc:
        print(f'lwd bag2dataset: error: {exc}', file=sys.stderr)
        return 2
    emit_json(summary, args.json)
    return 0
