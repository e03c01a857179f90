# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""WARPD: LWD whose VAE learns with a world model (arXiv 2410.14040 v3/v4).

Behaviour cloning, LWD's VAE included, only ever scores a policy on the demonstrated states.
Run for H steps, a generated policy's small errors move the robot off them, where it was
never scored: it drifts (issue 26's failure analysis: errors grow with the steps since
generation). With a simulator DART and DAgger show the policy those states; a lab with a bag
has none. WARPD learns one from the same demonstrations:

1. stage ``world_model`` fits a dynamics model ``s' = s + f(s, a, task)`` on the
   demonstrations' transitions, in the model space the policies see (normalised features
   and actions);
2. stage ``vae`` adds a rollout loss to LWD's ELBO: each decoded policy runs closed loop in
   the frozen model from its snippet's first state, and the states it reaches are pulled to
   the demonstrated ones (``world_model.weight``). The gradient reaches the policy's weights
   through the states it caused, which is what penalises drift;
3. stage ``diffusion`` is LWD's, and so is everything at run time: a WARPD checkpoint
   deploys, exports and evaluates as an LWD one (the world model's tensors ride along).

Where this may differ from the paper: its text (method section) was not reachable here, so
this follows the idea as the issue states it — a learned dynamics model that rolls each
decoded policy out over its horizon during training and penalises the drift — with a
deterministic one-step residual MLP, trained first and frozen, and the state error summed
over the horizon. Checkpoint tensors: LWD's plus ``world_model.*``. Hyperparameters: LWD's
and the ``world_model:`` section (``lwd_ros.methods.warpd``).
"""

from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from lwd_ros.learning.batch import VAL_LIMIT, Batch, spread
from lwd_ros.learning.methods.base import Stage
from lwd_ros.learning.methods.lwd import LwdLearner, trim_padding


class WorldModel(nn.Module):
    """``(s, a, task) -> s'``: a residual MLP over one policy step, in model space.

    The change of state is predicted in units of its training spread (``delta_std``), so
    every feature counts alike whatever its scale.
    """

    def __init__(self, obs_dim: int, act_dim: int, num_tasks: int, hidden: int,
                 num_layers: int):
        super().__init__()
        self.num_tasks = num_tasks
        sizes = [obs_dim + act_dim + num_tasks, *[hidden] * num_layers]
        layers: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.SiLU()]
        self.net = nn.Sequential(*layers, nn.Linear(sizes[-1], obs_dim))
        self.register_buffer('delta_std', torch.ones(obs_dim))

    def forward(self, obs: torch.Tensor, act: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        """Next states ``(..., obs_dim)``; ``task`` holds one index per leading position."""
        onehot = F.one_hot(task, self.num_tasks).to(obs.dtype)
        return obs + self.delta_std * self.net(torch.cat([obs, act, onehot], -1))

    def set_delta_std(self, obs: torch.Tensor, mask: torch.Tensor) -> None:
        """Fit the scale of state changes on ``(N, T, obs_dim)`` snippets."""
        step = (obs[:, 1:] - obs[:, :-1])[mask[:, 1:] > 0]
        if len(step) > 1:
            self.delta_std.copy_(step.std(0).clamp(min=1e-4))


def transitions(b: Batch) -> tuple[torch.Tensor, ...]:
    """``(s, a, s', task, weight)`` of every step of ``b`` whose successor is in it."""
    valid = b.mask[:, 1:] * b.mask[:, :-1]
    task = b.task[:, None].expand(-1, valid.shape[1])
    return b.obs[:, :-1], b.act[:, :-1], b.obs[:, 1:], task, valid


class WarpdLearner(LwdLearner):
    """LWD's modules plus the world model (``Learner`` has the args)."""

    cameras = False  # its world model predicts the next observation, features included

    def __init__(self, cfg, meta, train, val, rng, device):
        super().__init__(cfg, meta, train, val, rng, device)
        w = cfg.world_model
        self.world = WorldModel(meta.num_features, meta.act_dim, len(meta.tasks), w.hidden,
                                w.num_layers).to(device)

    def modules(self) -> dict[str, nn.Module]:
        return {**super().modules(), 'world_model.': self.world}

    def stage(self, name: str) -> Stage:
        if name == 'world_model':
            return self.world_stage()
        return super().stage(name)

    # -- stage 0: the world model ---------------------------------------------------------
    def world_loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        s, a, nxt, task, valid = transitions(trim_padding(b))
        err = ((self.world(s, a, task) - nxt) / self.world.delta_std).square().mean(-1)
        loss = (err * valid).sum() / valid.sum().clamp(min=1.0)
        return loss, {'loss': loss.detach()}

    def world_val(self) -> dict:
        if self.val is None:
            return {}
        with torch.no_grad():
            v = spread(self.val, VAL_LIMIT)
            return {'val_world': float(self.world_loss(v)[0]),
                    'val_world_rollout': float(self.rollout_error(v, self.demonstrated(v)))}

    def world_stage(self) -> Stage:
        self.world.set_delta_std(self.train.obs, self.train.mask)
        w = self.cfg.world_model
        return Stage('world_model', w.steps, w.lr, self.world, self.world_loss, self.train,
                     self.world_val, snapshots=False, select='val_world')

    # -- stage 1: the VAE, with its policies rolled out in the model ----------------------
    def rollout(self, b: Batch, act_fn) -> torch.Tensor:
        """States ``(B, T, F)`` of a closed-loop rollout in the world model.

        ``act_fn(states (B, 1, F), k) -> actions (B, 1, A)`` acts at step ``k``; the rollout
        starts at each snippet's first state and runs for its steps.
        """
        states = [b.obs[:, :1]]
        for k in range(b.obs.shape[1] - 1):
            states.append(self.world(states[-1], act_fn(states[-1], k), b.task[:, None]))
        return torch.cat(states, 1)

    def rollout_error(self, b: Batch, act_fn, target: torch.Tensor | None = None) -> torch.Tensor:
        """Mean squared error (normalised features) of a rollout's states against ``target``.

        ``target`` defaults to the demonstrated states. The VAE compares its policies with
        the demonstrator's own actions rolled out in the same model instead: the model's
        error is then common to both and cancels, and only the policy's drift is penalised
        (against the recorded states, a policy learns to make up for the model's errors).
        """
        states = self.rollout(b, act_fn)
        target = b.obs if target is None else target
        valid = b.mask[:, 1:] * b.mask[:, :-1]
        err = (states[:, 1:] - target[:, 1:]).square().mean(-1)
        return (err * valid).sum() / valid.sum().clamp(min=1.0)

    def demonstrated(self, b: Batch):
        """The demonstrated actions, replayed open loop."""
        return lambda state, k: b.act[:, k:k + 1]

    def vae_loss(self, b: Batch) -> tuple[torch.Tensor, dict]:
        b = trim_padding(b)
        vae = self.vae
        mu, logvar = vae.encode(b.obs, b.act, b.mask, b.task)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        weights = vae.decode(z, b.task)
        recon = vae.action_mse(weights, b.obs, b.act, b.mask)
        kl = 0.5 * (mu.square() + logvar.exp() - 1.0 - logvar).sum(-1).mean()
        with torch.no_grad():
            reference = self.rollout(b, self.demonstrated(b))
        rollout = self.rollout_error(b, lambda s, k: vae.policy_actions(weights, s), reference)
        loss = recon + vae.cfg.beta * kl + self.cfg.world_model.weight * rollout
        return loss, {'loss': loss.detach(), 'recon': recon.detach(), 'kl': kl.detach(),
                      'rollout': rollout.detach()}

    def vae_val(self) -> dict:
        out = super().vae_val()
        if self.val is None:
            return out
        v = spread(self.val, VAL_LIMIT)
        with torch.no_grad():
            mu, _ = self.vae.encode(v.obs, v.act, v.mask, v.task)
            weights = self.vae.decode(mu, v.task)
            out['val_rollout'] = float(self.rollout_error(
                v, lambda s, k: self.vae.policy_actions(weights, s),
                self.rollout(v, self.demonstrated(v))))
        return out

    def vae_stage(self) -> Stage:
        self.world.eval().requires_grad_(False)  # frozen: only the policies learn from it
        return super().vae_stage()
