# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The Diffusion Policy peer on the toy task: config, UNet, windows, training, rollouts, CLI."""

import json
import sys
import types

from conftest import Interrupted, stopping_trainer
import gymnasium as gym
import numpy as np
import pytest
from safetensors.torch import load_file
import torch
from torch.utils.flop_counter import FlopCounterMode

from lwd_ros.cli import main as lwd_main
from lwd_ros.data.episode import Episode
from lwd_ros.data.snippets import cut_action_windows
from lwd_ros.evaluation.dp_source import DpSource
from lwd_ros.evaluation.rollout import evaluate
from lwd_ros.evaluation.toy import TOY_ID, toy_config, toy_demonstrations
from lwd_ros.learning.checkpoint_io import load_checkpoint
from lwd_ros.learning.diffusion_policy import ConditionalUnet1D
from lwd_ros.learning.trainer import Trainer
from lwd_ros.methods.dp import DpConfig
from lwd_ros.runtime.checkpoint import CheckpointError, read_meta
from lwd_ros.runtime.features import FeatureMap, ModelSpace
from lwd_ros.runtime.normalisation import NormStats

# A seconds-scale DP on the toy task: horizon 8 = 1 past + current + 6 ahead, 4 executed.
TINY_DP = ['method=dp', 'dp.down_dims=[16, 32]', 'dp.diffusion_step_embed_dim=16',
           'dp.task_embed_dim=4', 'dp.horizon=8', 'dp.n_action_steps=4', 'dp.ema_decay=0.99',
           'train.dp_steps=300', 'train.dp_lr=2.0e-3', 'train.val_every=100',
           'train.ckpt_every=100', 'train.num_threads=1']
# the PushT DP config's data section pointed at the toy (no goal poses in its "dataset")
TOY_DP_DATA = ['data.dataset=toy', 'data.robot=toy', 'data.goal_frame=false']


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


@pytest.fixture(scope='module')
def demos():
    return toy_demonstrations(30, seed=0)


@pytest.fixture(scope='module')
def trained(demos, tmp_path_factory):
    out = tmp_path_factory.mktemp('dp')
    trainer = Trainer(toy_config(TINY_DP), demos, out, progress=False)
    trainer.run()
    return trainer, out


@pytest.mark.parametrize('kwargs, match', [
    ({'down_dims': (16, 30)}, 'down_dims'),
    ({'kernel_size': 4}, 'kernel_size'),
    ({'horizon': 8, 'n_obs_steps': 2, 'n_action_steps': 8}, 'horizon'),
    ({'horizon': 12, 'down_dims': (8, 16, 32, 64)}, 'divide'),
    ({'num_inference_steps': 101}, 'num_inference_steps'),
    ({'diffusion_step_embed_dim': 15}, 'diffusion_step_embed_dim'),
    ({'clip_sample_range': 0.0}, 'clip_sample_range'),
    ({'ema_decay': 1.0}, 'ema_decay'),
    ({'adam_betas': (0.9,)}, 'adam_betas'),
])
def test_config_rejects_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DpConfig(**kwargs)


def test_config_current_index_and_paper_defaults():
    d = DpConfig()
    assert (d.horizon, d.n_obs_steps, d.n_action_steps, d.current_index) == (16, 2, 8, 1)
    assert d.down_dims == (256, 512, 1024) and (d.kernel_size, d.n_groups) == (5, 8)
    assert (d.num_train_timesteps, d.num_inference_steps) == (100, 10)


def test_unet_shape_and_conditioning():
    torch.manual_seed(0)
    cfg = DpConfig(horizon=8, n_action_steps=4, down_dims=(16, 32, 64),
                   diffusion_step_embed_dim=16)
    unet = ConditionalUnet1D(2, 5, cfg).eval()
    x, t, cond = torch.randn(3, 8, 2), torch.tensor([0, 50, 99]), torch.randn(3, 5)
    out = unet(x, t, cond)
    assert out.shape == (3, 8, 2)
    assert not torch.allclose(out, unet(x, t, cond + 1.0), atol=1e-4)
    assert not torch.allclose(out, unet(x, t.flip(0), cond), atol=1e-4)
    # Each sample depends on its own condition only (nothing mixes across the batch).
    torch.testing.assert_close(unet(x[:1], t[:1], cond[:1]), out[:1])


def test_windows_align_the_current_step_and_pad():
    obs, act = np.arange(6.0)[:, None], 10 + np.arange(5.0)[:, None]  # T = 5 actions
    identity = ModelSpace(FeatureMap(['o'], ['o']), NormStats([0], [1], [0], [1]), None)
    w = cut_action_windows([Episode(obs, act, 'a')], identity, ('a',), horizon=4,
                           obs_history=2)
    assert w.obs.shape == (5, 2, 1) and w.act.shape == (5, 4, 1) and w.task.tolist() == [0] * 5
    np.testing.assert_array_equal(w.obs[0, :, 0], [0, 0])  # front-padded with the first obs
    np.testing.assert_array_equal(w.obs[3, :, 0], [2, 3])
    np.testing.assert_array_equal(w.act[0, :, 0], [10, 10, 11, 12])  # index 1 = step 0
    np.testing.assert_array_equal(w.act[4, :, 0], [13, 14, 14, 14])  # last action repeated
    np.testing.assert_array_equal(w.mask[[0, 4]], [[0, 1, 1, 1], [1, 1, 0, 0]])


def test_training_lowers_the_loss(trained, demos, tmp_path):
    trainer, _ = trained
    untrained = Trainer(toy_config([*TINY_DP, 'train.dp_steps=0']), demos, tmp_path,
                        progress=False)
    before = untrained.method.stage('dp').validate()
    after = trainer.meta.training['val']['dp']
    assert after['val_diffusion'] < 0.3 * before['val_diffusion']
    assert after['val_sampled_mse'] < 0.5 * before['val_sampled_mse']


def test_checkpoint_round_trip_samples_the_same_actions(trained):
    trainer, out = trained
    meta = read_meta(out)
    assert meta.method == 'dp' and meta.stage == 'done' and meta.obs_history == 2
    assert meta.training['steps'] == {'dp': 300}
    keys = load_file(str(out / 'model.safetensors')).keys()
    assert {k.split('.')[0] for k in keys} == {'dp', 'ema'}
    v = trainer.val_data.head(5)

    def sample(model):
        return model.sample(v.cond, v.task, torch.Generator().manual_seed(7))
    torch.testing.assert_close(sample(load_checkpoint(out).module('dp')),
                               sample(trainer.method.ema.module), rtol=0, atol=0)
    torch.testing.assert_close(sample(load_checkpoint(out, use_ema=False).module('dp')),
                               sample(trainer.method.dp), rtol=0, atol=0)
    assert not torch.equal(sample(trainer.method.dp), sample(trainer.method.ema.module))


def test_resume_reproduces_uninterrupted_run(trained, demos, tmp_path):
    _, reference = trained

    with pytest.raises(Interrupted):
        stopping_trainer(lambda s: s['step'] == 200)(toy_config(TINY_DP), demos, tmp_path,
                                                     progress=False).run()
    Trainer(toy_config(TINY_DP), demos, tmp_path, resume=True, progress=False).run()
    a, b = (load_file(str(d / 'model.safetensors')) for d in (reference, tmp_path))
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0, msg=k)


class ActionLog:
    """Wrap a source to keep every action it returns and count its sampling calls."""

    def __init__(self, source):
        self.source, self.actions, self.calls = source, [], 0
        sample = source._sample

        def counted():
            self.calls += 1
            return sample()
        source._sample = counted

    def __getattr__(self, name):
        return getattr(self.source, name)

    def act(self, obs):
        self.actions.append(self.source.act(obs))
        return self.actions[-1]


def test_dp_source_regenerates_every_action_steps_and_is_reproducible(trained):
    _, out = trained
    env = gym.make(TOY_ID)
    runs = []
    for seed in (100, 100, 101):
        source = ActionLog(DpSource(out, action_steps=3))
        report = evaluate(env, source, 1, seed=seed, task='high')
        steps = report.episodes[0].steps
        assert source.calls == len(report.latencies_s) == -(-steps // 3)
        runs.append(np.array(source.actions))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0].shape[1] == 2 and not np.array_equal(runs[0][:3], runs[2][:3])


def test_dp_source_executes_from_the_current_step_with_padded_history(trained):
    _, out = trained
    source = DpSource(out, action_steps=3)
    H, conds = source.cfg.horizon, []

    def fake_sample(cond, task, generator):
        conds.append(cond[0].numpy())
        return torch.arange(2.0 * H).reshape(1, H, 2) + 100 * len(conds)
    source.model.sample = fake_sample
    source.reset('low', 0)
    observations = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    actions = np.array([source.act(o) for o in observations])
    seq = np.arange(2.0 * H).reshape(H, 2)
    space = source.space
    np.testing.assert_allclose(actions[:3], space.act_out(seq[1:4] + 100, 'low'), rtol=1e-6)
    np.testing.assert_allclose(actions[3], space.act_out(seq[1] + 200, 'low'), rtol=1e-6)
    np.testing.assert_allclose(conds[0], space.obs_in(observations[[0, 0]], 'low').ravel())
    np.testing.assert_allclose(conds[1], space.obs_in(observations[[2, 3]], 'low').ravel())


def test_dp_source_solves_the_toy_task_and_counts_flops(trained):
    _, out = trained
    source = DpSource(out, action_steps=4)
    summary = evaluate(gym.make(TOY_ID), source, 6, seed=100).summary()
    assert summary['method'] == 'dp' and summary['success_rate'] >= 0.8
    model, d = source.model, source.cfg
    with FlopCounterMode(display=False) as one_pass:
        model.unet(torch.zeros(1, d.horizon, 2), torch.zeros(1, dtype=torch.long),
                   model.global_cond(torch.zeros(1, 4), torch.zeros(1, dtype=torch.long)))
    assert summary['flops_per_call'] == d.num_inference_steps * one_pass.get_total_flops()
    assert summary['flops_per_step'] == summary['flops_per_call'] / 4
    assert summary['params'] == sum(p.numel() for p in model.parameters())


def test_dp_source_samples_the_full_ddpm_chain_on_request(trained):
    _, out = trained
    ddim, ddpm = DpSource(out, action_steps=4), DpSource(out, action_steps=4, sampler='ddpm')
    d = ddpm.cfg
    assert ddpm.describe()['sampler'] == f'ddpm-{d.num_train_timesteps}'
    assert ddpm.flops_per_call == ddim.flops_per_call * d.num_train_timesteps // \
        d.num_inference_steps  # one UNet pass per step of the chain
    summary = evaluate(gym.make(TOY_ID), ddpm, 6, seed=100).summary()
    assert summary['success_rate'] >= 0.5  # the same tiny model: noisier than DDIM's, working
    cond, task = torch.zeros(2, 4), torch.zeros(2, dtype=torch.long)
    a, b = (ddpm.model.sample(cond, task, torch.Generator().manual_seed(3)) for _ in range(2))
    torch.testing.assert_close(a, b, rtol=0, atol=0)  # its per-step noise is seeded too
    with pytest.raises(ValueError, match='unknown sampler'):
        DpSource(out, action_steps=4, sampler='euler')


def test_dp_source_validates_action_steps_and_method(trained, demos, tmp_path):
    _, out = trained
    longest = 8 - 1  # horizon - n_obs_steps + 1
    assert DpSource(out, action_steps=longest).describe()['action_horizon'] == longest
    with pytest.raises(ValueError, match=r'action_steps=8 must be in \[1, 7\]'):
        DpSource(out, action_steps=longest + 1)
    with pytest.raises(ValueError, match='action_steps=0'):
        DpSource(out, action_steps=0)
    bc = tmp_path / 'bc'
    Trainer(toy_config(['method=bc', 'train.bc_steps=1']), demos, bc, progress=False).run()
    with pytest.raises(CheckpointError, match="method is 'bc', not dp"):
        DpSource(bc)


def test_cli_train_eval(monkeypatch, tmp_path, demos):
    fake = types.ModuleType('lwd_ros.data.minari_io')
    fake.load_episodes = lambda path: demos
    fake.load_training_set = lambda paths: (demos, {})
    fake.dataset_contract = lambda paths: None
    monkeypatch.setitem(sys.modules, 'lwd_ros.data.minari_io', fake)
    out = tmp_path / 'run'
    assert lwd_main(['train', '--config', 'config/train/pusht_dp.yaml', '--out', str(out),
                     '--no-progress', *TOY_DP_DATA, *TINY_DP, 'train.dp_steps=50',
                     'train.batch_size=64', 'train.warmup_steps=10']) == 0
    assert read_meta(out).training['steps'] == {'dp': 50}
    report = tmp_path / 'eval.json'
    assert lwd_main(['eval', '--checkpoint', str(out), '--robot', TOY_ID, '--episodes', '2',
                     '--action-horizon', '5', '--json', str(report), '--no-progress',
                     '--device', 'auto']) == 0
    summary = json.loads(report.read_text())
    assert summary['method'] == 'dp' and summary['action_horizon'] == 5
    assert summary['flops_per_step'] == summary['flops_per_call'] / 5
    calls = sum(-(-e['steps'] // 5) for e in summary['per_episode'])
    assert calls > 0 and summary['generation_latency_ms']['count'] == calls
    assert np.isfinite(summary['generation_latency_ms']['p99'])
