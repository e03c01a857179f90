# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Sampler plans against diffusers, and the PolicyGenerator runtime API."""

import numpy as np
import pytest
import torch

from lwd_ros.evaluation.toy import toy_config, toy_demonstrations
from lwd_ros.learning.trainer import Trainer
from lwd_ros.runtime.generator import GeneratedPolicy
from lwd_ros.runtime.loader import load_generator
from lwd_ros.runtime.mlp import MlpPolicy, num_params
from lwd_ros.runtime.sampler import alphas_cumprod, ddim_plan, ddpm_plan

SCHEDULES = ['squaredcos_cap_v2', 'linear', 'scaled_linear']
PREDICTIONS = ['epsilon', 'sample', 'v_prediction']


@pytest.mark.parametrize('schedule', SCHEDULES)
def test_alphas_cumprod_match_diffusers(schedule):
    from diffusers import DDPMScheduler
    ours = alphas_cumprod(1000, schedule)
    np.testing.assert_allclose(ours, DDPMScheduler(beta_schedule=schedule).alphas_cumprod,
                               rtol=1e-5, atol=1e-6)


def _model_output(z, t):
    """A smooth stand-in for a denoiser, so coefficient errors are not hidden by noise."""
    return 0.5 * torch.tanh(z) + 0.01 * t


@pytest.mark.parametrize('prediction', PREDICTIONS)
@pytest.mark.parametrize('spacing', ['trailing', 'leading', 'linspace'])
def test_ddim_plan_equals_diffusers_step(prediction, spacing):
    from diffusers import DDIMScheduler
    sched = DDIMScheduler(num_train_timesteps=100, beta_schedule='squaredcos_cap_v2',
                          prediction_type=prediction, clip_sample=False,
                          timestep_spacing=spacing)
    sched.set_timesteps(10)
    plan = ddim_plan(alphas_cumprod(100, 'squaredcos_cap_v2'), 10, prediction, spacing)
    np.testing.assert_array_equal(plan.timesteps, sched.timesteps.numpy())
    z = torch.randn(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    ours = z.clone()
    for k, t in enumerate(sched.timesteps):
        z = sched.step(_model_output(z, int(t)), t, z).prev_sample
        ours = (plan.coef_sample[k] * ours
                + plan.coef_model[k] * _model_output(ours, int(plan.timesteps[k])))
    torch.testing.assert_close(ours, z, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('prediction', PREDICTIONS)
def test_ddpm_plan_equals_diffusers_step(prediction):
    from diffusers import DDPMScheduler
    sched = DDPMScheduler(num_train_timesteps=100, beta_schedule='squaredcos_cap_v2',
                          prediction_type=prediction, clip_sample=False)
    sched.set_timesteps(100)
    plan = ddpm_plan(alphas_cumprod(100, 'squaredcos_cap_v2'), prediction)
    np.testing.assert_array_equal(plan.timesteps, sched.timesteps.numpy())
    assert plan.coef_noise[-1] == 0 and plan.stochastic
    g1, g2 = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    z = torch.randn(3, 4, dtype=torch.float64)
    ours = z.clone()
    for k, t in enumerate(sched.timesteps):
        z = sched.step(_model_output(z, int(t)), t, z, generator=g1).prev_sample
        noise = torch.randn(3, 4, generator=g2, dtype=torch.float64) if t > 0 else 0.0
        ours = (plan.coef_sample[k] * ours + plan.coef_noise[k] * noise
                + plan.coef_model[k] * _model_output(ours, int(plan.timesteps[k])))
    torch.testing.assert_close(ours, z, rtol=1e-3, atol=1e-3)


def test_warm_start_tail():
    plan = ddim_plan(alphas_cumprod(100, 'squaredcos_cap_v2'), 10, 'v_prediction')
    tail = plan.tail(0.3)
    assert len(tail) == 3 and tail.timesteps.tolist() == plan.timesteps[-3:].tolist()
    assert plan.tail(1.0) is plan
    with pytest.raises(ValueError):
        plan.tail(0.0)


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp('toy_lwd')
    Trainer(toy_config(), toy_demonstrations(30, seed=0), out, progress=False).run()
    return out


def test_generate_api(checkpoint):
    gen = load_generator(checkpoint, seed=0)
    assert gen.backend == 'torch' and gen.tasks == ('high', 'low')
    assert (gen.obs_dim, gen.act_dim, gen.obs_history) == (2, 2, 1)
    p = gen.generate(np.array([-0.8, 0.0]), 'high', np.random.default_rng(0))
    assert isinstance(p, GeneratedPolicy) and p.task == 'high' and p.sampler == 'ddim-10'
    assert p.layer_sizes == gen.layer_sizes == (2, 32, 32, 2)
    assert p.weights.dtype == np.float32 and p.weights.shape == (num_params(p.layer_sizes),)
    assert p.latent.shape == (gen.latent_dim,) and p.latency_s > 0
    assert isinstance(p.policy(), MlpPolicy)
    action = p.policy().act(np.array([-0.8, 0.0], np.float32))
    assert action.shape == (2,) and np.all(np.isfinite(action))


def test_generate_is_deterministic_per_seed(checkpoint):
    gen = load_generator(checkpoint)
    obs = np.array([-0.5, 0.1])
    a = gen.generate(obs, 'low', np.random.default_rng(3))
    b = gen.generate(obs, 'low', np.random.default_rng(3))
    c = gen.generate(obs, 'low', np.random.default_rng(4))
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(a.latent, c.latent)


@pytest.mark.parametrize('device', ['cpu', 'auto', pytest.param('cuda', marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason='torch sees no CUDA GPU'))])
def test_generation_on_a_device_matches_the_cpu(checkpoint, device):
    # A fleet's generator (or lwd eval) may sample on a GPU; what leaves it is the same numpy
    # policy the CPU makes for the same noise, so controllers cannot tell.
    cpu, there = load_generator(checkpoint), load_generator(checkpoint, device=device)
    assert there.device.type == ('cuda' if device != 'cpu' and torch.cuda.is_available()
                                 else 'cpu')
    obs = np.array([-0.5, 0.1])
    for sampler in ('ddim', 'ddpm'):
        cpu.set_sampler(sampler, None)
        there.set_sampler(sampler, None)
        a = cpu.generate(obs, 'low', np.random.default_rng(5))
        b = there.generate(obs, 'low', np.random.default_rng(5))
        assert b.weights.dtype == np.float32 and isinstance(b.weights, np.ndarray)
        np.testing.assert_allclose(b.weights, a.weights, rtol=1e-4, atol=1e-5)


def test_a_device_that_is_not_there_is_one_clear_error(checkpoint, tmp_path):
    for bad, match in (('gpu', r"device='gpu' is not a device: auto \| cpu"),
                       ('cuda:9', r"device='cuda:9': (GPU 9 asked for|torch .* sees no CUDA)")):
        with pytest.raises(ValueError, match=match):
            load_generator(checkpoint, device=bad)
    with pytest.raises(ValueError, match='the onnx backend runs on the CPU'):
        load_generator(tmp_path, backend='onnx', device='cuda')


def test_samplers_and_warm_start(checkpoint):
    gen = load_generator(checkpoint, sampler='ddpm')
    assert gen.plan.name == 'ddpm-100'
    p = gen.generate(np.zeros(2), 'high', np.random.default_rng(0))
    gen.set_sampler('ddim', 5)
    warm = gen.generate(np.zeros(2), 'high', np.random.default_rng(0), warm_start=p,
                        strength=0.4)
    assert warm.sampler == 'ddim-5-warm2' and np.all(np.isfinite(warm.weights))
    switched = gen.generate(np.zeros(2), 'low', np.random.default_rng(0), warm_start=p,
                            strength=0.4)
    assert switched.sampler == 'ddim-5'  # a task switch starts cold


def test_obs_history_padding(checkpoint):
    gen = load_generator(checkpoint)
    one = gen.condition(np.array([0.1, 0.2]), 'high')
    many = gen.condition(np.array([[9.0, 9.0], [0.1, 0.2]]), 'high')  # K = 1: the latest only
    np.testing.assert_array_equal(one, many)


def test_bad_inputs_raise_clear_errors(checkpoint):
    gen = load_generator(checkpoint)
    with pytest.raises(ValueError, match="unknown task 'left'; valid tasks"):
        gen.generate(np.zeros(2), 'left')
    with pytest.raises(ValueError, match='obs.shape'):
        gen.generate(np.zeros(3), 'high')
    with pytest.raises(ValueError, match='not finite'):
        gen.generate(np.array([np.nan, 0.0]), 'high')
    with pytest.raises(ValueError, match='backend'):
        load_generator(checkpoint, backend='tensorrt')


def test_noise_scale_scales_the_initial_latent(checkpoint):
    # The same seed, half the initial noise: a different (more typical) latent; 0 refused.
    obs = np.array([-0.8, 0.0])
    a = load_generator(checkpoint, noise_scale=1.0).generate(obs, 'high', np.random.default_rng(3))
    b = load_generator(checkpoint, noise_scale=0.5).generate(obs, 'high', np.random.default_rng(3))
    assert not np.allclose(a.latent, b.latent)
    with pytest.raises(ValueError, match='noise_scale'):
        load_generator(checkpoint, noise_scale=0.0)


@pytest.mark.parametrize('sampler', ['ddim', 'ddpm'])
def test_a_batch_gives_each_robot_the_policy_it_would_get_alone(checkpoint, sampler):
    gen = load_generator(checkpoint, sampler=sampler, num_steps=4)
    obs = [np.array([-0.8, 0.0]), np.array([-0.7, 0.1]), np.array([0.2, 0.3])]
    tasks = ['high', 'low', 'high']
    batch = gen.generate_batch(obs, tasks, [np.random.default_rng(i) for i in range(3)])
    for i, policy in enumerate(batch):
        alone = gen.generate(obs[i], tasks[i], np.random.default_rng(i))
        assert policy.task == tasks[i] and policy.layer_sizes == alone.layer_sizes
        np.testing.assert_allclose(policy.weights, alone.weights, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match='one task and one rng'):
        gen.generate_batch(obs, tasks[:2], [np.random.default_rng(0)] * 3)
