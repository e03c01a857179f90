# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""ONNX export: the onnxruntime generator has the torch generator's API and numbers."""

import subprocess
import sys

import numpy as np
import pytest

from lwd_ros.evaluation.toy import toy_config, toy_demonstrations
from lwd_ros.learning.export_onnx import export_onnx, parity
from lwd_ros.learning.trainer import Trainer
from lwd_ros.runtime.checkpoint import CheckpointError
from lwd_ros.runtime.loader import load_generator


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    ckpt = tmp_path_factory.mktemp('lwd')
    Trainer(toy_config(['train.vae_steps=300', 'train.diffusion_steps=300']),
            toy_demonstrations(20, seed=0), ckpt, progress=False).run()
    onnx_dir = export_onnx(ckpt, tmp_path_factory.mktemp('onnx'))
    return ckpt, onnx_dir


@pytest.mark.parametrize('sampler', ['ddim', 'ddpm'])
def test_parity_torch_vs_onnxruntime(exported, sampler):
    ckpt, onnx_dir = exported
    report = parity(ckpt, onnx_dir, samples=4, sampler=sampler)
    assert report['max_rel_weight_diff'] < 1e-4, report
    assert report['max_latent_diff'] < 1e-4, report


def test_onnx_generator_same_api(exported):
    ckpt, onnx_dir = exported
    assert sorted(p.name for p in onnx_dir.iterdir()) == ['config.yaml', 'decoder.onnx',
                                                          'denoiser.onnx', 'meta.json']
    th, ox = load_generator(ckpt), load_generator(onnx_dir)
    assert (th.backend, ox.backend) == ('torch', 'onnx')
    for attr in ('tasks', 'obs_dim', 'act_dim', 'layer_sizes', 'activation', 'latent_dim',
                 'obs_history', 'num_params'):
        assert getattr(th, attr) == getattr(ox, attr), attr
    first = ox.generate(np.zeros(2), 'low', np.random.default_rng(0))
    warm = ox.generate(np.zeros(2), 'low', np.random.default_rng(1), warm_start=first,
                       strength=0.5)
    ref = th.generate(np.zeros(2), 'low', np.random.default_rng(1), warm_start=first,
                      strength=0.5)
    np.testing.assert_allclose(warm.weights, ref.weights, rtol=1e-4, atol=1e-5)
    assert warm.sampler == 'ddim-10-warm5'


def test_onnx_generator_imports_no_torch(exported):
    _, onnx_dir = exported
    code = ('import sys, numpy as np\n'
            'from lwd_ros.runtime.loader import load_generator\n'
            f'g = load_generator({str(onnx_dir)!r})\n'
            'p = g.generate(np.zeros(2), "high", np.random.default_rng(0))\n'
            'assert p.policy().act(np.zeros(2, np.float32)).shape == (2,)\n'
            'assert "torch" not in sys.modules, "torch was imported"\n')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_corrupt_onnx_graph_is_reported(exported, tmp_path):
    _, onnx_dir = exported
    for p in onnx_dir.iterdir():
        (tmp_path / p.name).write_bytes(p.read_bytes())
    (tmp_path / 'decoder.onnx').write_bytes(b'not a graph')
    with pytest.raises(CheckpointError, match=r'decoder\.onnx: corrupt'):
        load_generator(tmp_path)


def test_onnx_batch_matches_torch_batch(exported):
    ckpt, onnx_dir = exported
    obs = [np.zeros(2), np.array([-0.7, 0.1]), np.array([0.3, -0.2]), np.array([0.5, 0.5])]
    tasks = ['low', 'high', 'low', 'high']
    th, ox = load_generator(ckpt), load_generator(onnx_dir)
    a = th.generate_batch(obs, tasks, [np.random.default_rng(i) for i in range(4)])
    b = ox.generate_batch(obs, tasks, [np.random.default_rng(i) for i in range(4)])
    for p, q in zip(a, b):
        np.testing.assert_allclose(p.weights, q.weights, rtol=1e-4, atol=1e-5)
