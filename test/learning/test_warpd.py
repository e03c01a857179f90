# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""WARPD (issue 33): a world model learned from the demonstrations shapes LWD's VAE."""

import gymnasium as gym
import pytest
import torch

from lwd_ros.evaluation.rollout import LwdSource, evaluate
from lwd_ros.evaluation.toy import TOY_ID, toy_config
from lwd_ros.learning.checkpoint_io import load_checkpoint, load_tensors
from lwd_ros.learning.trainer import Trainer
from lwd_ros.runtime.checkpoint import read_meta
from lwd_ros.runtime.loader import load_generator

WARPD = ['method=warpd', 'world_model.steps=400', 'world_model.hidden=64',
         'world_model.num_layers=2']


@pytest.fixture(scope='module')
def warpd(demos, tmp_path_factory):
    out = tmp_path_factory.mktemp('warpd')
    trainer = Trainer(toy_config(WARPD), demos, out, progress=False)
    trainer.run()
    return trainer, out


def test_the_world_model_learns_the_demonstrations_dynamics(warpd, demos, tmp_path):
    trainer, _ = warpd
    assert trainer.meta.training['steps'] == {'world_model': 400, 'vae': 600, 'diffusion': 600}
    untrained = Trainer(toy_config([*WARPD, 'world_model.steps=1']), demos, tmp_path,
                        progress=False)
    untrained.train_stage(untrained.method.stage('world_model'))
    val = trainer.meta.training['val']
    assert val['world_model']['val_world'] < 0.2 * untrained.method.world_val()['val_world']
    # The VAE stage reports where its decoded policies lead in the model.
    assert 'val_rollout' in val['vae'] and val['vae']['val_rollout'] >= 0


def test_the_rollout_loss_reaches_the_policy_weights(warpd):
    trainer, _ = warpd
    method = trainer.method
    batch = method.train.head(16)
    method.vae.zero_grad(set_to_none=True)
    method.world.zero_grad(set_to_none=True)  # its last training step's gradients
    _, parts = method.vae_loss(batch)
    assert parts['rollout'] > 0
    weights = method.vae.decode(method.vae.encode(batch.obs, batch.act, batch.mask,
                                                  batch.task)[0], batch.task)
    rollout = method.rollout_error(batch, lambda s, k: method.vae.policy_actions(weights, s))
    rollout.backward()
    grads = [p.grad for p in method.vae.decoder.parameters() if p.grad is not None]
    assert grads and any(float(g.abs().sum()) > 0 for g in grads)
    assert all(p.grad is None for p in method.world.parameters())  # frozen in this stage


def test_a_warpd_checkpoint_deploys_as_lwd(warpd):
    _, out = warpd
    meta = read_meta(out)
    assert meta.method == 'warpd' and meta.latent_dim > 0
    assert any(k.startswith('world_model.') for k in load_tensors(out, meta))
    assert set(load_checkpoint(out).modules) == {'vae', 'diffusion'}
    report = evaluate(gym.make(TOY_ID), LwdSource(load_generator(out), 8), 8, seed=100)
    assert report.summary()['success_rate'] >= 0.75
    assert torch.isfinite(torch.tensor(report.summary()['mean_max_coverage']))
