# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""From demonstrations to what every method's model sees, before any method is involved.

The robot the data is checked against, the extra episodes an env's augmentation adds, and
the feature space (features, task frames, relative actions, normalisation) fitted on the
training episodes; the checkpoint meta records all of it, whichever method trains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import logging
from typing import Any

import numpy as np

from lwd_ros.config import load_ref
from lwd_ros.contract import RobotContract, get_contract
from lwd_ros.data.episode import Episode
from lwd_ros.experiment import DataConfig
from lwd_ros.runtime.features import (
    FeatureMap,
    ModelSpace,
    PlanarFrames,
    feature_floors,
    feature_names,
)

log = logging.getLogger(__name__)


def fit_model_space(data: DataConfig, spec: RobotContract, episodes: Sequence[Episode],
                    task_poses: Mapping[str, Sequence[float]] | None) -> ModelSpace:
    """The features, task frames and normalisation of ``data`` fitted on ``episodes``."""
    obs_dim = episodes[0].observations.shape[1]
    if len(spec.obs_names) != obs_dim:
        raise ValueError(f'env {spec.name!r} observes {list(spec.obs_names)}; the '
                         f'demonstrations have {obs_dim} entries per observation')
    frames = None
    if data.goal_frame:
        if task_poses is None:
            raise ValueError('data.goal_frame needs the tasks\' goal poses (dataset metadata)')
        if not (spec.frame_points or spec.angles):
            raise ValueError(f'data.goal_frame: env {spec.name!r} declares no planar points '
                             'or angles to express in a task frame')
        frames = PlanarFrames(task_poses, spec.frame_dims, spec.action_points, spec.angle_dims)
    features = FeatureMap(feature_names(spec.obs_names, spec.angle_dims), spec.obs_names)
    relative = ()
    if data.relative_actions:
        feedback = spec.position_feedback()
        if len(feedback) != spec.act_dim:
            raise ValueError(f'data.relative_actions: env {spec.name!r} observes the positions '
                             f'of {sorted(feedback.values())} only, not every commanded joint')
        relative = tuple((j, features.features.index(n)) for j, n in sorted(feedback.items()))
    return ModelSpace.fit(episodes, features, frames, relative,
                          feature_floors(spec, features.features), spec.perceived())


def robot_for(robot: str, stored: RobotContract | None) -> RobotContract:
    """The robot to train for: ``data.robot`` checked against the dataset's, else the dataset's."""
    if not robot:
        if stored is None:
            raise ValueError('data.robot is empty and the dataset stores no robot contract: '
                             'set data.robot (a contract YAML or a shipped name)')
        return stored
    contract = get_contract(robot)
    problems = stored.differences(contract) if stored is not None else []
    if problems:
        raise ValueError(f'data.robot {robot!r} is not the robot the dataset recorded '
                         f'({stored.name}): ' + '; '.join(problems))
    return contract


def augmentations(data: DataConfig, sim: Any | None, episodes: Sequence[Episode],
                  task_poses: Mapping[str, Sequence[float]] | None) -> list[Episode]:
    """The extra training episodes ``data.augment`` asks the robot's sim for (may be none).

    ``sim``: its spec (``lwd_ros.sims.find_sim``), None for a robot without a simulator.
    """
    if not data.augment:
        return []
    if sim is None or not sim.augment or task_poses is None:
        raise ValueError(f'data.augment: robot {data.robot!r} has no sim declaring an '
                         'augmentation, or the dataset has no goal poses')
    extra = load_ref(sim.augment)(episodes, task_poses)
    log.info('data.augment: %d extra episodes from %d', len(extra), len(episodes))
    return extra


def observation_range(episodes: Sequence[Episode], contract: RobotContract
                      ) -> tuple[tuple[float, ...], ...]:
    """Per-entry minimum and maximum of the raw observations (the meta's training range).

    A camera's features are the spatial softmax's keypoints: their range is ``[-1, 1]``.
    """
    obs = np.concatenate([e.observations for e in episodes])
    low, high = obs.min(0), obs.max(0)
    perceived = np.isin(contract.obs_names, contract.perceived())
    low[perceived], high[perceived] = -1.0, 1.0
    return tuple(low.tolist()), tuple(high.tolist())
