# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Training that selects itself on small data (issue 33): best weights, early stop, report."""

import pytest
import torch
from torch import nn

from lwd_ros.evaluation.toy import toy_config
from lwd_ros.learning.methods.base import Learner, Stage
from lwd_ros.learning.selection import Selection, advice
from lwd_ros.learning.trainer import Trainer
from lwd_ros.methods import METHODS, Method

# The held-out loss a scripted stage reports at each validation: best at the 3rd, then worse.
SCRIPT = [3.0, 2.0, 1.0, 1.5, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]


def test_selection_keeps_the_best_weights_and_stops_after_patience():
    module = nn.Linear(2, 1)
    sel = Selection('val', keep_best=True, patience=2)
    stops = []
    for i, value in enumerate(SCRIPT[:5]):
        with torch.no_grad():
            module.weight.fill_(float(i))
        stops.append(sel.update(100 * (i + 1), {'val': value}, [module]))
    assert stops == [False, False, False, False, True]
    assert sel.best == 1.0 and sel.best_step == 300 and sel.best_val == {'val': 1.0}
    assert sel.restore([module]) and float(module.weight[0, 0].detach()) == 2.0
    report = sel.report(500, 1000, kept_best=True)
    assert report['verdict'] == 'overfits' and report['stopped_early']
    assert report['rise_from_best'] == pytest.approx(1.5)
    line = advice('vae', report)
    assert 'best 1 at step 300, 2.5 at step 500 (+150%): overfits; the best weights' in line
    assert 'data.obs_noise' in line


def test_selection_without_its_key_or_copy_changes_nothing():
    module = nn.Linear(2, 1)
    sel = Selection('val', keep_best=False, patience=0)
    assert not any(sel.update(s, {'val': v}, [module]) for s, v in enumerate(SCRIPT))
    assert not sel.restore([module])  # nothing was kept
    assert not Selection('').update(1, {'val': 1.0}, [module])
    assert Selection('val').report(10, 10, False) == {}
    falling = Selection('val')
    for step, value in enumerate([4.0, 2.0, 1.0], 1):
        falling.update(step, {'val': value}, [module])
    assert falling.report(3, 3, False)['verdict'] == 'still improving'


class ScriptedLearner(Learner):
    """One linear layer whose validation follows ``SCRIPT`` and records its weights."""

    def __init__(self, cfg, meta, train, val, rng, device):
        super().__init__(cfg, meta, train, val, rng, device)
        self.linear = nn.Linear(meta.num_features, meta.act_dim).to(device)
        self.seen = []  # (value, weights) at each validation

    def modules(self):
        return {'linear.': self.linear}

    def loss(self, b):
        loss = (self.linear(b.obs[:, 0]) - b.act[:, 0]).square().mean()
        return loss, {'loss': loss.detach()}

    def validate(self):
        value = SCRIPT[len(self.seen)]
        self.seen.append((value, self.linear.weight.detach().clone()))
        return {'val_scripted': value}

    def stage(self, name):
        return Stage(name, 1000, 1e-2, self.linear, self.loss, self.train, self.validate,
                     select='val_scripted')

    @classmethod
    def load(cls, cfg, meta, tensors, path, use_ema=True):
        raise NotImplementedError


@pytest.fixture
def scripted(monkeypatch):
    monkeypatch.setitem(METHODS, 'scripted', Method(
        'scripted', 'a scripted validation (test)', ('fit',), f'{__name__}:ScriptedLearner',
        source=''))
    return ['method=scripted', 'train.val_every=100', 'train.ckpt_every=1000']


def test_a_stage_stops_early_and_ends_with_its_best_weights(
        scripted, demos, tmp_path, caplog):
    caplog.set_level('INFO', logger='lwd_ros.learning.trainer')
    cfg = toy_config([*scripted, 'train.select_best=true', 'train.patience=3',
                      'data.obs_noise=0.05'])
    trainer = Trainer(cfg, demos, tmp_path / 'run', progress=False)
    meta = trainer.run()
    seen = trainer.method.seen
    assert [v for v, _ in seen] == SCRIPT[:6]  # best at the 3rd, then three without a new best
    assert meta.training['steps'] == {'fit': 600}
    torch.testing.assert_close(trainer.method.linear.weight, seen[2][1])
    assert meta.training['val']['fit'] == {'val_scripted': 1.0}
    report = meta.training['selection']['fit']
    assert report['verdict'] == 'overfits' and report['best_step'] == 300
    assert any('fit: fit: val_scripted best 1 at step 300' in r.message for r in caplog.records)


def test_without_selection_a_stage_runs_to_its_end_with_its_last_weights(
        scripted, demos, tmp_path):
    trainer = Trainer(toy_config(scripted), demos, tmp_path / 'run', progress=False)
    meta = trainer.run()
    assert meta.training['steps'] == {'fit': 1000}
    torch.testing.assert_close(trainer.method.linear.weight, trainer.method.seen[-1][1])
    assert meta.training['selection']['fit']['kept_best'] is False


@pytest.mark.parametrize('epochs, min_steps, expected', [
    (2.0, 1, 'ceil'),      # sized to the data: ceil(2 x samples / batch)
    (2.0, 700, 700),       # a tiny dataset still gets min_steps
    (1e6, 1, 1000),        # a huge one stops at the stage's own steps (the cap)
])
def test_train_epochs_sizes_each_stage_to_its_data(
        scripted, demos, tmp_path, epochs, min_steps, expected):
    cfg = toy_config([*scripted, f'train.epochs={epochs}', f'train.min_steps={min_steps}',
                      'train.batch_size=64'])
    trainer = Trainer(cfg, demos, tmp_path / 'run', progress=False)
    meta = trainer.run()
    samples = len(trainer.method.train)
    if expected == 'ceil':
        expected = -(-2 * samples // 64)
        assert 1 < expected < 1000  # the toy data sits between the bounds
    assert meta.training['steps'] == {'fit': expected}
    assert meta.training['sized']['fit'] == {'samples': samples, 'epochs': epochs, 'cap': 1000,
                                             'steps': expected}


def test_train_epochs_and_min_steps_are_checked():
    with pytest.raises(ValueError, match='epochs'):
        toy_config(['train.epochs=-1'])
    with pytest.raises(ValueError, match='min_steps'):
        toy_config(['train.min_steps=0'])
