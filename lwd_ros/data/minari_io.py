# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Demonstrations as local Minari datasets: ``write_episodes`` and ``load_episodes``.

Training reads datasets only through ``load_episodes``, so this is the one place that knows
the on-disk format. Layout (Minari's own, HDF5 backend)::

    PATH/data/metadata.json     Minari metadata + an ``lwd_ros`` section (tasks, provenance)
    PATH/data/main_data.hdf5    one group per episode

Open it with Minari directly as ``minari.MinariDataset(PATH / 'data')``. Per episode:

* ``observations (T + 1, obs_dim)`` float64 in the order of the robot contract's observation
  names, ``actions (T, act_dim)`` float32 in the order of its commanded joints. A robot with
  cameras (``image`` blocks) observes a Minari ``Dict`` instead: ``state`` as above (each
  camera's feature entries zero: the encoder computes them while it trains) and, per camera
  (``image.key(block)``), its frames ``(T + 1, height, width, channels)`` uint8 as
  ``image.decode`` gives them, stored lossless (not Minari's JPEG: it moves the keypoints
  the encoder learns at 96 x 96; 27.6 kB per 96 x 96 RGB frame);
* ``rewards (T,)`` and per-state ``infos`` from the spec's ``step_signals`` hook (e.g.
  ``clip(coverage / 0.95, 0, 1)`` and the coverage); without one, 1 on the final step of a
  successful episode; ``terminations`` true on the last step of a successful episode,
  ``truncations`` true on the last step of a failed one;
* the task label, twice, because Minari's ``EpisodeData`` has no metadata field: in the
  episode's Minari metadata as the reset options ``{'task': name}`` next to the reset
  ``seed`` (``env.reset(seed=seed, options=options)`` replays the initial state), and per step
  in ``infos['task_id']`` (index into ``metadata['lwd_ros']['task_names']``), so code that
  only iterates ``EpisodeData`` still sees it. ``infos`` also holds ``success`` for each of
  the ``T + 1`` states. ``metadata['lwd_ros']['env']`` names the robot (its contract);
* the outcome, in the episode's Minari metadata: ``success`` (bool) and ``outcome``
  (``'success'``, ``'fail'`` or ``'unknown'``: a bag episode nobody labelled is stored as not
  a success, and ``outcome`` says that it is not a known failure either); ``outcome_source``
  where the writer knows it (``bag2dataset``: ``sim marker``, ``lwd mark`` or ``none``).
  ``episode_outcomes`` reads them back; datasets from before the ``outcome`` key read as
  ``'success'``/``'fail'`` from ``success``.

Training (``load_training_set``) uses every stored episode whatever its outcome, as it always
has: filtering is a conversion decision (``lwd bag2dataset --successes-only``,
``lwd collect`` without ``--include-failures``), so that the dataset on disk is exactly what
a model learns from.

Writing goes to a temporary sibling directory that is renamed into place at the end, so an
interrupted or failed write never leaves half a dataset, and an existing dataset is only
replaced (``overwrite=True``) once the new one is complete. Episodes are written one at a
time as they come from the iterable, so a conversion need not hold every frame at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
import json
import os
from pathlib import Path
import shutil
import tempfile
from typing import Any

import numpy as np

from lwd_ros.config import load_ref
from lwd_ros.contract import RobotContract, get_contract
from lwd_ros.data.episode import Episode
from lwd_ros.observations import get_kind, image
from lwd_ros.sims import find_sim

FORMAT_VERSION = 1
STATE_KEY = 'state'  # the named entries, beside the frames, of a robot with cameras
OUTCOMES = ('success', 'fail', 'unknown')


def _data_dir(path: Path) -> Path:
    return path if (path / 'metadata.json').is_file() else path / 'data'


def check_writable(path: str | os.PathLike, overwrite: bool = False) -> Path:
    """Fail early, with a clear message, if a dataset cannot be written to ``path``.

    Raises:
        FileExistsError: ``path`` holds something and ``overwrite`` is false.
        NotADirectoryError: ``path`` is a file.
        PermissionError: the parent directory cannot be created or written.
    """
    path = Path(path).expanduser().resolve()
    if path.is_file():
        raise NotADirectoryError(f'dataset path {path} is a file, not a directory')
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise FileExistsError(f'dataset {path} already exists; pass --overwrite to replace it '
                              '(the old one is kept until the new one is complete)')
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryDirectory(dir=parent).cleanup()
    except OSError as exc:
        raise PermissionError(f'cannot write a dataset under {parent}: {exc}') from exc
    return path


def success_signals(ep: Episode, goal_pose: Any = None) -> dict[str, np.ndarray]:
    """Rewards and per-state infos of an env without a shaped signal: success at the end."""
    T = len(ep)
    success = np.zeros(T + 1, bool)
    success[-1] = ep.success
    return {'rewards': success[1:].astype(np.float64), 'success': success}


def _episode_buffer(ep: Episode, index: int, task_ids: Mapping[str, int],
                    goal_poses: Mapping[str, Any], signals: Any, frame_keys: Sequence[str]):
    from minari.data_collector import EpisodeBuffer

    if ep.task not in task_ids:
        raise ValueError(f'episode {index}: unknown task {ep.task!r}; known: {list(task_ids)}')
    if set(ep.frames) != set(frame_keys):
        raise ValueError(f'episode {index}: frames of {sorted(ep.frames)}, the robot\'s '
                         f'cameras are {sorted(frame_keys)}')
    infos = dict(signals(ep, goal_poses.get(ep.task)))
    rewards = infos.pop('rewards')
    T = len(ep)
    terminations = np.zeros(T, bool)
    truncations = np.zeros(T, bool)
    if T:
        terminations[-1] = ep.success
        truncations[-1] = not ep.success
    return EpisodeBuffer(
        id=index, seed=ep.seed, options={'task': ep.task},
        observations=(ep.observations.astype(np.float64) if not frame_keys else
                      {STATE_KEY: ep.observations.astype(np.float64),
                       **{k: ep.frames[k] for k in frame_keys}}),
        actions=ep.actions.astype(np.float32),
        rewards=np.asarray(rewards, np.float64).tolist(),
        terminations=terminations.tolist(), truncations=truncations.tolist(),
        infos={'task_id': np.full(T + 1, task_ids[ep.task], np.int32), **infos})


def write_episodes(episodes: Iterable[Episode], path: str | os.PathLike, *,
                   overwrite: bool = False, robot: str | RobotContract,
                   goal_poses: Mapping[str, Sequence[float]] | None = None,
                   description: str = 'demonstrations',
                   algorithm_name: str = 'lwd_ros',
                   extra_metadata: Mapping[str, Any] | None = None,
                   outcome_sources: Sequence[str] | None = None) -> Path:
    """Write episodes as a Minari dataset at ``path`` (see the module docstring for layout).

    Args:
        episodes: the demonstrations; each ``task`` must be one of the robot's tasks.
        path: dataset directory (created; must be empty unless ``overwrite``).
        overwrite: replace an existing dataset, only after the new one is complete.
        robot: the robot contract the episodes come from (or its name / YAML file). Its sim,
            where one is registered, gives the gymnasium spec and step signals; without one
            the dataset's spaces come from the contract (no simulator needed).
        goal_poses: task name -> goal pose, for envs whose tasks are goal poses (the spec's
            ``step_signals`` compute rewards and coverage from them; stored in the metadata).
        description: Minari description.
        algorithm_name: Minari algorithm name (what produced the data).
        extra_metadata: JSON-safe provenance stored under ``metadata['lwd_ros']``.
        outcome_sources: per episode, where its outcome came from (stored as the episode's
            ``outcome_source``); None: not stored.

    Returns:
        The resolved dataset path.
    """
    import gymnasium as gym
    import minari
    from minari.dataset.minari_storage import MinariStorage

    contract = robot if isinstance(robot, RobotContract) else get_contract(robot)
    sim = find_sim(contract.name)
    if sim is not None and sim.contract.differences(contract):
        sim = None  # same name, another robot: its sim code does not apply
    path = check_writable(path, overwrite)
    goal_poses = dict(goal_poses or {})
    task_names = sorted(set(goal_poses) | set(contract.tasks))
    task_ids = {name: i for i, name in enumerate(task_names)}
    signals = load_ref(sim.step_signals) if sim and sim.step_signals else success_signals
    cameras = camera_blocks(contract)

    # A sim's spaces are its env's, unless cameras make them a Dict the env does not have.
    spaces = contract_spaces(contract) if cameras or sim is None else {}
    if sim is not None:
        load_ref(sim.entry_point)  # importing the env module registers its gymnasium id
        spaces['env_spec'] = gym.spec(sim.gym_id)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{path.name}.partial-', dir=path.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a dataset is an ordinary directory
    try:
        # Frames lossless: a JPEG'd 96 x 96 frame moves the encoder's keypoints, and live
        # frames from a sim camera are raw.
        storage = MinariStorage.new(tmp / 'data', data_format='hdf5', jpeg_encoding=False,
                                    **spaces)
        outcomes = []
        for i, ep in enumerate(episodes):  # one at a time: frames are never all in memory
            storage.update_episodes([_episode_buffer(ep, i, task_ids, goal_poses, signals,
                                                     list(cameras))])
            outcomes.append({'success': bool(ep.success), 'outcome': ep.outcome})
        if outcome_sources is not None and len(outcome_sources) != len(outcomes):
            raise ValueError(f'{len(outcome_sources)} outcome sources for {len(outcomes)} '
                             'episodes')
        for meta, source in zip(outcomes, outcome_sources or ()):
            meta['outcome_source'] = str(source)
        if outcomes:
            storage.update_episode_metadata(outcomes, range(len(outcomes)))
        storage.update_metadata({
            'dataset_id': f'lwd_ros/{path.name}-v0',
            'minari_version': minari.__version__,
            'algorithm_name': algorithm_name,
            'description': description,
            'author': {'lwd_ros contributors'},
            'lwd_ros': {'format': FORMAT_VERSION, 'env': contract.name,
                        'robot': contract.to_dict(), 'task_names': task_names,
                        'goal_poses': {k: list(map(float, v)) for k, v in goal_poses.items()},
                        **dict(extra_metadata or {})},
        })
        _replace_dir(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def camera_blocks(contract: RobotContract) -> dict[str, Any]:
    """``{image.key(block): block}`` of the contract's image blocks, in contract order."""
    return {image.key(b): b for b in contract.observation if get_kind(b.kind).frames}


def contract_spaces(contract: RobotContract) -> dict[str, Any]:
    """Observation and action spaces of the contract's robot (the dataset's layout).

    A robot with cameras observes a ``Dict``: ``state`` (every named entry, the cameras'
    features zero) and each camera's frames, ``uint8 (height, width, channels)``.
    """
    from gymnasium.spaces import Box, Dict

    state = Box(-np.inf, np.inf, (len(contract.obs_names),), np.float64)
    cameras = camera_blocks(contract)
    frames = {key: Box(0, 255, (*b.image_size, image.ENCODINGS[b.encoding]), np.uint8)
              for key, b in cameras.items()}
    return {'observation_space': Dict({STATE_KEY: state, **frames}) if frames else state,
            'action_space': Box(np.asarray(contract.command.low, np.float32),
                                np.asarray(contract.command.high, np.float32))}


def _replace_dir(new: Path, path: Path) -> None:
    old = None
    if path.exists():
        old = Path(tempfile.mkdtemp(prefix=f'.{path.name}.old-', dir=path.parent))
        old.rmdir()
        path.rename(old)
    new.rename(path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_metadata(path: str | os.PathLike) -> dict[str, Any]:
    """The dataset's ``metadata.json`` as a dict (Minari keys plus ``lwd_ros``)."""
    data = _data_dir(Path(path).expanduser())
    meta_file = data / 'metadata.json'
    if not meta_file.is_file():
        raise FileNotFoundError(f'no Minari dataset at {path} (missing {meta_file})')
    return json.loads(meta_file.read_text())


def _outcome(ep_meta: Mapping[str, Any], terminations: Sequence[bool] = ()) -> str:
    """An episode's stored outcome; older datasets have only ``success``."""
    outcome = ep_meta.get('outcome')
    if outcome in OUTCOMES:
        return str(outcome)
    success = ep_meta.get('success', terminations[-1] if len(terminations) else False)
    return 'success' if bool(success) else 'fail'


def episode_outcomes(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Which stored episodes succeeded, without loading their data.

    Returns:
        One dict per episode, in the stored order: ``index`` (0-based, as Minari numbers
        them), ``task``, ``success`` (bool, False when unknown), ``outcome``
        (``'success'``, ``'fail'``, ``'unknown'``) and ``source`` (where the outcome came
        from; ``None`` where the writer did not say, e.g. ``lwd collect``'s sim episodes).
    """
    from minari.dataset.minari_storage import MinariStorage

    read_metadata(path)  # a clear error for a path without a dataset
    storage = MinariStorage.read(_data_dir(Path(path).expanduser()))
    out = []
    for i, ep_meta in enumerate(storage.get_episode_metadata(range(storage.total_episodes))):
        outcome = _outcome(ep_meta)
        out.append({'index': i, 'task': (ep_meta.get('options') or {}).get('task'),
                    'success': outcome == 'success', 'outcome': outcome,
                    'source': ep_meta.get('outcome_source')})
    return out


def load_episodes(path: str | os.PathLike) -> list[Episode]:
    """Read a dataset written by ``write_episodes`` (or ``lwd collect``) as ``Episode`` records.

    Observations come back float32 ``(T + 1, obs_dim)``, actions ``(T, act_dim)``, with the task
    name, reset seed and outcome (``success``, ``success_known``) of each episode, in the
    stored order.
    """
    from minari import MinariDataset

    meta = read_metadata(path)
    names = meta.get('lwd_ros', {}).get('task_names', [])
    dataset = MinariDataset(_data_dir(Path(path).expanduser()))
    storage = dataset.storage
    indices = list(range(dataset.total_episodes))
    metadatas = list(storage.get_episode_metadata(indices))
    episodes = []
    for ep_meta, data in zip(metadatas, storage.get_episodes(indices)):
        task = (ep_meta.get('options') or {}).get('task')
        if task is None and 'task_id' in data['infos'] and names:
            task = names[int(data['infos']['task_id'][0])]
        if task is None:
            raise ValueError(f'episode {ep_meta.get("id")} of {path} has no task label')
        outcome = _outcome(ep_meta, np.asarray(data['terminations'], bool))
        seed = ep_meta.get('seed')
        obs = data['observations']
        frames = {}
        if isinstance(obs, dict):  # a robot with cameras
            frames = {k: np.asarray(v, np.uint8) for k, v in obs.items() if k != STATE_KEY}
            obs = obs[STATE_KEY]
        episodes.append(Episode(observations=np.asarray(obs), frames=frames,
                                actions=np.asarray(data['actions']), task=str(task),
                                seed=None if seed is None else int(seed),
                                success=outcome == 'success',
                                success_known=outcome != 'unknown'))
    return episodes


def dataset_contract(paths: Sequence[str | os.PathLike]) -> RobotContract | None:
    """The robot contract the (first) dataset stores; None for datasets from before contracts.

    ``load_training_set`` has already checked that the datasets are of one robot.
    """
    info = read_metadata(paths[0]).get('lwd_ros', {})
    if info.get('robot'):
        return RobotContract.from_dict(info['robot'], f'{paths[0]} robot contract')
    return None


def load_training_set(paths: Sequence[str | os.PathLike]) -> tuple[list[Episode], dict]:
    """The episodes of several datasets of one env, in order, and their shared goal poses.

    Datasets are combined only when nothing would silently change meaning: the same env
    spec and the same pose for every goal both name (a task's frame is learnt from it).
    Every stored episode is returned whatever its outcome (failed and unlabelled ones
    included): what to learn from is decided when the dataset is made
    (``lwd bag2dataset --successes-only`` / ``--drop-episodes``).
    """
    if not paths:
        raise ValueError('no dataset given')
    episodes, env, poses = [], None, {}
    for path in paths:
        info = read_metadata(path).get('lwd_ros', {})
        if env is not None and info.get('env') != env:
            raise ValueError(f'{path} holds env {info.get("env")!r}, {paths[0]} env {env!r}: '
                             'datasets of different envs cannot be trained on together')
        env = info.get('env')
        for task, pose in (info.get('goal_poses') or {}).items():
            if task in poses and not np.allclose(poses[task], pose):
                raise ValueError(f'{path} puts goal {task!r} at {pose}, an earlier dataset at '
                                 f'{poses[task]}: re-collect one of them with the same goals')
            poses.setdefault(task, pose)
        episodes += load_episodes(path)
    return episodes, poses
