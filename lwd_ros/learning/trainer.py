# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The generic training loop: any registered method, stage by stage, into a checkpoint.

One ``Trainer`` owns the data, the method's ``Learner`` and the checkpoint directory. Every
stage the registry lists (``lwd_ros.methods``) runs through the same optimisation loop:
AdamW, linear warmup then cosine decay, gradient clipping, an optional EMA, validation every
``val_every`` steps and a resumable checkpoint every ``ckpt_every`` steps. What a stage
optimises, its loss and its validation come from the method (``Learner.stage``); this file
names no method. Seeds make a run reproducible: the split, the initialisation, the batches
and the noise all derive from ``train.seed``, and ``--resume`` restores every RNG. Under
``torchrun`` the loop is data-parallel (``lwd_ros.learning.distributed``): each rank trains
on its share of the same global batch and only rank 0 writes.

``train.device`` places the modules and the whole dataset (a few hundred MB at most, so no
loader runs per step) on one device; batches are drawn there. The modules are initialised
on the CPU first, so every device starts from the same weights, and checkpoints hold CPU
copies, so a GPU run loads in the numpy runtime and exports to ONNX as a CPU run does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import dataclasses
import json
import logging
import math
from pathlib import Path
import time

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lwd_ros.contract import RobotContract
from lwd_ros.data.episode import Episode
from lwd_ros.data.snippets import split_episodes, task_names
from lwd_ros.experiment import LwdConfig
from lwd_ros.learning import distributed
from lwd_ros.learning.batch import Batch
from lwd_ros.learning.checkpoint_io import load_module, load_tensors, prefixed, save_checkpoint
from lwd_ros.learning.methods.base import Learner, Stage
from lwd_ros.learning.placement import placed
from lwd_ros.learning.prepare import (
    augmentations,
    fit_model_space,
    observation_range,
    robot_for,
)
from lwd_ros.learning.selection import Selection, advice
from lwd_ros.methods import METHODS, get_method
from lwd_ros.runtime.checkpoint import (
    MODEL_FILE,
    TRAINER_STATE_FILE,
    CheckpointError,
    CheckpointMeta,
    read_meta,
)
from lwd_ros.sims import find_sim

log = logging.getLogger(__name__)


HEARTBEAT_S = 30.0  # seconds between progress lines when there are no progress bars


def _losses(values: dict) -> str:
    """``name=value`` pairs of a loss dict (tensors or floats), for a log line."""
    return ' '.join(f'{k}={float(v):.4g}' for k, v in values.items())


def warmup_cosine(warmup: int, total: int, floor: float = 0.05) -> Callable[[int], float]:
    """Learning-rate multiplier: linear warmup, then cosine decay to ``floor``."""
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    return factor


class Trainer:
    """Train the experiment ``cfg`` on ``episodes`` into checkpoint directory ``out_dir``.

    Args:
        cfg: the experiment; ``cfg.method`` picks the ``Learner`` (``lwd_ros.methods``).
        episodes: demonstrations (split by episode into train/validation).
        out_dir: checkpoint directory (created).
        resume: continue from ``out_dir/trainer_state.pt`` (same config required).
        progress: show tqdm progress bars.
        dataset_name: recorded in the checkpoint's training record.
        task_poses: task -> frame pose ``(x, y, yaw)``, required with ``data.goal_frame``
            (the train CLI reads the dataset's goal poses).
        robot: the contract the dataset stores (the train CLI reads it); ``data.robot``, where
            given, must describe the same robot.
    """

    def __init__(self, cfg: LwdConfig, episodes: Sequence[Episode], out_dir: str | Path,
                 resume: bool = False, progress: bool = True, dataset_name: str = '',
                 task_poses: Mapping[str, Sequence[float]] | None = None,
                 robot: RobotContract | None = None):
        self.cfg, self.out, self.progress = cfg, Path(out_dir), progress
        distributed.local_batch(cfg.train.batch_size)  # fail before the data work
        self.device = distributed.device(cfg.train.device)
        if cfg.train.compile and cfg.train.amp and self.device.type == 'cpu':
            # torch 2.13's CPU inductor: NaN gradients (an encoder's) from the first step.
            raise ValueError('train.compile=true with train.amp=true on the CPU trains NaN '
                             'weights (torch.compile bf16 backward); set one of them false')
        torch.set_num_threads(cfg.train.num_threads)
        torch.manual_seed(cfg.train.seed)
        method = get_method(cfg.method)
        self.stages = method.stages
        learner: type[Learner] = method.load_learner()
        self.tasks = task_names(episodes)
        train_eps, val_eps = split_episodes(episodes, cfg.data.val_fraction, cfg.train.seed)
        self.contract = robot_for(cfg.data.robot, robot)
        if self.contract.perceived() and not learner.cameras:
            able = sorted(n for n, m in METHODS.items() if m.load_learner().cameras)
            raise ValueError(f'method {cfg.method!r} does not train on image frames yet '
                             f'({self.contract.name} has image blocks); methods that do: '
                             f'{able}')
        train_eps += augmentations(cfg.data, find_sim(self.contract.name), train_eps, task_poses)
        space = fit_model_space(cfg.data, self.contract, train_eps, task_poses)

        def cut(eps: list[Episode]) -> Batch | None:
            return Batch.from_snippets(learner.cut(cfg, eps, space, self.tasks)) if eps else None
        self.train_data, self.val_data = cut(train_eps), cut(val_eps)
        stats = space.stats
        layer_sizes = (stats.obs_dim, *cfg.policy.hidden_sizes, stats.act_dim)
        self.meta = CheckpointMeta(
            cfg.method, 'init', self.tasks, stats, layer_sizes, cfg.policy.activation,
            self.contract, space.features.features,
            space.frames.to_dict() if space.frames else None,
            *observation_range(train_eps, self.contract), **learner.meta_fields(cfg),
            relative_actions=space.relative,
            training={'dataset': dataset_name,
                      'episodes': {'train': len(train_eps), 'val': len(val_eps)},
                      'samples': {'train': len(self.train_data),
                                  'val': len(self.val_data) if self.val_data else 0},
                      'steps': {}, 'wall_time_s': {}, 'val': {}})
        self.train_data = self.train_data.to(self.device)
        self.val_data = self.val_data.to(self.device) if self.val_data else None
        # Not yet drawn from: the learner may keep it for draws every rank must agree on.
        self.batch_rng = torch.Generator().manual_seed(cfg.train.seed + 1)
        self.method = learner(cfg, self.meta, self.train_data, self.val_data, self.batch_rng,
                              self.device)
        if distributed.world_size() > 1:  # same init everywhere, then noise of its own
            torch.manual_seed(cfg.train.seed + distributed.rank())
        self.resume_state: dict | None = self._load_resume() if resume else None
        self.log_path = self.out / 'train_log.jsonl'
        if distributed.is_main():
            self.out.mkdir(parents=True, exist_ok=True)
            if not resume:
                self.log_path.unlink(missing_ok=True)

    # -- checkpoints ---------------------------------------------------------------------
    def _tensors(self) -> dict[str, torch.Tensor]:
        return {k: v for prefix, module in self.method.modules().items()
                for k, v in prefixed(module, prefix).items()}

    def save(self, stage: str, trainer_state: dict | None = None) -> None:
        self.meta.stage = stage
        if not distributed.is_main():
            return
        save_checkpoint(self.out, self.cfg, self.meta, self._tensors())
        path = self.out / TRAINER_STATE_FILE
        if trainer_state is None:
            path.unlink(missing_ok=True)
        else:
            torch.save(trainer_state, self.out / f'.{TRAINER_STATE_FILE}.tmp')
            (self.out / f'.{TRAINER_STATE_FILE}.tmp').replace(path)

    def snapshot(self, stage: str, step: int, stage_time_s: float) -> Path:
        """Keep a loadable copy of the model as it is now, under ``snapshots/<stage>-<step>``.

        Why: success against training time (equal-compute comparisons of methods) needs the
        model at several points of one run, not several runs. The copy records the training
        time spent so far, earlier stages included.
        """
        earlier = sum(v for k, v in self.meta.training['wall_time_s'].items() if k != stage)
        training = {**self.meta.training, 'snapshot': {
            'stage': stage, 'step': step, 'training_time_s': round(earlier + stage_time_s, 1)}}
        meta = dataclasses.replace(self.meta, stage=stage, files={}, training=training)
        path = self.out / 'snapshots' / f'{stage}-{step:06d}'
        if distributed.is_main():
            save_checkpoint(path, self.cfg, meta, self._tensors())
        return path

    def _load_resume(self) -> dict | None:
        path = self.out / TRAINER_STATE_FILE
        meta = read_meta(self.out)
        if meta.tasks != self.tasks or meta.layer_sizes != self.meta.layer_sizes:
            raise CheckpointError(self.out / 'meta.json', f'tasks {meta.tasks} / layers '
                                  f'{meta.layer_sizes} differ from this dataset and config')
        new, old = self.meta.stats, meta.stats
        if not all(np.allclose(getattr(new, k), getattr(old, k), rtol=1e-4, atol=1e-6)
                   for k in ('obs_mean', 'obs_std', 'act_mean', 'act_std')):
            raise CheckpointError(self.out / 'meta.json', 'normalisation statistics differ: '
                                  'resuming on a different dataset or split')
        self.meta.training = meta.training
        tensors = load_tensors(self.out, meta)
        for prefix, module in self.method.modules().items():
            load_module(module, tensors, prefix, self.out / MODEL_FILE)
        if not path.is_file():
            log.info('%s has no trainer state: training had finished', self.out)
            return {'stage': meta.stage, 'step': 0}
        try:
            state = torch.load(path, map_location='cpu', weights_only=True)
        except Exception as e:  # noqa: BLE001 - any unpickling failure means a bad file
            raise CheckpointError(path, f'unreadable trainer state ({e})') from e
        torch.set_rng_state(state['rng_global'])
        if distributed.world_size() > 1:
            self._resume_rank_rng(state)
        cuda = state.get('rng_cuda')
        if self.device.type == 'cuda' and cuda and len(cuda) == distributed.world_size():
            torch.cuda.set_rng_state(cuda[distributed.rank()], self.device)
        self.batch_rng.set_state(state['rng_batch'])
        log.info('resuming %s at step %d', state['stage'], state['step'])
        return state

    def _resume_rank_rng(self, state: dict) -> None:
        """Give each rank its own noise stream back (saved by ``_state``).

        A checkpoint from a different number of processes has none to give: fresh ones.
        """
        ranks = state.get('rng_ranks')
        if ranks is not None and len(ranks) == distributed.world_size():
            torch.set_rng_state(ranks[distributed.rank()].clone())  # a view segfaults
            return
        log.warning('trainer state from another number of processes: per-rank noise reseeded')
        torch.manual_seed(self.cfg.train.seed + distributed.rank() + 1000 * state['step'])

    def _state(self, stage: str, step: int, **extra) -> dict:
        """The resumable state, with every rank's noise RNG when there are several.

        Gathering them is a collective: all ranks call this. ``rng_global`` stays rank 0's.
        On a GPU the model's noise comes from the CUDA generator: every rank's is kept too.
        """
        rng = torch.get_rng_state()
        ranks = ({'rng_ranks': distributed.all_gather(rng)}
                 if distributed.world_size() > 1 else {})
        if self.device.type == 'cuda':
            ranks['rng_cuda'] = distributed.all_gather(torch.cuda.get_rng_state(self.device))
        return {'stage': stage, 'step': step, 'rng_global': rng,
                'rng_batch': self.batch_rng.get_state(), **ranks, **extra}

    def _log(self, record: dict) -> None:
        if not distributed.is_main():
            return
        with open(self.log_path, 'a') as f:
            f.write(json.dumps(record) + '\n')

    # -- the shared optimisation loop ----------------------------------------------------
    def stage_steps(self, stage: Stage) -> int:
        """The stage's steps: its own count, or ``train.epochs`` of its data under that cap."""
        tc, batch = self.cfg.train, stage.batch_size or self.cfg.train.batch_size
        if tc.epochs <= 0:
            return stage.steps
        wanted = math.ceil(tc.epochs * len(stage.data) / batch)
        steps = min(stage.steps, max(tc.min_steps, wanted))
        self.meta.training.setdefault('sized', {})[stage.name] = {
            'samples': len(stage.data), 'epochs': tc.epochs, 'cap': stage.steps,
            'steps': steps}
        log.info('%s: %d steps (%g epochs of %d samples at batch %d = %d; at least %d, at most '
                 '%d)', stage.name, steps, tc.epochs, len(stage.data), batch, wanted,
                 tc.min_steps, stage.steps)
        return steps

    def train_stage(self, stage: Stage) -> dict:
        """Optimise ``stage`` to its last step (from the resume point); its last validation."""
        tc, module, total = self.cfg.train, stage.module, self.stage_steps(stage)
        batch_size = stage.batch_size or tc.batch_size
        distributed.local_batch(batch_size)
        params = [p for p in module.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=stage.lr, betas=stage.betas,
                                weight_decay=tc.weight_decay)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_cosine(tc.warmup_steps, total))
        start, elapsed = 0, 0.0
        rs = self.resume_state
        if rs is not None and rs.get('stage') == stage.name and 'optimizer' in rs:
            opt.load_state_dict(rs['optimizer'])
            sched.load_state_dict(rs['scheduler'])
            start, elapsed = rs['step'], rs['elapsed']
            if stage.ema is not None and 'ema_updates' in rs:
                stage.ema.num_updates = rs['ema_updates']
        self.resume_state = None
        loss_fn = stage.loss
        if tc.compile:  # the loss, not the module: checkpoint tensor names stay the same
            loss_fn = torch.compile(loss_fn)
        ddp_loss = distributed.wrap_loss(module, loss_fn)
        amp = torch.autocast(self.device.type, torch.bfloat16, enabled=tc.amp)
        main = distributed.is_main()
        module.train()
        val: dict = {}
        t0 = time.perf_counter() - elapsed
        bar = tqdm(range(start, total), initial=start, total=total, desc=stage.name,
                   disable=not (self.progress and main), dynamic_ncols=True)
        # Without bars (--no-progress, logs, CI) a stage of minutes would otherwise print
        # only at validations: say when it starts, how it goes every HEARTBEAT_S, and how
        # it ended.
        lines = not self.progress
        if lines:
            log.info('%s: starting at step %d of %d (%s, batch %d)', stage.name, start, total,
                     self.device, batch_size)
        beat = resumed_at = time.perf_counter()
        parts: dict = {}
        done = start
        weights = [module] + ([stage.ema.module] if stage.ema is not None else [])
        selection = Selection(stage.select, tc.select_best, tc.patience)
        noise = self.cfg.data.obs_noise
        for step in bar:
            # Every rank draws the same global indices and trains on its share of them.
            idx = torch.randint(len(stage.data), (batch_size,), generator=self.batch_rng)
            batch = stage.data.take(distributed.shard(idx).to(self.device, non_blocking=True))
            if noise and isinstance(batch, Batch):  # data.obs_noise: inputs only, not actions
                batch = dataclasses.replace(batch,
                                            obs=batch.obs + noise * torch.randn_like(batch.obs),
                                            cond=batch.cond + noise * torch.randn_like(batch.cond))
            with placed(self.device), amp:
                loss, parts = ddp_loss(batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(params, tc.grad_clip)
            opt.step()
            sched.step()
            if stage.ema is not None:
                stage.ema.update(module)
            if step % 25 == 0:
                bar.set_postfix({k: f'{float(v):.4g}' for k, v in parts.items()})
            done = step + 1
            if lines and time.perf_counter() - beat >= HEARTBEAT_S and done < total:
                beat = time.perf_counter()
                rate = (done - start) / (beat - resumed_at)  # steps/s in this session
                log.info('%s: step %d of %d, %s, %.0f s (about %.0f s left)', stage.name,
                         done, total, _losses(parts), beat - t0, (total - done) / rate)
            if done % tc.val_every == 0 or done == total:
                val = self._validate(stage, done, distributed.mean(parts), t0)
                stop = selection.update(done, val, weights) if distributed.is_main() else False
                if distributed.mean({'stop': float(stop)})['stop'] > 0 and done < total:
                    log.info('%s: stopping at step %d of %d: %s has not improved on %.4g '
                             '(step %d) for %d validations', stage.name, done, total,
                             stage.select, selection.best, selection.best_step, tc.patience)
                    break
            if done % tc.ckpt_every == 0 and done < total:
                ema = {'ema_updates': stage.ema.num_updates} if stage.ema is not None else {}
                self.save(self.meta.stage, self._state(
                    stage.name, done, optimizer=opt.state_dict(), scheduler=sched.state_dict(),
                    elapsed=time.perf_counter() - t0, **ema))
            if tc.snapshot_every and done % tc.snapshot_every == 0 and stage.snapshots:
                self.snapshot(stage.name, done, time.perf_counter() - t0)
        bar.close()
        module.eval()
        restored = selection.restore(weights) if distributed.is_main() else False
        if distributed.mean({'restored': float(restored)})['restored'] > 0:
            distributed.broadcast_modules(weights)  # every rank goes on from rank 0's best
            val = selection.best_val
            log.info('%s: kept the weights of step %d (%s %.4g; last %.4g)', stage.name,
                     selection.best_step, stage.select, selection.best,
                     selection.history[-1][1])
        training = self.meta.training
        training['steps'][stage.name] = done
        report = selection.report(done, total, tc.select_best)
        if report:
            training.setdefault('selection', {})[stage.name] = report
        training['wall_time_s'][stage.name] = round(time.perf_counter() - t0, 1)
        training['val'][stage.name] = val
        if lines:
            log.info('%s done: %d steps in %.1f s; last batch %s; %s', stage.name, done,
                     training['wall_time_s'][stage.name], _losses(parts) or '(none: resumed '
                     'at the end)', _losses(val) or 'no validation')
        return val

    def _validate(self, stage: Stage, step: int, parts: dict, t0: float) -> dict:
        """Validate on rank 0 and log the global batch's losses (``parts``, all ranks')."""
        val: dict = {}
        if distributed.is_main():  # validation uses the plain modules: no collectives in it
            stage.module.eval()
            with placed(self.device):
                val = stage.validate()
            stage.module.train()
        record = {'stage': stage.name, 'step': step,
                  'time_s': round(time.perf_counter() - t0, 1),
                  **{k: float(v) for k, v in parts.items()}, **val}
        self._log(record)
        log.info('%s step %d: %s', stage.name, step,
                 ' '.join(f'{k}={v:.4g}' for k, v in val.items()))
        return val

    # -- everything ----------------------------------------------------------------------
    def run(self) -> CheckpointMeta:
        """Train the method's stages that are left (per the resume state) and save."""
        stages = self.stages
        stage = (self.resume_state or {}).get('stage', stages[0])
        t0 = time.perf_counter()
        for i, name in enumerate(stages):
            if stage not in stages[:i + 1] or self.method.skips(name):
                continue  # finished before the resume, or nothing to do for this robot
            self.train_stage(self.method.stage(name))
            if i + 1 < len(stages):  # a resumable point between stages
                self.save(name, self._state(stages[i + 1], 0))
        wall = self.meta.training['wall_time_s']
        wall['total'] = round(sum(v for k, v in wall.items() if k != 'total'), 1)
        tc = self.cfg.train
        self.meta.training.update(torch=torch.__version__, threads=torch.get_num_threads(),
                                  seed=tc.seed, device=str(self.device), amp=tc.amp,
                                  compile=tc.compile,
                                  session_wall_time_s=round(time.perf_counter() - t0, 1))
        self.save('done')
        self.fit_report()
        distributed.barrier()  # the checkpoint is complete when any rank returns
        return self.meta

    def fit_report(self) -> None:
        """Say, stage by stage, whether the model overfits and what to try (also in meta)."""
        if not distributed.is_main():
            return
        reports = self.meta.training.get('selection', {})
        if not reports:
            log.info('fit: no validation episodes (data.val_fraction=%g): nothing tells whether '
                     'the model overfits', self.cfg.data.val_fraction)
        for name, report in reports.items():
            log.info('fit: %s', advice(name, report))
