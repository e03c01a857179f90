# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd train``: train LWD (VAE, then latent diffusion) or a BC baseline from a YAML config.

Examples::

    lwd train --config config/train/ENV.yaml --out runs/lwd
    lwd train --config config/train/ENV.yaml --out runs/h16 data.horizon=16 train.vae_steps=3000
    lwd train --out runs/h16 --resume          # continue an interrupted run
    lwd train --config config/train/ENV_bc_large.yaml --out runs/bc_large
    torchrun --nproc-per-node 2 -m lwd_ros train --config config/train/ENV.yaml --out runs/x
    lwd train --config config/train/ENV.yaml train.device=cuda train.amp=true   # one GPU, bf16

Under ``torchrun`` every process trains its share of each global batch
(``lwd_ros.learning.distributed``); rank 0 alone writes the checkpoint, the log and the JSON.
``train.device`` picks the device (default ``auto``: this rank's GPU if there is one), see
``docs/training_on_gpus.md``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from lwd_ros.config import load_config, resolve_path
from lwd_ros.experiment import LwdConfig
from lwd_ros.report import emit_json

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--config', help='experiment YAML (config/train/<env>*.yaml); with '
                        '--resume the checkpoint\'s own config.yaml is the default')
    parser.add_argument('--out', help='checkpoint directory (default runs/<config name>)')
    parser.add_argument('--dataset', help='override data.dataset')
    parser.add_argument('--resume', action='store_true',
                        help='continue from the trainer state in --out')
    parser.add_argument('--no-progress', action='store_true', help='no progress bars')
    parser.add_argument('--json', metavar='PATH', help='write the training record as JSON')
    parser.add_argument('overrides', nargs='*', metavar='KEY=VALUE',
                        help='config overrides, e.g. train.vae_steps=3000 data.horizon=16')


def _out_dir(args: argparse.Namespace) -> Path:
    if args.out:
        return Path(args.out)
    if args.config:
        return Path('runs') / Path(args.config).stem
    raise SystemExit('lwd train: give --config (and optionally --out), or --out with --resume')


def run(args: argparse.Namespace) -> int:
    from lwd_ros.learning import distributed

    backend = distributed.init()
    if not distributed.is_main():  # one copy of the progress messages
        logging.getLogger('lwd_ros').setLevel(logging.WARNING)
    log.info('training in %d process(es)%s', distributed.world_size(),
             f', backend {backend}' if backend else '')
    code = _train(args)
    # Not in a finally: a rank that failed must exit, not wait at a barrier, so that
    # torchrun sees it and stops the others.
    workers = distributed.world_size() > 1
    distributed.shutdown()
    if workers:  # every rank has left the group and rank 0 has written everything
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End a torchrun worker without the interpreter's teardown.

    Why: gloo's worker threads can outlive ``destroy_process_group`` by a moment; tearing
    the interpreter down under them aborts the process ("terminate called without an active
    exception", SIGABRT), seen once on a loaded 2-core machine after a finished run, and
    torchrun then reports the run failed. Output is flushed first; nothing else is pending.
    """
    import os
    import sys

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _train(args: argparse.Namespace) -> int:
    from lwd_ros.data.minari_io import dataset_contract, load_training_set
    from lwd_ros.learning import distributed
    from lwd_ros.learning.trainer import Trainer

    out = _out_dir(args)
    overrides = list(args.overrides) + ([f'data.dataset={args.dataset}'] if args.dataset else [])
    config_path = args.config or (out / 'config.yaml' if args.resume else None)
    if config_path is None:
        raise SystemExit('lwd train: --config is required for a new run')
    try:  # a config mistake (train.device=gpu, or no GPU here) ends before the data loads
        cfg = load_config(LwdConfig, config_path, overrides)
        distributed.device(cfg.train.device)
    except ValueError as exc:
        raise SystemExit(f'lwd train: {exc}') from None
    datasets = [resolve_path(p) for p in (cfg.data.dataset, *cfg.data.extra_datasets)]
    try:
        episodes, poses = load_training_set(datasets)
    except FileNotFoundError as exc:
        raise SystemExit(f'lwd train: {exc} (collect it first, or drop it: --dataset PATH '
                         'replaces data.dataset, data.extra_datasets=[] the extra ones)') from None
    except ValueError as exc:
        raise SystemExit(f'lwd train: {exc}') from None
    log.info('%d episodes from %s; tasks %s', len(episodes), ', '.join(map(str, datasets)),
             sorted({e.task for e in episodes}))
    trainer = Trainer(cfg, episodes, out, resume=args.resume, progress=not args.no_progress,
                      dataset_name=' + '.join((cfg.data.dataset, *cfg.data.extra_datasets)),
                      task_poses=poses or None, robot=dataset_contract(datasets))
    meta = trainer.run()
    record = {'checkpoint': str(out), 'method': cfg.method, **meta.training}
    if distributed.is_main():
        emit_json(record, args.json)
    return 0
