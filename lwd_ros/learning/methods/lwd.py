# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Latent Weight Diffusion: a VAE over MLP weights, then latent diffusion on it.

Stage ``vae`` fits a trajectory VAE whose (hypernetwork) decoder emits the weights of a
small MLP policy; stage ``diffusion`` fits a diffusion model over its posterior means,
conditioned on the state and the task, which generates a policy at run time.

Data: H-step snippets (``data.horizon``, or every length in ``data.horizons``: the
diffusion model is then told which horizon the policy must run). Checkpoint tensors:
``vae.*``, ``diffusion.*`` and the EMA denoiser ``ema.denoiser.*``. Hyperparameters
(``vae:``, ``diffusion:``, ``train.vae_*``/``diffusion_*``): ``lwd_ros.methods.lwd``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch
from torch import nn

from lwd_ros.data.snippets import cut_snippets
from lwd_ros.experiment import LwdConfig
from lwd_ros.learning import distributed
from lwd_ros.learning.batch import VAL_LIMIT, Batch, LatentBatch, spread
from lwd_ros.learning.cameras import Cameras
from lwd_ros.learning.checkpoint_io import load_module
from lwd_ros.learning.diffusion import LatentDiffusion
from lwd_ros.learning.ema import Ema
from lwd_ros.learning.methods.base import Learner, Stage
from lwd_ros.learning.placement import on_cpu, placed
from lwd_ros.learning.vae import TrajectoryVae
from lwd_ros.runtime.checkpoint import META_FILE, CheckpointError, CheckpointMeta
from lwd_ros.runtime.features import horizon_feature
from lwd_ros.runtime.sampler import make_plan


def build_vae(cfg: LwdConfig, meta: CheckpointMeta) -> TrajectoryVae:
    return TrajectoryVae(meta.num_features, meta.act_dim, len(meta.tasks),
                         cfg.policy.hidden_sizes, cfg.policy.activation, cfg.vae)


def build_cameras(cfg: LwdConfig, meta: CheckpointMeta, head: bool = True) -> Cameras:
    """The cameras' encoders; ``head``: with the action head training uses (where used)."""
    used = cfg.vae.camera_action_weight > 0 or cfg.train.camera_steps > 0
    return Cameras(meta.robot, meta.features, cfg.vae.camera_width, cfg.vae.camera_shift,
                   meta.act_dim if head and used else 0, max(meta.horizon or 0, 1),
                   tasks=len(meta.tasks))


def build_diffusion(cfg: LwdConfig, meta: CheckpointMeta) -> LatentDiffusion:
    return LatentDiffusion(cfg.vae.latent_dim, meta.cond_dim, len(meta.tasks), cfg.diffusion)


def trim_padding(b: Batch) -> Batch:
    """``b`` without the trailing steps that no snippet in it has (exactly the same loss)."""
    steps = int(b.mask.any(0).nonzero().max()) + 1 if b.mask.any() else 1
    if steps == b.mask.shape[1]:
        return b
    return dataclasses.replace(b, obs=b.obs[:, :steps], act=b.act[:, :steps],
                               mask=b.mask[:, :steps],
                               rows=None if b.rows is None else b.rows[:, :steps])


class LwdLearner(Learner):
    """The VAE, the latent diffusion model and its EMA denoiser (``Learner`` has the args).

    A robot's cameras (``image`` blocks) have encoders (``lwd_ros.learning.cameras``) trained
    with the VAE, whose loss reaches them through the generated MLP's inputs, or before it
    on the action head alone (``train.camera_steps``: stage ``camera``), then frozen; stage 2
    and the run-time generator see their frozen features.
    """

    cameras = True

    def __init__(self, cfg, meta, train, val, rng, device):
        super().__init__(cfg, meta, train, val, rng, device)
        self.camera = build_cameras(cfg, meta).to(device)
        self.vae = build_vae(cfg, meta).to(device)
        self.diffusion = build_diffusion(cfg, meta).to(device)
        self.ema = Ema(self.diffusion.denoiser, cfg.diffusion.ema_decay)
        # Encoders trained first (stage ``camera``) are frozen: the VAE reads their features
        self.pretrained = bool(self.camera) and cfg.train.camera_steps > 0
        self.filled = False  # train and val hold the frozen encoders' features already

    @classmethod
    def cut(cls, cfg, episodes, space, tasks):
        d = cfg.data
        return cut_snippets(episodes, space, tasks, d.snippet_length, d.stride, d.obs_history)

    @classmethod
    def meta_fields(cls, cfg):
        d = cfg.data
        return {'obs_history': d.obs_history, 'latent_dim': cfg.vae.latent_dim,
                'horizon': d.horizon, 'horizons': d.horizons}

    def modules(self) -> dict[str, nn.Module]:
        cameras = {'cameras.': self.camera} if self.camera else {}
        return {**cameras, 'vae.': self.vae, 'diffusion.': self.diffusion,
                'ema.denoiser.': self.ema.module}

    def stage(self, name: str) -> Stage:
        return {'camera': self.camera_stage, 'vae': self.vae_stage,
                'diffusion': self.diffusion_stage}[name]()

    def skips(self, name: str) -> bool:
        return name == 'camera' and not self.pretrained

    @classmethod
    def load(cls, cfg, meta, tensors, path: Path, use_ema: bool = True,
             require_diffusion: bool = True) -> dict[str, nn.Module]:
        """The VAE, and the diffusion model (EMA denoiser unless told not) once trained."""
        vae = build_vae(cfg, meta)
        load_module(vae, tensors, 'vae.', path)
        vae.eval()
        found = {'vae': vae}
        # The action head only trains the encoders: a checkpoint may go without it
        camera = build_cameras(cfg, meta, head=any(k.startswith('cameras.head.')
                                                   for k in tensors))
        if camera:
            load_module(camera, tensors, 'cameras.', path)
            found['cameras'] = camera.eval()
        if meta.stage == 'vae':
            if require_diffusion:
                raise CheckpointError(path.parent / META_FILE, 'only stage 1 (VAE) is trained; '
                                      'finish with lwd train --resume')
            return found
        diffusion = build_diffusion(cfg, meta)
        load_module(diffusion, tensors, 'diffusion.', path)
        if use_ema:
            load_module(diffusion.denoiser, tensors, 'ema.denoiser.', path)
        diffusion.eval()
        return {**found, 'diffusion': diffusion}

    # -- stage 0 (cameras only) ------------------------------------------------------------
    def camera_loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        """The action head's loss on each snippet's first frame: one frame per sample."""
        b = trim_padding(b)
        obs = self.camera.fill(b.obs[:, 0], b.rows[:, 0], b.frames)
        loss = self.camera.action_loss(obs, b.act, b.mask, b.task)
        return loss, {'loss': loss.detach()}

    def camera_val(self) -> dict:
        if self.val is None:
            return {}
        with torch.no_grad():
            return {'val_camera_act': float(self.camera_loss(spread(self.val, VAL_LIMIT))[0])}

    def camera_stage(self) -> Stage:
        """Train the encoders and the action head on the demonstrations' actions.

        Why apart from the VAE (docs/cameras.md): inside the VAE's loss the encoders share
        its gradient clip and learning rate and a step encodes every frame of a snippet;
        here a step encodes one frame per sample, so the same time sees several times the
        frames. Frozen afterwards, the features are computed once for the VAE.
        """
        tc = self.cfg.train
        return Stage('camera', tc.camera_steps, tc.camera_lr, self.camera, self.camera_loss,
                     self.train, self.camera_val, snapshots=False, select='val_camera_act',
                     batch_size=tc.camera_batch_size)

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
        views = [dataclasses.replace(data, mask=data.mask * (steps < h),
                                     cond=torch.cat([data.cond, torch.full(
                                         (len(data), 1), horizon_feature(h),
                                         device=data.cond.device)], 1)) for h in hs]
        return Batch(*(None if getattr(data, f.name) is None
                       else torch.cat([getattr(v, f.name) for v in views])
                       for f in dataclasses.fields(Batch) if f.name != 'frames'),
                     frames=data.frames)

    def seen(self, b: Batch) -> Batch:
        """``b`` with its cameras' features in ``obs`` (as the encoders now see them)."""
        if not self.camera or self.filled:
            return b
        return dataclasses.replace(b, obs=self.camera.fill(b.obs, b.rows, b.frames))

    def seen_all(self, data: Batch) -> Batch:
        """``data`` with the frozen encoders' features in ``obs`` and ``cond`` (stage 2)."""
        if not self.camera or self.filled:
            return data
        self.camera.eval()
        with placed(self.device):
            f = data.frames
            k = data.cond_rows.shape[1]
            cond = data.cond[:, :k * self.meta.num_features].reshape(len(data), k, -1)
            cond = self.camera.fill_all(cond, data.cond_rows, f).reshape(len(data), -1)
            return dataclasses.replace(data, obs=self.camera.fill_all(data.obs, data.rows, f),
                                       cond=torch.cat([cond, data.cond[:, cond.shape[1]:]], 1))

    def vae_loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        """The ELBO; with several trained horizons each snippet is cut to one drawn at random.

        Steps masked out in every snippet of the batch are cut first: whole trajectories are
        padded to the longest episode, often several times a typical one.
        """
        b = self.seen(trim_padding(b))
        mask, hs = b.mask, self.cfg.data.horizons
        if hs:
            # Drawn for the global batch, so every rank's share and one process agree.
            pick = distributed.shard(torch.randint(len(hs), (len(b) * distributed.world_size(),),
                                                   generator=self.rng, device='cpu'))
            cut = torch.tensor(hs, device=mask.device)[pick.to(mask.device), None]
            mask = mask * (torch.arange(mask.shape[1], device=mask.device) < cut)
        loss, parts = self.vae(b.obs, b.act, mask, b.task)
        if self.camera.head is not None and not self.pretrained:
            acting = self.camera.action_loss(b.obs[:, 0], b.act, mask, b.task)
            loss = loss + self.cfg.vae.camera_action_weight * acting
            parts = {**parts, 'loss': loss.detach(), 'camera_act': acting.detach()}
        return loss, parts

    def vae_val(self) -> dict:
        if self.val is None:
            return {}
        with torch.no_grad():
            v = self.seen(spread(self.horizon_views(self.val), VAL_LIMIT))
            mu, logvar = self.vae.encode(v.obs, v.act, v.mask, v.task)
            recon = self.vae.action_mse(self.vae.decode(mu, v.task), v.obs, v.act, v.mask)
            kl = 0.5 * (mu.square() + logvar.exp() - 1.0 - logvar).sum(-1).mean()
        return {'val_recon': float(recon), 'val_kl': float(kl)}

    def vae_stage(self) -> Stage:
        tc = self.cfg.train
        if self.pretrained:  # frozen encoders: every frame's features once, for both stages
            self.camera.requires_grad_(False)
            self.train = self.seen_all(self.train)
            self.val = self.seen_all(self.val) if self.val is not None else None
            self.filled = True
        # No snapshots: a checkpoint without its diffusion model generates nothing.
        module = (nn.ModuleDict({'vae': self.vae, 'cameras': self.camera})
                  if self.camera and not self.pretrained else self.vae)
        return Stage('vae', tc.vae_steps, tc.vae_lr, module, self.vae_loss, self.train,
                     self.vae_val, snapshots=False, select='val_recon')

    # -- stage 2 -------------------------------------------------------------------------
    @torch.no_grad()
    def encode_latents(self, data: Batch, chunk: int = 4096) -> torch.Tensor:
        """Posterior means ``(N, L)`` of every snippet: the diffusion model's data."""
        self.vae.eval()
        with placed(self.device):
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
        vae, diffusion, denoiser, data = on_cpu(self.device, self.vae, self.diffusion,
                                                self.ema.module, data)
        with torch.device('cpu'):
            gen = torch.Generator().manual_seed(seed)
            u = torch.randn(len(data), self.cfg.vae.latent_dim, generator=gen)
            noise = (torch.randn(len(plan), *u.shape, generator=gen) if plan.stochastic
                     else None)
            u0 = diffusion.sample(plan, u, data.cond, data.task, noise, denoiser)
            weights = vae.decode(diffusion.unstandardize(u0), data.task)
            return float(vae.action_mse(weights, data.obs, data.act, data.mask))

    def diffusion_loss(self, b: LatentBatch) -> tuple[torch.Tensor, dict]:
        loss = self.diffusion(b.u, b.cond, b.task)
        return loss, {'loss': loss.detach()}

    def diffusion_val(self, val: Batch | None, latents: torch.Tensor | None) -> dict:
        if val is None:
            return {}
        with torch.random.fork_rng(), torch.no_grad():
            torch.manual_seed(0)
            loss = float(self.diffusion(self.diffusion.standardize(latents), val.cond,
                                        val.task))
        return {'val_diffusion': loss, 'val_generated_mse': self.generated_mse(val)}

    def diffusion_stage(self) -> Stage:
        """Encode every snippet with the (now frozen) VAE and fit the standardisation."""
        train = self.seen_all(self.horizon_views(self.train))
        latents = self.encode_latents(train)
        val = (self.seen_all(spread(self.horizon_views(self.val), VAL_LIMIT)) if self.val
               else None)
        val_latents = self.encode_latents(val) if val is not None else None
        self.diffusion.set_latent_stats(latents)
        data = LatentBatch(self.diffusion.standardize(latents), train.cond, train.task)
        tc = self.cfg.train
        return Stage('diffusion', tc.diffusion_steps, tc.diffusion_lr, self.diffusion.denoiser,
                     self.diffusion_loss, data, lambda: self.diffusion_val(val, val_latents),
                     ema=self.ema, select='val_generated_mse')
