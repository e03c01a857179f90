# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Data-parallel training under ``torchrun``: several processes, one model, one global batch.

``torchrun`` starts each process with ``WORLD_SIZE``, ``RANK`` and ``LOCAL_RANK`` (and the
rendezvous address) in its environment. Without them this is one process and every helper
here is a no-op that returns its input, so a plain ``lwd train`` runs exactly as before.

With them, every rank builds the same model from the same seed and draws the same global
batch indices from the same generator; each takes its own contiguous share (``shard``) and
``DistributedDataParallel`` averages the gradients. Shares are equal, so the average of the
per-rank mean losses is the mean over the global batch: ``train.batch_size`` stays the
global batch and a run matches a single process at that batch (up to the per-rank noise
draws). Only rank 0 (``is_main``) writes checkpoints and logs.

Backend: gloo on CPU. Where CUDA is present the group is ``cpu:gloo,cuda:nccl``: the
gradients of a GPU run (``train.device``, resolved by ``device``) go through NCCL, while the
CPU tensors every run exchanges (losses, RNG states) and a ``train.device=cpu`` run's
gradients still go through gloo (NCCL alone cannot reduce CPU tensors).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import logging
import os
import re
from typing import TypeVar

import torch
from torch import nn
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from lwd_ros.experiment import DEVICES

log = logging.getLogger(__name__)
T = TypeVar('T', bound=Sequence)


def launched() -> bool:
    """Whether a launcher (``torchrun``) started this process as one of several."""
    return int(os.environ.get('WORLD_SIZE', '1')) > 1


def init() -> str | None:
    """Join the process group ``torchrun`` describes; returns its backend (None: one process).

    Idempotent, so a caller that already joined (a test, a notebook) is left as it is.
    """
    if dist.is_available() and dist.is_initialized():
        return str(dist.get_backend())
    if not launched():
        return None
    backend = 'gloo'
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get('LOCAL_RANK', '0')))
        backend = 'cpu:gloo,cuda:nccl'
    dist.init_process_group(backend)
    log.info('distributed: rank %d of %d, backend %s', rank(), world_size(), backend)
    return backend


def device(name: str = 'auto', what: str = 'train.device') -> torch.device:
    """The torch device a ``train.device`` value names, for this rank.

    ``auto`` and ``cuda`` mean GPU ``LOCAL_RANK``: ``torchrun`` gives each process of a node
    its own index, so one process per GPU needs no per-rank config. Raises ``ValueError``
    naming ``what`` (the setting) where the GPU asked for is not there or ``name`` is not
    a device.
    """
    if not re.fullmatch(DEVICES, name):
        raise ValueError(f'{what}={name!r} is not a device: auto | cpu | cuda | cuda:N')
    if name == 'cpu' or (name == 'auto' and not torch.cuda.is_available()):
        return torch.device('cpu')
    if not torch.cuda.is_available():
        raise ValueError(f'{what}={name!r}: torch {torch.__version__} sees no CUDA GPU '
                         '(a CPU-only build or no driver); use cpu or auto')
    index = (int(os.environ.get('LOCAL_RANK', '0')) if name in ('auto', 'cuda')
             else int(name.partition(':')[2]))
    if index >= torch.cuda.device_count():
        raise ValueError(f'{what}={name!r}: GPU {index} asked for, '
                         f'{torch.cuda.device_count()} visible')
    return torch.device('cuda', index)


def active() -> bool:
    return dist.is_available() and dist.is_initialized()


def rank() -> int:
    return dist.get_rank() if active() else 0


def world_size() -> int:
    return dist.get_world_size() if active() else 1


def is_main() -> bool:
    """Rank 0: the one process that writes checkpoints, logs and the training record."""
    return rank() == 0


def local_batch(global_batch: int) -> int:
    """Items per rank for a global batch; it must split evenly (equal shares keep the mean)."""
    world = world_size()
    if global_batch % world:
        raise ValueError(f'train.batch_size={global_batch} (the global batch) does not split '
                         f'evenly over {world} processes: make it a multiple of the world size')
    return global_batch // world


def shard(items: T, rank_: int | None = None, world: int | None = None) -> T:
    """This rank's contiguous, equal share of ``items`` (every rank holds the same ``items``)."""
    rank_ = rank() if rank_ is None else rank_
    world = world_size() if world is None else world
    if len(items) % world:
        raise ValueError(f'{len(items)} items do not split evenly over {world} processes')
    n = len(items) // world
    return items[rank_ * n:(rank_ + 1) * n]


class _LossModule(nn.Module):
    """``loss_fn`` as the forward of a module holding the trained parameters.

    Why: DDP all-reduces gradients only for a forward that goes through its wrapper, while the
    trainer's losses call module methods (``vae(...)``, ``dp.loss(...)``). Holding just the
    stage's trained module keeps DDP's parameter set to what the loss uses (the frozen VAE is
    not in the diffusion stage's set), so no unused-parameter search is needed.
    """

    def __init__(self, module: nn.Module, loss_fn: Callable):
        super().__init__()
        self.module = module
        self.loss_fn = loss_fn

    def forward(self, batch):
        return self.loss_fn(batch)


def wrap_loss(module: nn.Module, loss_fn: Callable) -> Callable:
    """``loss_fn`` whose backward averages ``module``'s gradients over ranks.

    One process: ``loss_fn`` itself. Builds DDP, which broadcasts rank 0's weights: every
    rank calls it (a collective).
    """
    if world_size() == 1:
        return loss_fn
    return DistributedDataParallel(_LossModule(module, loss_fn))


def mean(values: Mapping[str, float | torch.Tensor]) -> dict[str, float]:
    """The average over ranks of each value (every rank calls it: a collective)."""
    out = torch.tensor([float(v) for v in values.values()], dtype=torch.float64)
    if world_size() > 1:
        dist.all_reduce(out)
        out /= world_size()
    return dict(zip(values, out.tolist()))


def all_gather(t: torch.Tensor) -> list[torch.Tensor]:
    """Every rank's CPU tensor ``t`` (same shape on all ranks), in rank order."""
    if world_size() == 1:
        return [t]
    out = [torch.empty_like(t) for _ in range(world_size())]
    dist.all_gather(out, t)
    return out


def broadcast_modules(modules: Sequence[nn.Module]) -> None:
    """Give every rank rank 0's weights (parameters and buffers), in place."""
    if world_size() > 1:
        for module in modules:
            for tensor in module.state_dict().values():
                dist.broadcast(tensor, 0)


def barrier() -> None:
    if world_size() > 1:
        dist.barrier()


def shutdown() -> None:
    """Leave the process group once every rank got here (rank 0 finished writing)."""
    if active():
        dist.barrier()
        dist.destroy_process_group()
