# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``train.device``, ``train.amp``: training on a chosen device, checkpoints that load anywhere.

Every test runs on the CPU; the ``cuda`` cases run where torch sees a GPU and skip elsewhere.
The toy task and its demonstrations are ``test_training``'s.
"""

import json
import math

from conftest import Interrupted, stopping_trainer
import numpy as np
import pytest
from safetensors.torch import load_file
import torch

from lwd_ros.cli import main as lwd_main
from lwd_ros.evaluation.toy import toy_config
from lwd_ros.learning import distributed
from lwd_ros.learning.checkpoint_io import load_checkpoint
from lwd_ros.learning.trainer import Trainer
from lwd_ros.runtime.baseline import load_bc_policies
from lwd_ros.runtime.checkpoint import read_meta
from lwd_ros.runtime.loader import load_generator

DEVICES = ['cpu', pytest.param('cuda', marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason='torch sees no CUDA GPU'))]
SHORT = ['train.vae_steps=150', 'train.diffusion_steps=150', 'train.val_every=50',
         'train.ckpt_every=100']


def _losses(out) -> list[float]:
    """Every loss and validation figure the run logged."""
    records = [json.loads(line) for line in (out / 'train_log.jsonl').read_text().splitlines()]
    return [v for r in records for k, v in r.items() if k not in ('stage', 'step', 'time_s')]


@pytest.mark.parametrize('device', DEVICES)
def test_explicit_device_trains_a_tiny_model(device, demos, tmp_path):
    trainer = Trainer(toy_config([f'train.device={device}', *SHORT]), demos, tmp_path,
                      progress=False)
    modules = (trainer.method.vae, trainer.method.diffusion, trainer.method.ema.module)
    assert {p.device.type for m in modules for p in m.parameters()} == {device}
    assert trainer.train_data.obs.device.type == trainer.val_data.act.device.type == device
    untrained = trainer.method.generated_mse(trainer.val_data)
    meta = trainer.run()
    assert meta.training['device'].startswith(device) and meta.training['amp'] is False
    assert meta.training['val']['diffusion']['val_generated_mse'] < 0.2 * untrained
    # The checkpoint holds CPU tensors and runs in the CPU generator like any other.
    assert {t.device.type for t in load_file(str(tmp_path / 'model.safetensors')).values()} \
        == {'cpu'}
    policy = load_generator(tmp_path).generate(np.array([-0.8, 0.0]), 'high').policy()
    assert np.isfinite(policy.act(np.array([-0.8, 0.0], np.float32))).all()


@pytest.mark.parametrize('device', DEVICES)
def test_bf16_autocast_trains_with_finite_losses(device, demos, tmp_path):
    runs = {}
    for amp in (False, True):
        out = tmp_path / f'amp_{amp}'
        trainer = Trainer(toy_config([f'train.device={device}', f'train.amp={amp}', *SHORT]),
                          demos, out, progress=False)
        dtypes = set()  # what one layer of the VAE computes in, training and validation
        trainer.method.vae.encoder.step[0].register_forward_hook(
            lambda module, args, output, seen=dtypes: seen.add(output.dtype))
        runs[amp] = trainer.run().training['val']
        assert dtypes == ({torch.bfloat16, torch.float32} if amp else {torch.float32})
        assert all(math.isfinite(v) for v in _losses(out))
    fp32, bf16 = runs[False], runs[True]
    # bf16 rounds the forward passes only: it learns about as well as fp32.
    assert bf16['vae']['val_recon'] == pytest.approx(fp32['vae']['val_recon'], rel=0.3)
    assert bf16['diffusion']['val_generated_mse'] == pytest.approx(
        fp32['diffusion']['val_generated_mse'], rel=0.3)


def test_bad_device_fails_naming_the_key(demos, tmp_path, capsys, monkeypatch):
    for bad in ('gpu', 'cuda:x', 'cuda0', 'CPU', ''):
        with pytest.raises(ValueError, match=r'train\.device=.*must be auto, cpu, cuda'):
            toy_config([f'train.device={bad!r}'])
    with pytest.raises(SystemExit, match=r"lwd train: train\.device='gpu'"):
        lwd_main(['train', '--config', 'config/train/toy.yaml', '--out', str(tmp_path),
                  'train.device=gpu'])
    assert not any(tmp_path.iterdir())  # it stopped before training
    with pytest.raises(ValueError, match=r'train\.compile=true with train\.amp=true on the CPU'):
        Trainer(toy_config(['train.device=cpu', 'train.compile=true', 'train.amp=true']), demos,
                tmp_path, progress=False)
    if not torch.cuda.is_available():  # a well-formed device that is not here
        with pytest.raises(ValueError, match=r"train\.device='cuda'.*no CUDA"):
            Trainer(toy_config(['train.device=cuda']), demos, tmp_path, progress=False)
    # Which GPU each name means, on a pretend two-GPU node as torchrun's rank 1.
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'device_count', lambda: 2)
    monkeypatch.setenv('LOCAL_RANK', '1')
    assert distributed.device('auto') == distributed.device('cuda') == torch.device('cuda', 1)
    assert distributed.device('cuda:0') == torch.device('cuda', 0)
    assert distributed.device('cpu') == torch.device('cpu')
    with pytest.raises(ValueError, match=r"train\.device='cuda:2': GPU 2 asked for, 2 visible"):
        distributed.device('cuda:2')


# Stop at the resumable point between the two stages.
StopAfterVae = stopping_trainer(lambda s: s['stage'] == 'diffusion')


@pytest.mark.parametrize('device', DEVICES)
def test_checkpoint_from_one_setting_loads_with_another(device, demos, tmp_path):
    # LWD: the VAE trained in bf16 on `device`, the diffusion stage resumed in fp32 on the CPU.
    trained_on = [f'train.device={device}', 'train.amp=true', *SHORT]
    with pytest.raises(Interrupted):
        StopAfterVae(toy_config(trained_on), demos, tmp_path, progress=False).run()
    vae = load_checkpoint(tmp_path, require_diffusion=False).module('vae')  # CPU, no autocast
    with torch.no_grad():
        weights = vae.decode(torch.zeros(1, 8), torch.tensor([0]))
    assert weights.dtype == torch.float32 and torch.isfinite(weights).all()
    trainer = Trainer(toy_config(['train.device=cpu', 'train.amp=false', *SHORT]), demos,
                      tmp_path, resume=True, progress=False)
    meta = trainer.run()
    assert meta.training['device'] == 'cpu' and meta.training['steps']['diffusion'] == 150
    assert all(math.isfinite(v) for v in _losses(tmp_path))
    gen = load_generator(tmp_path)
    obs = np.array([-0.8, 0.0], np.float32)
    assert np.isfinite(gen.generate(obs, 'high').policy().act(obs)).all()

    # BC: trained in bf16, run by the numpy runtime, which matches the fp32 torch module.
    bc_dir = tmp_path / 'bc'
    bc = Trainer(toy_config(['method=bc', 'train.bc_steps=100', f'train.device={device}',
                             'train.amp=true']), demos, bc_dir, progress=False)
    bc.run()
    assert read_meta(bc_dir).training['amp'] is True
    policies = load_bc_policies(bc_dir)
    x = bc.val_data.obs[:8, 0].float()
    meta = read_meta(bc_dir)
    for k, task in enumerate(meta.tasks):
        with torch.no_grad():
            want = bc.method.bc(x, torch.full((len(x),), k, device=x.device)).cpu().numpy()
        raw = x.cpu().numpy() * meta.stats.obs_std + meta.stats.obs_mean
        got = np.stack([policies[task].act(o) for o in raw])
        np.testing.assert_allclose(got, want * meta.stats.act_std + meta.stats.act_mean,
                                   rtol=1e-4, atol=1e-5)
