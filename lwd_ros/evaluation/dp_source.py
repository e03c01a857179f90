# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The Diffusion Policy peer as a ``PolicySource``, for ``lwd_ros.evaluation.rollout.evaluate``.

Where LWD hands a numpy MLP to the controller, DP runs its UNet (in torch) at every
regeneration and hands over a sequence of actions, executed open loop until the next one.
Latency and compute are reported per sampling call and per control step so the two methods
compare at equal control rates.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
import time
from typing import Any

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from lwd_ros.learning import distributed
from lwd_ros.learning.checkpoint_io import load_checkpoint
from lwd_ros.learning.placement import placed
from lwd_ros.runtime.checkpoint import META_FILE, CheckpointError


class DpSource:
    """Sample an action sequence every ``action_steps`` control steps and execute its start.

    Args:
        checkpoint_dir: a ``dp`` checkpoint directory.
        action_steps: actions executed per sampled sequence, from the current step on; at
            most ``horizon - n_obs_steps + 1`` (the rest of the sequence).
        num_threads: torch intra-op threads (process-wide); one is fastest at batch 1.
        use_ema: sample with the EMA weights, as training validates.
        sampler: ``ddim`` (``num_steps``, default the checkpoint's) or ``ddpm`` (the full
            training chain, as the DP paper samples its state-based tasks).
        device: where the UNet runs (``cpu`` | ``auto`` | ``cuda`` | ``cuda:N``): the
            paper-size UNet with 100 DDPM steps is a GPU's job.
    """

    def __init__(self, checkpoint_dir: str | Path, action_steps: int = 8, num_threads: int = 1,
                 use_ema: bool = True, sampler: str = 'ddim', num_steps: int | None = None,
                 device: str = 'cpu'):
        torch.set_num_threads(num_threads)
        self.device = distributed.device(device, what='device')
        ckpt = load_checkpoint(checkpoint_dir, use_ema=use_ema)
        if ckpt.meta.method != 'dp':
            raise CheckpointError(Path(checkpoint_dir) / META_FILE,
                                  f'method is {ckpt.meta.method!r}, not dp')
        self.cfg = d = ckpt.cfg.dp
        longest = d.horizon - d.current_index
        if not 1 <= action_steps <= longest:
            raise ValueError(f'{action_steps=} must be in [1, {longest}]: a sequence has '
                             f'{d.horizon} steps, {d.current_index} of them before the current')
        self.model, self.space = ckpt.module('dp').to(self.device), ckpt.meta.space
        self.action_steps = action_steps
        self.model.set_sampler(sampler, num_steps)
        self.tasks = ckpt.meta.tasks
        self.name = f'dp-{self.model.sampler_name}-H{action_steps}'
        self.latencies: list[float] = []
        self._history: deque = deque(maxlen=d.n_obs_steps)
        self.flops_per_call = self._count_flops(ckpt.meta.cond_dim)

    def reset(self, task: str, seed: int) -> None:
        if task not in self.tasks:
            raise ValueError(f'unknown task {task!r}; valid tasks: {list(self.tasks)}')
        self._task = task
        self._task_index = torch.tensor([self.tasks.index(task)], device=self.device)
        self._rng, self._t = np.random.default_rng(seed), 0
        self._history.clear()

    def act(self, obs: np.ndarray) -> np.ndarray:
        obs = np.asarray(obs, np.float32)
        # Front-pad a fresh history with the first observation, as training windows are.
        self._history.extend([obs] * (self._history.maxlen if not self._history else 1))
        if self._t % self.action_steps == 0:
            t0 = time.perf_counter()
            self._actions = self._sample()
            self.latencies.append(time.perf_counter() - t0)
        action = self._actions[self._t % self.action_steps]
        self._t += 1
        return action

    def _sample(self) -> np.ndarray:
        """The next ``(action_steps, act_dim)`` raw actions for the current history."""
        cond = self.space.obs_in(np.stack(self._history), self._task).reshape(1, -1)  # (1, K F)
        gen = torch.Generator(self.device).manual_seed(int(self._rng.integers(2 ** 63 - 1)))
        with torch.inference_mode(), placed(self.device):
            seq = self.model.sample(torch.from_numpy(cond).to(self.device), self._task_index,
                                    gen)[0].cpu().numpy()
        start = self.cfg.current_index
        return self.space.act_out(seq[start:start + self.action_steps], self._task)  # (S, A)

    def _count_flops(self, cond_dim: int) -> int:
        """Count the FLOPs of one sampling call, every DDIM UNet pass included."""
        counter = FlopCounterMode(display=False)
        with counter, torch.inference_mode(), placed(self.device):
            self.model.sample(torch.zeros(1, cond_dim), torch.zeros(1, dtype=torch.long))
        return int(counter.get_total_flops())

    def describe(self) -> dict[str, Any]:
        return {'method': 'dp', 'sampler': self.model.sampler_name,
                'action_horizon': self.action_steps,
                'params': sum(p.numel() for p in self.model.parameters()),
                'flops_per_call': self.flops_per_call,
                'flops_per_step': self.flops_per_call / self.action_steps}


def dp_source(checkpoint: str | Path, horizon: int | None = None, num_threads: int = 1,
              sampler: str | None = None, num_steps: int | None = None, device: str = 'cpu',
              **_: Any) -> DpSource:
    """A DP checkpoint as a source; ``horizon`` (actions run per sequence) None = trained."""
    from lwd_ros.runtime.checkpoint import read_config

    return DpSource(checkpoint, horizon or read_config(checkpoint).dp.n_action_steps,
                    num_threads=num_threads, sampler=sampler or 'ddim', num_steps=num_steps,
                    device=device)
