# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Train LWD (stage 1: trajectory VAE, stage 2: latent diffusion) or a BC or DP baseline.

One ``Trainer`` owns the data, the modules and the checkpoint directory. Both stages (and the
baselines) run through the same optimisation loop: AdamW, linear warmup then cosine decay,
gradient clipping, validation every ``val_every`` steps and a resumable checkpoint every
``ckpt_every`` steps. Seeds make a run reproducible: the split, the initialisation, the
batches and the noise all derive from ``train.seed``, and ``--resume`` restores every RNG.
Under ``torchrun`` the loop is data-parallel (``lwd_ros.learning.distributed``): each rank
trains on its share of the same global batch and only rank 0 writes.

``train.device`` places the modules and the whole dataset (a few hundred MB at most, so no
loader runs per step) on one device; batches are drawn there. The modules are initialised
on the CPU first, so every device starts from the same weights, and checkpoints hold CPU
copies, so a GPU run loads in the numpy runtime and exports to ONNX as a CPU run does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import contextlib
import copy
import dataclasses
from dataclasses import dataclass
import json
import logging
import math
from pathlib import Path
import time

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lwd_ros.config import load_ref
from lwd_ros.contract import RobotContract, get_contract
from lwd_ros.data.episode import Episode
from lwd_ros.data.snippets import (
    Snippets,
    cut_action_windows,
    cut_snippets,
    split_episodes,
    task_names,
)
from lwd_ros.envs import EnvSpec, find_spec
from lwd_ros.experiment import DataConfig, LwdConfig
from lwd_ros.learning import distributed
from lwd_ros.learning.checkpoint_io import (
    build_bc,
    build_diffusion,
    build_dp,
    build_vae,
    load_module,
    load_tensors,
    prefixed,
    save_checkpoint,
)
from lwd_ros.learning.ema import Ema
from lwd_ros.methods import get_method
from lwd_ros.runtime.checkpoint import (
    MODEL_FILE,
    TRAINER_STATE_FILE,
    CheckpointError,
    CheckpointMeta,
    read_meta,
)
from lwd_ros.runtime.features import (
    FeatureMap,
    ModelSpace,
    PlanarFrames,
    feature_floors,
    feature_names,
    horizon_feature,
)
from lwd_ros.runtime.sampler import make_plan

log = logging.getLogger(__name__)
VAL_LIMIT = 4096  # validation snippets evaluated (enough for a stable mean, bounded cost)
DP_SAMPLES = 512  # DP windows sampled for validation: 10 UNet passes each, so fewer


@dataclass
class Batch:
    """Torch views of ``Snippets`` (shapes in ``lwd_ros.data.snippets``)."""

    obs: torch.Tensor
    act: torch.Tensor
    mask: torch.Tensor
    cond: torch.Tensor  # (N, K * obs_dim): history flattened for the denoiser
    task: torch.Tensor

    @classmethod
    def from_snippets(cls, s: Snippets) -> Batch:
        return cls(torch.from_numpy(s.obs), torch.from_numpy(s.act), torch.from_numpy(s.mask),
                   torch.from_numpy(s.cond.reshape(len(s), -1)), torch.from_numpy(s.task))

    def __len__(self) -> int:
        return len(self.obs)

    def to(self, device: torch.device | str) -> Batch:
        return Batch(*(getattr(self, f.name).to(device) for f in dataclasses.fields(self)))

    def take(self, idx: torch.Tensor) -> Batch:
        return Batch(self.obs[idx], self.act[idx], self.mask[idx], self.cond[idx], self.task[idx])

    def head(self, n: int) -> Batch:
        return self.take(torch.arange(min(n, len(self))))


@dataclass
class LatentBatch:
    """Standardised latents ``u (N, L)`` with their conditioning, for stage 2."""

    u: torch.Tensor
    cond: torch.Tensor
    task: torch.Tensor

    def __len__(self) -> int:
        return len(self.u)

    def take(self, idx: torch.Tensor) -> LatentBatch:
        return LatentBatch(self.u[idx], self.cond[idx], self.task[idx])


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
                          feature_floors(spec, features.features))


def robot_for(env: str, stored: RobotContract | None) -> RobotContract:
    """The robot to train for: ``data.env`` checked against the dataset's, else the dataset's."""
    if not env:
        if stored is None:
            raise ValueError('data.env is empty and the dataset stores no robot contract: '
                             'set data.env to the robot (a contract YAML or a shipped name)')
        return stored
    contract = get_contract(env)
    problems = stored.differences(contract) if stored is not None else []
    if problems:
        raise ValueError(f'data.env {env!r} is not the robot the dataset recorded '
                         f'({stored.name}): ' + '; '.join(problems))
    return contract


def augmentations(data: DataConfig, spec: EnvSpec | None, episodes: Sequence[Episode],
                  task_poses: Mapping[str, Sequence[float]] | None) -> list[Episode]:
    """The extra training episodes ``data.augment`` asks the sim plugin for (may be none)."""
    if not data.augment:
        return []
    if spec is None or not spec.augment or task_poses is None:
        raise ValueError(f'data.augment: robot {data.env!r} has no sim declaring an '
                         'augmentation, or the dataset has no goal poses')
    extra = load_ref(spec.augment)(episodes, task_poses)
    log.info('data.augment: %d extra episodes from %d', len(extra), len(episodes))
    return extra


def observation_range(episodes: Sequence[Episode]) -> tuple[tuple[float, ...], ...]:
    obs = np.concatenate([e.observations for e in episodes])
    return tuple(obs.min(0).tolist()), tuple(obs.max(0).tolist())


def trim_padding(b: Batch) -> Batch:
    """``b`` without the trailing steps that no snippet in it has (exactly the same loss)."""
    steps = int(b.mask.any(0).nonzero().max()) + 1 if b.mask.any() else 1
    if steps == b.mask.shape[1]:
        return b
    return Batch(b.obs[:, :steps], b.act[:, :steps], b.mask[:, :steps], b.cond, b.task)


def spread(data: Batch, n: int) -> Batch:
    """At most ``n`` items evenly spaced over ``data``: every episode, not just the first."""
    idx = torch.linspace(0, len(data) - 1, min(n, len(data)), device=data.obs.device)
    return data.take(idx.round().long())


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
        cfg: the experiment.
        episodes: demonstrations (split by episode into train/validation).
        out_dir: checkpoint directory (created).
        resume: continue from ``out_dir/trainer_state.pt`` (same config required).
        progress: show tqdm progress bars.
        dataset_name: recorded in the checkpoint's training record.
        task_poses: task -> frame pose ``(x, y, yaw)``, required with ``data.goal_frame``
            (``lwd train`` reads the dataset's goal poses).
        robot: the contract the dataset stores (``lwd train`` reads it); ``data.env``, where
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
            # torch 2.13's CPU inductor: NaN gradients in the VAE encoder from the first step.
            raise ValueError('train.compile=true with train.amp=true on the CPU trains NaN '
                             'weights (torch.compile bf16 backward); set one of them false')
        torch.set_num_threads(cfg.train.num_threads)
        torch.manual_seed(cfg.train.seed)
        self.method = get_method(cfg.method)
        self.tasks = task_names(episodes)
        train_eps, val_eps = split_episodes(episodes, cfg.data.val_fraction, cfg.train.seed)
        self.spec = robot_for(cfg.data.env, robot)
        train_eps += augmentations(cfg.data, find_spec(self.spec.name), train_eps, task_poses)
        space = fit_model_space(cfg.data, self.spec, train_eps, task_poses)
        snippets = self.method.data == 'snippets'
        horizon = cfg.data.snippet_length if snippets else 1
        stride = cfg.data.stride if snippets else 1
        windows = self.method.data == 'windows'
        obs_history = cfg.dp.n_obs_steps if windows else cfg.data.obs_history

        def cut(eps: list[Episode]) -> Batch | None:
            if not eps:
                return None
            if windows:
                return Batch.from_snippets(cut_action_windows(eps, space, self.tasks,
                                                              cfg.dp.horizon, obs_history))
            return Batch.from_snippets(cut_snippets(eps, space, self.tasks, horizon, stride,
                                                    cfg.data.obs_history))
        self.train_data, self.val_data = cut(train_eps), cut(val_eps)
        stats = space.stats
        layer_sizes = (stats.obs_dim, *cfg.policy.hidden_sizes, stats.act_dim)
        self.meta = CheckpointMeta(
            cfg.method, 'init', self.tasks, stats, layer_sizes, cfg.policy.activation,
            self.spec, space.features.features,
            space.frames.to_dict() if space.frames else None,
            *observation_range(train_eps),
            obs_history, cfg.vae.latent_dim if self.method.generates else 0,
            horizon=cfg.data.horizon if snippets else 0,
            horizons=cfg.data.horizons if snippets else (),
            relative_actions=space.relative,
            training={'dataset': dataset_name,
                      'episodes': {'train': len(train_eps), 'val': len(val_eps)},
                      'samples': {'train': len(self.train_data),
                                  'val': len(self.val_data) if self.val_data else 0},
                      'steps': {}, 'wall_time_s': {}, 'val': {}})
        self.train_data = self.train_data.to(self.device)
        self.val_data = self.val_data.to(self.device) if self.val_data else None
        if cfg.method == 'lwd':
            self.vae = build_vae(cfg, self.meta).to(self.device)
            self.diffusion = build_diffusion(cfg, self.meta).to(self.device)
            self.ema = Ema(self.diffusion.denoiser, cfg.diffusion.ema_decay)
        elif cfg.method == 'dp':
            self.dp = build_dp(cfg, self.meta).to(self.device)
            self.ema = Ema(self.dp, cfg.dp.ema_decay)
        else:
            self.bc = build_bc(cfg, self.meta).to(self.device)
        if distributed.world_size() > 1:  # same init everywhere, then noise of its own
            torch.manual_seed(cfg.train.seed + distributed.rank())
        self.batch_rng = torch.Generator().manual_seed(cfg.train.seed + 1)
        self.resume_state: dict | None = self._load_resume() if resume else None
        self.log_path = self.out / 'train_log.jsonl'
        if distributed.is_main():
            self.out.mkdir(parents=True, exist_ok=True)
            if not resume:
                self.log_path.unlink(missing_ok=True)

    # -- checkpoints ---------------------------------------------------------------------
    def _modules(self) -> dict[str, nn.Module]:
        """Every module a checkpoint holds, by tensor-name prefix."""
        if self.cfg.method == 'bc':
            return {'bc.': self.bc}
        if self.cfg.method == 'dp':
            return {'dp.': self.dp, 'ema.dp.': self.ema.module}
        return {'vae.': self.vae, 'diffusion.': self.diffusion,
                'ema.denoiser.': self.ema.module}

    def _tensors(self) -> dict[str, torch.Tensor]:
        return {k: v for prefix, module in self._modules().items()
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
        for prefix, module in self._modules().items():
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
    def _optimise(self, stage: str, total: int, module: nn.Module, lr: float,
                  loss_fn: Callable, data: Batch | LatentBatch,
                  val_fn: Callable[[], dict], after_step: Callable[[], None] = lambda: None,
                  extra_state: Callable[[], dict] = dict,
                  betas: tuple[float, float] = (0.9, 0.999)) -> dict:
        tc = self.cfg.train
        params = [p for p in module.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=lr, betas=betas, weight_decay=tc.weight_decay)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_cosine(tc.warmup_steps, total))
        start, elapsed = 0, 0.0
        rs = self.resume_state
        if rs is not None and rs.get('stage') == stage and 'optimizer' in rs:
            opt.load_state_dict(rs['optimizer'])
            sched.load_state_dict(rs['scheduler'])
            start, elapsed = rs['step'], rs['elapsed']
            if 'ema_updates' in rs:
                self.ema.num_updates = rs['ema_updates']
        self.resume_state = None
        if tc.compile:  # the loss, not the module: checkpoint tensor names stay the same
            loss_fn = torch.compile(loss_fn)
        ddp_loss = distributed.wrap_loss(module, loss_fn)
        amp = torch.autocast(self.device.type, torch.bfloat16, enabled=tc.amp)
        main = distributed.is_main()
        module.train()
        val: dict = {}
        t0 = time.perf_counter() - elapsed
        bar = tqdm(range(start, total), initial=start, total=total, desc=stage,
                   disable=not (self.progress and main), dynamic_ncols=True)
        for step in bar:
            # Every rank draws the same global indices and trains on its share of them.
            idx = torch.randint(len(data), (tc.batch_size,), generator=self.batch_rng)
            batch = data.take(distributed.shard(idx).to(self.device, non_blocking=True))
            with self.placed(), amp:
                loss, parts = ddp_loss(batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(params, tc.grad_clip)
            opt.step()
            sched.step()
            after_step()
            if step % 25 == 0:
                bar.set_postfix({k: f'{float(v):.4g}' for k, v in parts.items()})
            done = step + 1
            if done % tc.val_every == 0 or done == total:
                parts = distributed.mean(parts)  # the global batch's losses, all ranks
                if main:  # validation uses the plain modules: no collectives in it
                    module.eval()
                    with self.placed():
                        val = val_fn()
                    module.train()
                record = {'stage': stage, 'step': done,
                          'time_s': round(time.perf_counter() - t0, 1),
                          **{k: float(v) for k, v in parts.items()}, **val}
                self._log(record)
                log.info('%s step %d: %s', stage, done,
                         ' '.join(f'{k}={v:.4g}' for k, v in val.items()))
            if done % tc.ckpt_every == 0 and done < total:
                self.save(self.meta.stage, self._state(
                    stage, done, optimizer=opt.state_dict(), scheduler=sched.state_dict(),
                    elapsed=time.perf_counter() - t0, **extra_state()))
            if tc.snapshot_every and done % tc.snapshot_every == 0 and stage != 'vae':
                self.snapshot(stage, done, time.perf_counter() - t0)
        bar.close()
        module.eval()
        training = self.meta.training
        training['steps'][stage] = total
        training['wall_time_s'][stage] = round(time.perf_counter() - t0, 1)
        training['val'][stage] = val
        return val

    def placed(self) -> contextlib.AbstractContextManager:
        """Make tensors the models create (positions, timesteps, noise) on the device.

        The model code calls ``torch.arange``/``randint`` without a device; inside this
        context they land on ``self.device``. A no-op on the CPU, where the mode's cost on
        every torch call would buy nothing.
        """
        return self.device if self.device.type != 'cpu' else contextlib.nullcontext()

    def on_cpu(self, *items: nn.Module | Batch) -> tuple:
        """``items`` themselves on the CPU, else CPU copies of them, for the samplers.

        Why: sampling builds CPU tensors from numpy (the plan's timesteps, the diffusers
        schedulers'), so validation samples where those are; its cost is the CPU run's.
        """
        if self.device.type == 'cpu':
            return items
        return tuple(copy.deepcopy(x).cpu() if isinstance(x, nn.Module) else x.to('cpu')
                     for x in items)

    # -- stage 1 -------------------------------------------------------------------------
    def horizon_views(self, data: Batch) -> Batch:
        """Repeat ``data`` for every trained horizon H, masks cut to H steps.

        The horizon feature joins the condition, so the diffusion model learns which latent
        fits a policy that must run H steps. Without ``data.horizons``: ``data`` itself.
        """
        hs = self.cfg.data.horizons
        if not hs:
            return data
        steps = torch.arange(data.mask.shape[1], device=data.mask.device)
        views = [Batch(data.obs, data.act, data.mask * (steps < h),
                       torch.cat([data.cond, torch.full((len(data), 1), horizon_feature(h),
                                                        device=data.cond.device)], 1),
                       data.task) for h in hs]
        return Batch(*(torch.cat([getattr(v, f.name) for v in views])
                       for f in dataclasses.fields(Batch)))

    def _vae_loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        """The ELBO; with several trained horizons each snippet is cut to one drawn at random.

        Steps masked out in every snippet of the batch are cut first: whole trajectories are
        padded to the longest episode, often several times a typical one.
        """
        b = trim_padding(b)
        mask, hs = b.mask, self.cfg.data.horizons
        if hs:
            # Drawn for the global batch, so every rank's share and one process agree.
            pick = distributed.shard(torch.randint(len(hs), (len(b) * distributed.world_size(),),
                                                   generator=self.batch_rng, device='cpu'))
            cut = torch.tensor(hs, device=mask.device)[pick.to(mask.device), None]
            mask = mask * (torch.arange(mask.shape[1], device=mask.device) < cut)
        return self.vae(b.obs, b.act, mask, b.task)

    def _vae_val(self) -> dict:
        if self.val_data is None:
            return {}
        v = spread(self.horizon_views(self.val_data), VAL_LIMIT)
        with torch.no_grad():
            mu, logvar = self.vae.encode(v.obs, v.act, v.mask, v.task)
            recon = self.vae.action_mse(self.vae.decode(mu, v.task), v.obs, v.act, v.mask)
            kl = 0.5 * (mu.square() + logvar.exp() - 1.0 - logvar).sum(-1).mean()
        return {'val_recon': float(recon), 'val_kl': float(kl)}

    def train_vae(self) -> dict:
        return self._optimise(
            'vae', self.cfg.train.vae_steps, self.vae, self.cfg.train.vae_lr,
            self._vae_loss, self.train_data, self._vae_val)

    # -- stage 2 -------------------------------------------------------------------------
    @torch.no_grad()
    def encode_latents(self, data: Batch, chunk: int = 4096) -> torch.Tensor:
        """Posterior means ``(N, L)`` of every snippet: the diffusion model's data."""
        self.vae.eval()
        with self.placed():
            return torch.cat([self.vae.encode(b.obs, b.act, b.mask, b.task)[0]
                              for b in (data.take(torch.arange(i, min(i + chunk, len(data))))
                                        for i in range(0, len(data), chunk))])

    @torch.no_grad()
    def generated_mse(self, data: Batch, sampler: str = 'ddim', seed: int = 0) -> float:
        """Action MSE of policies sampled (EMA denoiser, default DDIM) for ``data``'s states.

        The end-to-end figure: what a deployed policy gets wrong over its horizon, in
        normalised action units (compare with ``val_recon``, the VAE's own error).
        """
        d = self.cfg.diffusion
        plan = make_plan(d.num_train_timesteps, d.beta_schedule, d.prediction_type, sampler,
                         d.num_inference_steps, d.timestep_spacing)
        vae, diffusion, denoiser, data = self.on_cpu(self.vae, self.diffusion, self.ema.module,
                                                     data)
        with torch.device('cpu'):
            gen = torch.Generator().manual_seed(seed)
            u = torch.randn(len(data), self.cfg.vae.latent_dim, generator=gen)
            noise = (torch.randn(len(plan), *u.shape, generator=gen) if plan.stochastic
                     else None)
            u0 = diffusion.sample(plan, u, data.cond, data.task, noise, denoiser)
            weights = vae.decode(diffusion.unstandardize(u0), data.task)
            return float(vae.action_mse(weights, data.obs, data.act, data.mask))

    def _diffusion_val(self, val: Batch | None, latents: torch.Tensor | None) -> dict:
        if val is None:
            return {}
        with torch.random.fork_rng(), torch.no_grad():
            torch.manual_seed(0)
            loss = float(self.diffusion(self.diffusion.standardize(latents), val.cond,
                                        val.task))
        return {'val_diffusion': loss, 'val_generated_mse': self.generated_mse(val)}

    def train_diffusion(self) -> dict:
        train = self.horizon_views(self.train_data)
        latents = self.encode_latents(train)
        val = spread(self.horizon_views(self.val_data), VAL_LIMIT) if self.val_data else None
        val_latents = self.encode_latents(val) if val is not None else None  # VAE is frozen
        self.diffusion.set_latent_stats(latents)
        data = LatentBatch(self.diffusion.standardize(latents), train.cond, train.task)
        return self._optimise(
            'diffusion', self.cfg.train.diffusion_steps, self.diffusion.denoiser,
            self.cfg.train.diffusion_lr, self._diffusion_loss, data,
            lambda: self._diffusion_val(val, val_latents),
            after_step=lambda: self.ema.update(self.diffusion.denoiser),
            extra_state=lambda: {'ema_updates': self.ema.num_updates})

    def _diffusion_loss(self, b: LatentBatch) -> tuple[torch.Tensor, dict]:
        loss = self.diffusion(b.u, b.cond, b.task)
        return loss, {'loss': loss.detach()}

    # -- baseline ------------------------------------------------------------------------
    def _bc_loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        loss = (self.bc(b.obs[:, 0], b.task) - b.act[:, 0]).square().mean()
        return loss, {'loss': loss.detach()}

    def _bc_val(self) -> dict:
        if self.val_data is None:
            return {}
        v = self.val_data
        with torch.no_grad():
            return {'val_mse': float((self.bc(v.obs[:, 0], v.task) - v.act[:, 0])
                                     .square().mean())}

    def train_bc(self) -> dict:
        return self._optimise('bc', self.cfg.train.bc_steps, self.bc, self.cfg.train.bc_lr,
                              self._bc_loss, self.train_data, self._bc_val)

    # -- Diffusion Policy peer -----------------------------------------------------------
    @torch.no_grad()
    def sampled_mse(self, data: Batch, seed: int = 0) -> float:
        """Action MSE of DDIM-sampled (EMA) sequences over the steps a rollout executes.

        DP's end-to-end figure, in normalised action units like ``generated_mse``.
        """
        d = self.cfg.dp
        dp, data = self.on_cpu(self.ema.module, data)
        with torch.device('cpu'):
            pred = dp.sample(data.cond, data.task, torch.Generator().manual_seed(seed))
        run = slice(d.current_index, d.current_index + d.n_action_steps)
        return float((pred[:, run] - data.act[:, run]).square().mean())

    def _dp_val(self) -> dict:
        if self.val_data is None:
            return {}
        v = spread(self.val_data, VAL_LIMIT)
        with torch.random.fork_rng(), torch.no_grad():
            torch.manual_seed(0)
            loss = float(self.dp.loss(v.cond, v.task, v.act))
        return {'val_diffusion': loss, 'val_sampled_mse': self.sampled_mse(spread(v, DP_SAMPLES))}

    def _dp_loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        loss = self.dp.loss(b.cond, b.task, b.act)
        return loss, {'loss': loss.detach()}

    def train_dp(self) -> dict:
        tc, d = self.cfg.train, self.cfg.dp
        peak = float(self.train_data.act.abs().max())
        if peak > d.clip_sample_range:
            log.warning('normalised demo actions reach %.2f: sampling clips them to +-%.2f '
                        '(raise dp.clip_sample_range)', peak, d.clip_sample_range)
        return self._optimise(
            'dp', tc.dp_steps, self.dp, tc.dp_lr, self._dp_loss, self.train_data, self._dp_val,
            after_step=lambda: self.ema.update(self.dp),
            extra_state=lambda: {'ema_updates': self.ema.num_updates}, betas=d.adam_betas)

    # -- everything ----------------------------------------------------------------------
    def run(self) -> CheckpointMeta:
        """Train the method's stages that are left (per the resume state) and save."""
        stages = self.method.stages
        stage = (self.resume_state or {}).get('stage', stages[0])
        t0 = time.perf_counter()
        for i, name in enumerate(stages):
            if stage not in stages[:i + 1]:
                continue  # finished before the resume
            getattr(self, f'train_{name}')()
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
        distributed.barrier()  # the checkpoint is complete when any rank returns
        return self.meta
