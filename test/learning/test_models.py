# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""LWD modules: snippets, hypernetwork layout, torch/numpy policy parity, configs, BC."""

import math

import numpy as np
import pytest
import torch

from lwd_ros.config import load_config
from lwd_ros.data.episode import Episode
from lwd_ros.data.snippets import cut_snippets, split_episodes, task_names
from lwd_ros.evaluation.toy import toy_demonstrations
from lwd_ros.experiment import DataConfig, LwdConfig, PolicyConfig
from lwd_ros.learning.bc import BcMlp
from lwd_ros.learning.diffusion import LatentDiffusion
from lwd_ros.learning.vae import TORCH_ACTIVATIONS, HyperDecoder, TrajectoryVae, batched_mlp
from lwd_ros.methods.lwd import DiffusionConfig, VaeConfig
from lwd_ros.runtime.baseline import bc_task_weights
from lwd_ros.runtime.features import FeatureMap, ModelSpace, default_obs_names
from lwd_ros.runtime.mlp import MlpPolicy, fold_affine, num_params, split_layers
from lwd_ros.runtime.normalisation import NormStats

SMALL_VAE = VaeConfig(latent_dim=4, encoder_hidden=32, decoder_hidden=32, chunk_size=64,
                      head_hidden=16)


def _episode(T, task, obs_dim=3, act_dim=2, seed=0):
    rng = np.random.default_rng(seed)
    return Episode(rng.normal(size=(T + 1, obs_dim)), rng.normal(size=(T, act_dim)), task)


def _space(eps):
    names = default_obs_names(eps[0].observations.shape[1])
    return ModelSpace.fit(eps, FeatureMap(names, names), None)


# -- snippets ------------------------------------------------------------------------------
def test_snippets_shapes_masks_and_history():
    eps = [_episode(10, 'a'), _episode(5, 'b', seed=1)]
    space = _space(eps)
    s = cut_snippets(eps, space, task_names(eps), horizon=4, stride=1, obs_history=3)
    assert len(s) == 15 and s.obs.shape == (15, 4, 3) and s.act.shape == (15, 4, 2)
    assert s.cond.shape == (15, 3, 3) and s.task.tolist() == [0] * 10 + [1] * 5
    np.testing.assert_array_equal(s.mask[9], [1, 0, 0, 0])  # last start of episode a
    np.testing.assert_array_equal(s.mask[0], [1, 1, 1, 1])
    first = space.obs_in(eps[0].observations, 'a')
    np.testing.assert_allclose(s.cond[0], first[[0, 0, 0]])  # history padded with step 0
    np.testing.assert_allclose(s.cond[5], first[[3, 4, 5]])
    np.testing.assert_allclose(s.obs[5], first[5:9])
    full = cut_snippets(eps, space, task_names(eps), horizon=0)
    assert full.obs.shape == (2, 10, 3) and full.mask.sum(1).tolist() == [10, 5]


def test_norm_stats_round_trip_and_floor():
    eps = [Episode(np.c_[np.arange(4.0), np.ones(4)], np.zeros((3, 1)), 't')]
    stats = _space(eps).stats
    assert stats.obs_std[1] > 0 and stats.act_std[0] > 0  # constant dims do not divide by 0
    again = NormStats.from_dict(stats.to_dict())
    np.testing.assert_array_equal(again.obs_mean, stats.obs_mean)


def test_split_is_by_episode_and_keeps_every_task():
    eps = [_episode(3, t, seed=i) for i, t in enumerate('aaaab')]
    train, val = split_episodes(eps, 0.5, seed=0)
    assert {e.task for e in train} == {'a', 'b'} and len(train) + len(val) == 5
    assert not ({id(e) for e in train} & {id(e) for e in val})


# -- hypernetwork layout -----------------------------------------------------------------
@pytest.mark.parametrize('layer_sizes', [(3, 8, 2), (5, 16, 16, 2), (5, 128, 128, 2)])
def test_hyper_decoder_shapes_and_parameter_order(layer_sizes):
    torch.manual_seed(0)
    dec = HyperDecoder(layer_sizes, num_tasks=3, cfg=SMALL_VAE)
    P = num_params(layer_sizes)
    assert dec.num_params == P
    assert dec.chunk_embed.shape[0] == math.ceil(P / SMALL_VAE.chunk_size)
    w = dec(torch.randn(7, 4), torch.tensor([0, 1, 2, 0, 1, 2, 0]))
    assert w.shape == (7, P) and torch.isfinite(w).all()
    # The gain of every parameter is 1/sqrt(fan_in) of the layer split_layers puts it in,
    # so the hypernetwork's output layout is the MlpPolicy layout.
    gains = split_layers(layer_sizes, dec.gain.numpy())
    for (gw, gb), fan_in in zip(gains, layer_sizes[:-1]):
        np.testing.assert_allclose(gw, 1 / math.sqrt(fan_in), rtol=1e-6)
        np.testing.assert_allclose(gb, 1 / math.sqrt(fan_in), rtol=1e-6)
    # At init, weights are a standard init plus a small latent-dependent deviation.
    base = split_layers(layer_sizes, dec.base.detach().numpy())
    for (bw, _), fan_in in zip(base, layer_sizes[:-1]):
        assert np.abs(bw).max() <= 1 / math.sqrt(fan_in) + 1e-6


@pytest.mark.parametrize('activation', sorted(TORCH_ACTIVATIONS))
def test_numpy_policy_equals_torch_generated_policy(activation):
    torch.manual_seed(1)
    vae = TrajectoryVae(5, 2, 2, (16, 16), activation, SMALL_VAE)
    with torch.no_grad():
        w = vae.decode(torch.randn(3, 4), torch.tensor([0, 1, 0]))  # (3, P)
        obs = torch.randn(3, 6, 5)
        torch_act = vae.policy_actions(w, obs)
    for b in range(3):
        policy = MlpPolicy(vae.layer_sizes, w[b].numpy(), activation)
        np.testing.assert_allclose(policy.act(obs[b].numpy()), torch_act[b].numpy(),
                                   rtol=1e-5, atol=1e-5)


def test_folded_numpy_policy_takes_raw_units():
    rng = np.random.default_rng(2)
    stats = NormStats(rng.normal(size=5), rng.uniform(0.01, 1, 5), rng.normal(size=2),
                      rng.uniform(0.01, 1, 2))
    names = default_obs_names(5)
    space = ModelSpace(FeatureMap(names, names), stats, None)
    sizes = (5, 16, 2)
    w = torch.randn(1, num_params(sizes)) * 0.3
    raw_obs = rng.normal(size=(4, 5)).astype(np.float32)
    with torch.no_grad():
        act_n = batched_mlp(w, torch.from_numpy(space.obs_in(raw_obs, 't'))[None], sizes,
                            'relu')[0].numpy()
    folded = fold_affine(sizes, w[0].numpy(), *space.input_affine('t'),
                         *space.output_affine('t'))
    np.testing.assert_allclose(MlpPolicy(sizes, folded).act(raw_obs),
                               space.act_out(act_n, 't'), rtol=1e-4, atol=1e-4)


def test_vae_loss_is_finite_and_trains_both_halves():
    torch.manual_seed(0)
    vae = TrajectoryVae(3, 2, 2, (8,), 'relu', SMALL_VAE)
    obs, act = torch.randn(4, 5, 3), torch.randn(4, 5, 2)
    loss, parts = vae(obs, act, torch.ones(4, 5), torch.tensor([0, 1, 0, 1]))
    loss.backward()
    assert torch.isfinite(loss) and set(parts) == {'loss', 'recon', 'kl'}
    assert vae.encoder.step[0].weight.grad.abs().sum() > 0
    assert vae.decoder.head.weight.grad.abs().sum() > 0


def test_denoiser_and_diffusion_loss():
    cfg = DiffusionConfig(num_train_timesteps=50, hidden=32, num_blocks=1)
    d = LatentDiffusion(4, 6, 2, cfg)
    out = d.denoiser(torch.randn(3, 4), torch.tensor([0, 10, 49]), torch.randn(3, 6),
                     torch.tensor([0, 1, 1]))
    assert out.shape == (3, 4)
    loss = d(torch.randn(8, 4), torch.randn(8, 6), torch.zeros(8, dtype=torch.long))
    assert torch.isfinite(loss)
    d.set_latent_stats(torch.randn(100, 4) * 3 + 1)
    z = torch.randn(5, 4)
    torch.testing.assert_close(d.unstandardize(d.standardize(z)), z)


# -- baseline ------------------------------------------------------------------------------
def test_bc_task_folding_matches_torch():
    torch.manual_seed(0)
    bc = BcMlp(5, 2, 3, (16, 16), 'relu')
    state = {f'bc.{k}': v.numpy() for k, v in bc.state_dict().items()}
    obs = torch.randn(4, 5)
    for task in range(3):
        flat = bc_task_weights(state, 5, task)
        with torch.no_grad():
            expected = bc(obs, torch.full((4,), task)).numpy()
        np.testing.assert_allclose(MlpPolicy((5, 16, 16, 2), flat).act(obs.numpy()), expected,
                                   rtol=1e-5, atol=1e-5)


# -- configs -------------------------------------------------------------------------------
@pytest.mark.parametrize('bad', [
    lambda: DataConfig(horizon=-1), lambda: DataConfig(val_fraction=1.0),
    lambda: PolicyConfig(hidden_sizes=()), lambda: PolicyConfig(activation='gelu'),
    lambda: VaeConfig(latent_dim=0), lambda: VaeConfig(beta=-1.0),
    lambda: DiffusionConfig(prediction_type='x'), lambda: DiffusionConfig(num_inference_steps=0),
    lambda: DiffusionConfig(time_embed_dim=33), lambda: LwdConfig(method='ppo'),
])
def test_config_validation(bad):
    with pytest.raises(ValueError):
        bad()


@pytest.mark.parametrize('name', ['pusht.yaml', 'pusht_h32.yaml', 'pusht_tiny.yaml', 'toy.yaml',
                                  'pusht_bc_small.yaml', 'pusht_bc_large.yaml'])
def test_shipped_configs_load(name):
    cfg = load_config(LwdConfig, f'config/train/{name}')
    assert cfg.data.horizon >= 0


def test_default_pusht_policy_is_small():
    cfg = load_config(LwdConfig, 'config/train/pusht.yaml')
    assert num_params((5, *cfg.policy.hidden_sizes, 2)) <= 20_000


def test_toy_demonstrations_are_bimodal_and_successful():
    eps = toy_demonstrations(20, seed=0)
    assert all(e.success for e in eps)
    sides = {np.sign(e.observations[len(e) // 3, 1]) for e in eps}
    assert sides == {-1.0, 1.0}
