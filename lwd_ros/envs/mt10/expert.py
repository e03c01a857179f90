# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""MetaWorld's scripted experts (``metaworld.policies``) as MT10 demonstrators."""

from __future__ import annotations

import numpy as np

from lwd_ros.data.episode import Episode
from lwd_ros.envs.mt10.spec import MAX_EPISODE_STEPS, TASKS

# MetaWorld's policy class per task where its name is not the task's in CamelCase
_POLICY_NAMES = {'peg-insert-side-v3': 'SawyerPegInsertionSideV3Policy'}


def expert_policy(task: str):
    """The scripted expert of ``task``: ``get_action(raw 39-D obs) -> action``."""
    import metaworld.policies as policies

    if task not in TASKS:
        raise ValueError(f'unknown MT10 task {task!r}; valid tasks: {list(TASKS)}')
    camel = ''.join(w.capitalize() for w in task.removesuffix('-v3').split('-'))
    return getattr(policies, _POLICY_NAMES.get(task, f'Sawyer{camel}V3Policy'))()


def run_episode(env, task: str, seed: int,
                max_steps: int = MAX_EPISODE_STEPS) -> tuple[Episode, dict]:
    """Roll the task's expert out in an ``MT10Env`` from reset ``seed``; a pure function of both.

    Returns ``(episode, stats)``: the episode stops at the first success (as every env's
    demonstrations do) and ``stats`` holds ``steps`` and ``success``.
    """
    expert = expert_policy(task)
    obs, info = env.reset(seed=seed, options={'task': task})
    observations, actions = [obs], []
    for _ in range(max_steps):
        action = np.clip(expert.get_action(info['raw_obs']), -1.0, 1.0).astype(np.float32)
        obs, _, terminated, truncated, info = env.step(action)
        observations.append(obs)
        actions.append(action)
        if terminated or truncated:
            break
    episode = Episode(np.array(observations), np.array(actions).reshape(-1, 4), task, seed,
                      bool(info['success']))
    return episode, {'steps': len(actions), 'success': episode.success}
