# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A method is one module: a new one and its config train, save, resume and load, no edit."""

import os
import re
import subprocess
import sys

from conftest import REPO, Interrupted, stopping_trainer
import pytest
from safetensors.torch import load_file
import torch
from torch import nn
import torch.nn.functional as F
import yaml

from lwd_ros.config import from_dict, to_dict
from lwd_ros.evaluation.toy import toy_config
from lwd_ros.experiment import LwdConfig, method_sections
from lwd_ros.learning.checkpoint_io import load_checkpoint, load_module
from lwd_ros.learning.methods.base import Learner, Stage
from lwd_ros.learning.trainer import Trainer
from lwd_ros.methods import METHODS, Method, get_method
from lwd_ros.runtime.checkpoint import read_meta

STEPS = 300
# Every shipped experiment and checkpoint config: written before methods declared their own
# sections, each has every method's (``vae:``, ``dp:``, ``train.bc_steps`` ...).
SHIPPED = sorted([*REPO.glob('config/train/*.yaml'), *REPO.glob('models/*/config.yaml'),
                  *REPO.glob('models/*/onnx/config.yaml')])
GENERIC = ('lwd_ros/learning/trainer.py', 'lwd_ros/learning/checkpoint_io.py',
           'lwd_ros/experiment.py', 'lwd_ros/config.py')


def _linear(meta) -> nn.Linear:
    return nn.Linear(meta.num_features + len(meta.tasks), meta.act_dim)


class LinearLearner(Learner):
    """A linear policy ``[obs, one_hot(task)] -> action`` fitted by action MSE: one stage."""

    def __init__(self, cfg, meta, train, val, rng, device):
        super().__init__(cfg, meta, train, val, rng, device)
        self.linear = _linear(meta).to(device)

    def modules(self):
        return {'linear.': self.linear}

    def mse(self, b) -> torch.Tensor:
        task = F.one_hot(b.task, len(self.meta.tasks)).to(b.obs.dtype)
        return (self.linear(torch.cat([b.obs[:, 0], task], -1)) - b.act[:, 0]).square().mean()

    def loss(self, b):
        loss = self.mse(b)
        return loss, {'loss': loss.detach()}

    def validate(self):
        with torch.no_grad():
            return {'val_mse': float(self.mse(self.val))}

    def stage(self, name):
        return Stage(name, STEPS, 1e-2, self.linear, self.loss, self.train, self.validate)

    @classmethod
    def load(cls, cfg, meta, tensors, path, use_ema=True):
        linear = _linear(meta)
        load_module(linear, tensors, 'linear.', path)
        return {'linear': linear.eval()}


class ConfiguredLinearLearner(LinearLearner):
    """The same method with its own config: ``linear.init_scale`` and ``train.fit_steps/lr``."""

    def __init__(self, cfg, meta, train, val, rng, device):
        super().__init__(cfg, meta, train, val, rng, device)
        with torch.no_grad():
            self.linear.weight.mul_(cfg.linear.init_scale)

    def stage(self, name):
        tc = self.cfg.train
        return Stage(name, tc.fit_steps, tc.fit_lr, self.linear, self.loss, self.train,
                     self.validate)


# A registry line with config classes is read when the experiment config is composed (at
# import), so this registers before lwd_ros.experiment is imported: in a fresh process.
CONFIGURED = """
from dataclasses import dataclass
from lwd_ros.methods import METHODS, Method

@dataclass
class LinearConfig:
    init_scale: float = 1.0

@dataclass
class LinearTrain:
    fit_steps: int = 300
    fit_lr: float = 1e-2

    def __post_init__(self):
        if self.fit_steps < 0:
            raise ValueError('train.fit_steps must be >= 0')

METHODS['linear'] = Method('linear', 'a linear policy (test)', ('fit',),
                           'test_methods:ConfiguredLinearLearner', '', {'linear': LinearConfig},
                           LinearTrain)
from lwd_ros.evaluation.toy import toy_config, toy_demonstrations
from lwd_ros.learning.checkpoint_io import load_checkpoint
from lwd_ros.learning.trainer import Trainer

try:
    toy_config(['method=linear', 'train.fit_steps=-1'])
    raise AssertionError('train.fit_steps=-1 was accepted')
except ValueError as e:
    assert 'fit_steps' in str(e), e
cfg = toy_config(['method=linear', 'linear.init_scale=0.0', 'train.fit_steps=120',
                  'train.num_threads=1'])
meta = Trainer(cfg, toy_demonstrations(30, seed=0), OUT, progress=False).run()
assert meta.training['steps'] == {'fit': 120}, meta.training['steps']
ckpt = load_checkpoint(OUT)
assert (ckpt.cfg.linear.init_scale, ckpt.cfg.train.fit_steps) == (0.0, 120)
"""


@pytest.fixture
def linear_method(monkeypatch):
    """Register the method for this test only: one registry line, as a shipped one is."""
    monkeypatch.setitem(METHODS, 'linear', Method(
        'linear', 'a linear policy (test)', ('fit',), f'{__name__}:LinearLearner',
        source=''))
    return ['method=linear', 'train.val_every=100', 'train.ckpt_every=100']


def test_a_new_method_trains_through_the_trainer(linear_method, demos, tmp_path):
    untrained = Trainer(toy_config(linear_method), demos, tmp_path / 'untrained',
                        progress=False)
    before = untrained.method.validate()['val_mse']
    trainer = Trainer(toy_config(linear_method), demos, tmp_path / 'run', progress=False)
    meta = trainer.run()
    assert isinstance(trainer.method, LinearLearner)
    assert meta.method == 'linear' and meta.stage == 'done'
    assert meta.training['steps'] == {'fit': STEPS}
    assert meta.training['val']['fit']['val_mse'] < 0.5 * before
    tensors = load_file(str(tmp_path / 'run' / 'model.safetensors'))
    assert set(tensors) == {'linear.weight', 'linear.bias'}
    ckpt = load_checkpoint(tmp_path / 'run')
    assert sorted(ckpt.modules) == ['linear'] and read_meta(ckpt.directory).latent_dim == 0
    for k, v in trainer.method.linear.state_dict().items():
        torch.testing.assert_close(ckpt.module('linear').state_dict()[k], v, rtol=0, atol=0)
    with pytest.raises(KeyError, match="no module 'vae'"):
        ckpt.module('vae')


def test_a_new_method_resumes_exactly(linear_method, demos, tmp_path):
    cut = stopping_trainer(lambda s: s['step'] == 200)

    Trainer(toy_config(linear_method), demos, tmp_path / 'whole', progress=False).run()
    with pytest.raises(Interrupted):
        cut(toy_config(linear_method), demos, tmp_path / 'cut', progress=False).run()
    Trainer(toy_config(linear_method), demos, tmp_path / 'cut', resume=True,
            progress=False).run()
    a, b = (load_file(str(tmp_path / d / 'model.safetensors')) for d in ('whole', 'cut'))
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0, msg=k)


def test_every_shipped_method_has_a_learner():
    for method in METHODS.values():
        learner = method.load_learner()
        assert issubclass(learner, Learner), method.name
        assert learner.__module__.startswith('lwd_ros.learning.methods.'), method.name


@pytest.mark.parametrize('path', GENERIC)
def test_generic_code_names_no_method(path):
    # Adding a method is a module plus a registry line: the loop, the checkpoint I/O and the
    # experiment config name no method, none of their stages, and dispatch on no name (grep
    # finds callers).
    words = {w for m in METHODS.values() for w in (m.name, *m.stages)}
    text = (REPO / path).read_text()
    found = [f'{path}:{i}: {w}' for i, line in enumerate(text.splitlines(), 1)
             for w in sorted(words) if re.search(rf'\b{w}\b', line, re.IGNORECASE)]
    assert not found, '\n'.join(found)
    assert not re.search(r"getattr\(self, f['\"]", text)


@pytest.mark.parametrize('path', SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_every_shipped_config_loads_into_its_methods_sections(path):
    raw = yaml.safe_load(path.read_text())
    cfg = from_dict(LwdConfig, raw)
    for name, cls in get_method(cfg.method).sections.items():
        assert isinstance(getattr(cfg, name), cls), name
    train = get_method(cfg.method).train
    assert train is None or all(hasattr(cfg.train, k) for k in train.__dataclass_fields__)
    back = to_dict(cfg)  # what a checkpoint trained on it stores: every key as given
    for section in set(raw) - {'method', 'data'}:
        assert raw[section] == {k: back[section][k] for k in raw[section]}, section


def test_the_experiment_config_is_composed_from_the_registry(monkeypatch):
    assert set(method_sections()) == {n for m in METHODS.values() for n in m.sections}
    assert set(method_sections()) < set(LwdConfig.__dataclass_fields__)

    class OtherVae:
        pass
    monkeypatch.setitem(METHODS, 'other', Method('other', 'clashes with a shared section',
                                                 ('fit',), '', '', {'vae': OtherVae}))
    with pytest.raises(TypeError, match="section 'vae'"):
        method_sections()


def test_data_env_is_the_old_name_of_data_robot():
    # Every checkpoint and YAML before the rename says data.env; an override may too.
    assert from_dict(LwdConfig, {'data': {'env': 'toy'}}).data.robot == 'toy'
    assert toy_config().data.robot == 'toy'
    assert toy_config(['data.env=""']).data.robot == ''  # the later key wins
    assert toy_config(['data.robot=pusht']).data.robot == 'pusht'
    assert 'env' not in to_dict(toy_config(['data.env=toy']))['data']


def test_a_new_methods_config_is_validated_trained_with_saved_and_loaded(tmp_path):
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join(
        [str(REPO / 'test' / 'learning'), str(REPO / 'test'), str(REPO),
         os.environ.get('PYTHONPATH', '')])}
    code = f'OUT = {str(tmp_path / "run")!r}\n' + CONFIGURED
    subprocess.run([sys.executable, '-c', code], check=True, cwd=REPO, env=env, timeout=300)
