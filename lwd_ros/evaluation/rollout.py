# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Closed-loop evaluation without ROS: one rollout loop for LWD and the baselines.

A *policy source* is anything with ``name``, ``tasks``, ``reset(task, seed)`` and
``act(obs) -> action``. ``LwdSource`` generates a policy every ``horizon`` steps from the
current observation and runs that numpy MLP until the next generation, exactly what the
``policy_generator`` + ``lwd_controller`` nodes do; ``MlpSource`` runs one fixed MLP per task
(the BC baselines). ``evaluate`` runs episodes with seeds ``seed, seed + 1, ...`` and tasks
cycling over the env's tasks, so every method sees the same initial states.

The env contract (every env package's): ``reset(seed=, options={'task': name})``,
``step(action)``,
``info['coverage']`` and ``info['success']``, ``env.unwrapped.tasks``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
import logging
from typing import Any, Protocol

import numpy as np

from lwd_ros.runtime.generator import GeneratedPolicy, PolicyGenerator
from lwd_ros.runtime.mlp import MlpPolicy, flops_per_step
from lwd_ros.runtime.schedule import RegenerationSchedule

log = logging.getLogger(__name__)


class PolicySource(Protocol):
    name: str
    tasks: tuple[str, ...]

    def reset(self, task: str, seed: int) -> None: ...

    def act(self, obs: np.ndarray) -> np.ndarray: ...

    def describe(self) -> dict[str, Any]: ...


class LwdSource:
    """Regenerate the policy on ``RegenerationSchedule`` (every ``horizon`` steps, each reset).

    Args:
        generator: a torch or onnxruntime ``PolicyGenerator``.
        horizon: action horizon H in control steps.
        warm_start: warm-start strength for regenerations within an episode (0 = off).
    """

    def __init__(self, generator: PolicyGenerator, horizon: int, warm_start: float = 0.0):
        self.generator, self.horizon, self.warm_start = generator, horizon, warm_start
        self.name = f'lwd-{generator.backend}-{generator.plan.name}-H{horizon}'
        self.tasks = generator.tasks
        self.latencies: list[float] = []
        self.schedule = RegenerationSchedule(horizon)
        self._history: deque = deque(maxlen=generator.obs_history)
        self._current: GeneratedPolicy | None = None
        self._policy: MlpPolicy | None = None

    def reset(self, task: str, seed: int) -> None:
        self.generator.task_index(task)  # fail before the episode on an unknown task
        self._task, self._rng = task, np.random.default_rng(seed)
        self.schedule.request()
        self._history.clear()
        self._current = None

    def act(self, obs: np.ndarray) -> np.ndarray:
        self._history.append(np.asarray(obs, np.float32))
        if self.schedule.due:
            warm = self._current if self.warm_start > 0 else None
            self._current = self.generator.generate(np.stack(self._history), self._task,
                                                    self._rng, warm_start=warm,
                                                    strength=self.warm_start,
                                                    horizon=self.horizon)
            self._policy = self._current.policy()
            self.latencies.append(self._current.latency_s)
            self.schedule.generated()
        self.schedule.step()
        return self._policy.act(obs)

    def describe(self) -> dict[str, Any]:
        g = self.generator
        return {'method': g.meta.method, 'backend': g.backend, 'sampler': g.plan.name,
                'action_horizon': self.horizon, 'warm_start': self.warm_start,
                'noise_scale': g.noise_scale,
                'policy_layer_sizes': list(g.deployed_layer_sizes), 'policy_params': g.num_params,
                'policy_flops_per_step': g.flops_per_step}


class MlpSource:
    """One fixed ``MlpPolicy`` per task (the BC baselines)."""

    def __init__(self, policies: dict[str, MlpPolicy], name: str = 'bc'):
        self.policies, self.name = policies, name
        self.tasks = tuple(policies)
        self.latencies: list[float] = []

    def reset(self, task: str, seed: int) -> None:
        if task not in self.policies:
            raise ValueError(f'unknown task {task!r}; valid tasks: {list(self.tasks)}')
        self._policy = self.policies[task]

    def act(self, obs: np.ndarray) -> np.ndarray:
        return self._policy.act(obs)

    def describe(self) -> dict[str, Any]:
        sizes = next(iter(self.policies.values())).layer_sizes
        return {'method': self.name, 'action_horizon': 1, 'policy_layer_sizes': list(sizes),
                'policy_params': int(next(iter(self.policies.values())).weights.size),
                'policy_flops_per_step': flops_per_step(sizes)}


def lwd_source(checkpoint: Any, horizon: int | None = None, backend: str = 'auto',
               sampler: str | None = None, num_steps: int | None = None, num_threads: int = 1,
               warm_start: float = 0.0, noise_scale: float = 1.0,
               device: str = 'cpu') -> LwdSource:
    """An LWD checkpoint or ONNX export as a source; ``horizon`` None = the trained one."""
    from lwd_ros.runtime.loader import load_generator

    gen = load_generator(checkpoint, backend=backend, device=device, sampler=sampler,
                         num_steps=num_steps, num_threads=num_threads, noise_scale=noise_scale)
    return LwdSource(gen, horizon or gen.default_horizon, warm_start=warm_start)


def bc_source(checkpoint: Any, horizon: int | None = None, **_: Any) -> MlpSource:
    """A BC checkpoint as a source (one MLP per task; the horizon does not apply)."""
    from pathlib import Path

    from lwd_ros.runtime.baseline import load_bc_policies

    return MlpSource(load_bc_policies(checkpoint), name=f'bc-{Path(checkpoint).name}')


@dataclass
class EpisodeResult:
    seed: int
    task: str
    success: bool
    max_coverage: float
    final_coverage: float
    steps: int
    observations: np.ndarray | None = field(default=None, repr=False)  # (T + 1, obs_dim)
    goal_pose: np.ndarray | None = field(default=None, repr=False)


def run_episode(env: Any, source: PolicySource, seed: int, task: str,
                max_steps: int | None = None, record: bool = False) -> EpisodeResult:
    """Roll out one episode (until success, truncation or ``max_steps``).

    With ``record`` the observations (and ``info['goal_pose']`` if the env reports one) are
    kept, enough to draw the episode afterwards (the env's ``render`` module).
    """
    obs, info = env.reset(seed=seed, options={'task': task})
    source.reset(task, seed)
    trace = [np.asarray(obs)] if record else None
    max_cov, success, steps = float(info.get('coverage', 0.0)), False, 0
    while max_steps is None or steps < max_steps:
        obs, _, terminated, truncated, info = env.step(source.act(obs))
        steps += 1
        max_cov = max(max_cov, float(info['coverage']))
        success = success or bool(info['success'])
        if record:
            trace.append(np.asarray(obs))
        if terminated or truncated:
            break
    goal = info.get('goal_pose') if record else None
    return EpisodeResult(seed, task, success, max_cov, float(info['coverage']), steps,
                         np.stack(trace) if record else None,
                         None if goal is None else np.asarray(goal))


def percentile_ms(values: Sequence[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)) * 1e3, 4) if len(values) else None


@dataclass
class EvalReport:
    """Per-episode results and the summary ``lwd eval --json`` writes."""

    source: dict[str, Any]
    seed: int
    episodes: list[EpisodeResult]
    latencies_s: list[float]

    def summary(self) -> dict[str, Any]:
        eps = self.episodes
        per_task = {}
        for task in dict.fromkeys(e.task for e in eps):
            group = [e for e in eps if e.task == task]
            per_task[task] = {'episodes': len(group),
                              'success_rate': float(np.mean([e.success for e in group])),
                              'mean_max_coverage': float(np.mean([e.max_coverage
                                                                  for e in group]))}
        lat = self.latencies_s
        return {**self.source, 'episodes': len(eps), 'seed': self.seed,
                'success_rate': float(np.mean([e.success for e in eps])),
                'mean_max_coverage': float(np.mean([e.max_coverage for e in eps])),
                'mean_steps': float(np.mean([e.steps for e in eps])),
                'per_task': per_task,
                'generation_latency_ms': {'p50': percentile_ms(lat, 50),
                                          'p99': percentile_ms(lat, 99),
                                          'mean': (round(float(np.mean(lat)) * 1e3, 4)
                                                   if lat else None),
                                          'count': len(lat)},
                'per_episode': [{'seed': e.seed, 'task': e.task, 'success': e.success,
                                 'max_coverage': e.max_coverage,
                                 'final_coverage': e.final_coverage, 'steps': e.steps}
                                for e in eps]}


def episode_tasks(env_tasks: Sequence[str], source_tasks: Sequence[str],
                  task: str | None = None) -> list[str]:
    """The tasks to cycle over: ``task`` alone, or the env's tasks the source knows."""
    if task is not None:
        return [task]
    known = [t for t in env_tasks if t in source_tasks]
    skipped = [t for t in env_tasks if t not in source_tasks]
    if skipped:
        log.warning('policy has no data for tasks %s; evaluating %s only', skipped, known)
    if not known:
        raise ValueError(f'no task in common: env {list(env_tasks)}, '
                         f'policy {list(source_tasks)}')
    return known


def evaluate(env: Any, source: PolicySource, episodes: int, seed: int = 0,
             task: str | None = None, record_episodes: int = 0, progress: bool = False,
             max_steps: int | None = None) -> EvalReport:
    """Run ``episodes`` rollouts, seeds ``seed + i``, tasks cycling (see ``episode_tasks``)."""
    from tqdm.auto import tqdm

    tasks = episode_tasks(env.unwrapped.tasks, source.tasks, task)
    if hasattr(source, 'latencies'):
        source.latencies.clear()
    results = []
    for i in tqdm(range(episodes), desc=source.name, disable=not progress):
        results.append(run_episode(env, source, seed + i, tasks[i % len(tasks)], max_steps,
                                   record=i < record_episodes))
    return EvalReport(source.describe(), seed, results, list(getattr(source, 'latencies', [])))
