# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Training end to end on the toy task: learning, checkpoints, resume, errors, baselines, CLI."""

import json
import sys
import types

from conftest import Interrupted, stopping_trainer
import gymnasium as gym
import numpy as np
import pytest
from safetensors.torch import load_file
import torch
import yaml

from lwd_ros.cli import main as lwd_main
from lwd_ros.evaluation.rollout import LwdSource, MlpSource, evaluate
from lwd_ros.evaluation.toy import GOALS, TOY_ID, toy_config
from lwd_ros.learning.checkpoint_io import load_checkpoint
from lwd_ros.learning.trainer import Trainer
from lwd_ros.runtime.baseline import load_bc_policies
from lwd_ros.runtime.checkpoint import CheckpointError, read_meta
from lwd_ros.runtime.loader import load_generator
from lwd_ros.runtime.mlp import MlpPolicy, num_params


@pytest.fixture(scope='module')
def trained(demos, tmp_path_factory):
    out = tmp_path_factory.mktemp('lwd')
    trainer = Trainer(toy_config(), demos, out, progress=False)
    trainer.run()
    return trainer, out


def _success(checkpoint, horizon=8, episodes=12):
    env = gym.make(TOY_ID)
    report = evaluate(env, LwdSource(load_generator(checkpoint), horizon), episodes,
                      seed=100)
    return report.summary()


def test_tiny_training_beats_untrained(trained, demos, tmp_path):
    trainer, out = trained
    untrained = Trainer(toy_config(['train.vae_steps=0', 'train.diffusion_steps=0']), demos,
                        tmp_path, progress=False)
    untrained.run()
    trained_mse = trainer.meta.training['val']['diffusion']['val_generated_mse']
    assert trained_mse < 0.2 * untrained.method.generated_mse(untrained.val_data)
    ours, theirs = _success(out), _success(tmp_path)
    assert ours['success_rate'] >= 0.9 > theirs['success_rate']
    assert ours['mean_max_coverage'] > theirs['mean_max_coverage'] + 0.2


def test_checkpoint_round_trip(trained):
    trainer, out = trained
    assert sorted(p.name for p in out.iterdir()) == ['config.yaml', 'meta.json',
                                                     'model.safetensors', 'train_log.jsonl']
    raw = load_checkpoint(out, use_ema=False)
    ema = load_checkpoint(out)
    for k, v in trainer.method.vae.state_dict().items():
        torch.testing.assert_close(raw.module('vae').state_dict()[k], v)
    for k, v in trainer.method.diffusion.state_dict().items():
        torch.testing.assert_close(raw.module('diffusion').state_dict()[k], v)
    for k, v in trainer.method.ema.module.state_dict().items():
        torch.testing.assert_close(ema.module('diffusion').denoiser.state_dict()[k], v)
    meta = read_meta(out)
    assert meta.stage == 'done' and meta.tasks == ('high', 'low')
    assert meta.training['steps'] == {'vae': 600, 'diffusion': 600}
    tensors = load_file(str(out / 'model.safetensors'))
    assert tensors['vae.decoder.base'].numel() == num_params((2, 32, 32, 2))
    cfg = yaml.safe_load((out / 'config.yaml').read_text())
    assert cfg['policy']['hidden_sizes'] == [32, 32] and cfg['data']['dataset'] == 'toy'


def test_resume_reproduces_uninterrupted_run(trained, demos, tmp_path):
    _, reference = trained

    cut = stopping_trainer(lambda s: s['stage'] == 'diffusion' and s['step'] == 400)
    with pytest.raises(Interrupted):
        cut(toy_config(), demos, tmp_path, progress=False).run()
    assert (tmp_path / 'trainer_state.pt').is_file()
    assert read_meta(tmp_path).stage == 'vae'
    Trainer(toy_config(), demos, tmp_path, resume=True, progress=False).run()
    assert not (tmp_path / 'trainer_state.pt').exists()
    a, b = load_file(str(reference / 'model.safetensors')), load_file(str(tmp_path /
                                                                          'model.safetensors'))
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0, msg=k)


def test_goal_frame_training_solves_the_toy_through_folded_policies(demos, tmp_path):
    # The toy goals are points: a translation-only frame. Every model learns relative to the
    # goal, and the generator folds the frame back into each emitted (world-frame) MLP.
    poses = {name: (float(x), float(y), 0.0) for name, (x, y) in GOALS.items()}
    cfg = toy_config(['data.goal_frame=true'])
    Trainer(cfg, demos, tmp_path, progress=False, task_poses=poses).run()
    meta = read_meta(tmp_path)
    assert meta.frames['poses'] == {k: list(v) for k, v in poses.items()}
    for task in GOALS:  # the goal itself is the origin of the model's input space
        x = meta.space.obs_in(GOALS[task], task)
        np.testing.assert_allclose(x * meta.stats.obs_std + meta.stats.obs_mean, 0, atol=1e-6)
    assert _success(tmp_path)['success_rate'] >= 0.9
    with pytest.raises(ValueError, match='goal poses'):
        Trainer(cfg, demos, tmp_path / 'no_poses', progress=False)


def test_one_model_for_several_horizons(demos, tmp_path):
    # VAE snippets of 2 and 8 steps, a diffusion model told which: the generated policy
    # depends on the horizon it is asked for, and both horizons solve the toy.
    Trainer(toy_config(['data.horizons=[2, 8]', 'data.horizon=8']), demos, tmp_path,
            progress=False).run()
    meta = read_meta(tmp_path)
    assert meta.horizons == (2, 8) and meta.horizon == 8 and meta.cond_dim == 2 + 1
    gen = load_generator(tmp_path)
    assert gen.default_horizon == 8
    obs = np.array([-0.8, 0.0])
    short, long = (gen.generate(obs, 'high', np.random.default_rng(0), horizon=h).weights
                   for h in (2, 8))
    default = gen.generate(obs, 'high', np.random.default_rng(0)).weights
    np.testing.assert_array_equal(default, long)
    assert np.abs(short - long).max() > 1e-4
    for h in (2, 8):
        assert _success(tmp_path, horizon=h)['success_rate'] >= 0.9


def test_snapshots_are_loadable_and_record_training_time(demos, tmp_path):
    cfg = toy_config(['train.snapshot_every=200', 'train.vae_steps=200',
                      'train.diffusion_steps=400'])
    Trainer(cfg, demos, tmp_path, progress=False).run()
    snaps = sorted((tmp_path / 'snapshots').iterdir())
    assert [p.name for p in snaps] == ['diffusion-000200', 'diffusion-000400']  # no VAE-only
    times = [read_meta(p).training['snapshot']['training_time_s'] for p in snaps]
    vae_time = read_meta(tmp_path).training['wall_time_s']['vae']
    assert vae_time <= times[0] < times[1]
    gen = load_generator(snaps[0])
    assert gen.generate(np.zeros(2), 'high').num_params == num_params((2, 32, 32, 2))


def _copy(src, dst):
    dst.mkdir()
    for p in src.iterdir():
        (dst / p.name).write_bytes(p.read_bytes())
    return dst


def test_corrupt_checkpoint_errors_name_the_file(trained, tmp_path):
    _, out = trained
    flipped = _copy(out, tmp_path / 'flipped')
    data = bytearray((flipped / 'model.safetensors').read_bytes())
    data[-10] ^= 0xFF
    (flipped / 'model.safetensors').write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r'model\.safetensors: corrupt.*SHA-256'):
        load_generator(flipped)

    bad_json = _copy(out, tmp_path / 'bad_json')
    (bad_json / 'meta.json').write_text('{"format": "lwd_ros.checkpoint", ')
    with pytest.raises(CheckpointError, match=r'meta\.json: corrupt JSON'):
        load_generator(bad_json)

    missing = _copy(out, tmp_path / 'missing')
    (missing / 'model.safetensors').unlink()
    with pytest.raises(CheckpointError, match=r'model\.safetensors: missing'):
        load_checkpoint(missing)

    with pytest.raises(CheckpointError, match='does not exist'):
        load_generator(tmp_path / 'nowhere', backend='torch')


def test_mismatched_checkpoint_errors(trained, tmp_path):
    _, out = trained
    other_policy = _copy(out, tmp_path / 'policy')
    cfg = yaml.safe_load((other_policy / 'config.yaml').read_text())
    cfg['policy']['hidden_sizes'] = [64, 64]
    (other_policy / 'config.yaml').write_text(yaml.safe_dump(cfg))
    with pytest.raises(CheckpointError, match=r'config\.yaml: policy .* differs from meta'):
        load_checkpoint(other_policy)

    other_arch = _copy(out, tmp_path / 'arch')
    cfg = yaml.safe_load((other_arch / 'config.yaml').read_text())
    cfg['vae']['decoder_hidden'] = 48
    (other_arch / 'config.yaml').write_text(yaml.safe_dump(cfg))
    with pytest.raises(CheckpointError, match=r'model\.safetensors: tensor shapes do not match'):
        load_checkpoint(other_arch)

    typo = _copy(out, tmp_path / 'typo')
    cfg['vae']['latnet_dim'] = 3
    (typo / 'config.yaml').write_text(yaml.safe_dump(cfg))
    with pytest.raises(CheckpointError, match=r"config\.yaml: invalid config.*'latnet_dim'"):
        load_checkpoint(typo)


def test_bc_baseline_in_the_same_harness(demos, tmp_path):
    cfg = toy_config(['method=bc', 'policy.hidden_sizes=[64, 64]', 'train.bc_steps=800'])
    Trainer(cfg, demos, tmp_path, progress=False).run()
    policies = load_bc_policies(tmp_path)
    assert set(policies) == {'high', 'low'}
    assert policies['high'].layer_sizes == (2, 64, 64, 2)
    report = evaluate(gym.make(TOY_ID), MlpSource(policies), 6, seed=100).summary()
    assert report['method'] == 'bc' and report['episodes'] == 6
    assert report['policy_params'] == 2 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2
    # Through the generator node's interface: the same MLP, whatever the observation.
    gen = load_generator(tmp_path)
    assert gen.default_horizon == 0 and gen.tasks == ('high', 'low')
    rng = np.random.default_rng(0)
    for task in gen.tasks:
        policy = gen.generate(rng.normal(size=2), task, rng).policy()
        again = gen.generate_batch([rng.normal(size=2)], [task], [rng])[0].policy()
        obs = rng.normal(size=(5, 2)).astype(np.float32)
        for o in obs:
            expected = policies[task].act(o)
            np.testing.assert_allclose(policy.act(o), expected, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(again.act(o), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="unknown task 'mid'"):
        gen.generate(obs[0], 'mid')


def test_cli_train_eval(monkeypatch, tmp_path, demos, capsys):
    fake = types.ModuleType('lwd_ros.data.minari_io')
    fake.load_episodes = lambda path: demos
    fake.load_training_set = lambda paths: (demos, {})
    fake.dataset_contract = lambda paths: None  # a dataset from before contracts
    monkeypatch.setitem(sys.modules, 'lwd_ros.data.minari_io', fake)
    out = tmp_path / 'run'
    assert lwd_main(['train', '--config', 'config/train/toy.yaml', '--out', str(out),
                     '--no-progress', 'train.vae_steps=200',
                     'train.diffusion_steps=200']) == 0
    assert read_meta(out).training['steps'] == {'vae': 200, 'diffusion': 200}
    report = tmp_path / 'eval.json'
    assert lwd_main(['eval', '--checkpoint', str(out), '--robot', TOY_ID, '--episodes', '4',
                     '--action-horizon', '4', '--json', str(report), '--no-progress',
                     '--device', 'auto']) == 0
    summary = json.loads(report.read_text())
    for key in ('success_rate', 'mean_max_coverage', 'per_task', 'generation_latency_ms',
                'policy_params', 'policy_flops_per_step'):
        assert key in summary
    assert summary['generation_latency_ms']['count'] > 0
    assert np.isfinite(summary['generation_latency_ms']['p99'])


def test_relative_actions_train_and_fold_into_plain_mlps(demos, tmp_path):
    # Targets learnt relative to the current position (the spec's position feedback); every
    # emitted MLP adds the position back exactly, wider by the carry units, and solves the toy.
    Trainer(toy_config(['data.relative_actions=true']), demos, tmp_path, progress=False).run()
    meta = read_meta(tmp_path)
    assert meta.relative_actions == ((0, 0), (1, 1))
    gen = load_generator(tmp_path)
    obs = np.array([-0.8, 0.05], np.float32)
    policy = gen.generate(obs, 'high', np.random.default_rng(0))
    assert policy.layer_sizes == gen.deployed_layer_sizes != meta.layer_sizes
    space, k = meta.space, gen.task_index('high')
    inner = MlpPolicy(meta.layer_sizes, gen._decode(policy.latent[None], np.array([k]))[0])
    expected = space.act_out(inner.act(space.obs_in(obs, 'high')), 'high', obs)
    np.testing.assert_allclose(policy.policy().act(obs), expected, atol=1e-5)
    assert _success(tmp_path)['success_rate'] >= 0.9
