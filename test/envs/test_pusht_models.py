# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The shipped PushT models run at the action horizon they were trained for.

``models/pusht`` learned 8-step snippets, ``models/pusht_h32`` 32-step ones (issue 26). Users
select one with ``checkpoint:=``; neither ``lwd eval`` nor the generator node should then need
``action_horizon`` spelled out, or a model built for H = 32 would silently regenerate every 8
steps (and the other way round).
"""

import math
from pathlib import Path

import gymnasium as gym
import pytest

import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize('model, horizon', [('models/pusht', 8), ('models/pusht_h32', 32)])
def test_shipped_model_regenerates_at_its_trained_horizon(model, horizon):
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate

    if not (REPO / model / 'model.safetensors').is_file():
        pytest.skip(f'{model} is not shipped')
    source = load_source(REPO / model)  # no horizon given: the checkpoint's own
    assert source.horizon == horizon
    assert source.generator.default_horizon == horizon  # what the generator node falls back on
    env = gym.make('lwd_ros/PushT-v0')
    report = evaluate(env, source, episodes=2, seed=100000, max_steps=70)
    env.close()
    steps = [e.steps for e in report.episodes]
    assert len(source.latencies) == sum(math.ceil(s / horizon) for s in steps)
    assert report.source['action_horizon'] == horizon


def test_h32_model_is_what_its_config_trains():
    """``config/train/pusht_h32.yaml`` reproduces ``models/pusht_h32``: every key LWD reads."""
    import dataclasses

    from lwd_ros.config import load_config
    from lwd_ros.experiment import LwdConfig

    if not (REPO / 'models/pusht_h32/config.yaml').is_file():
        pytest.skip('models/pusht_h32 is not shipped')
    shipped, config = (dataclasses.asdict(load_config(LwdConfig, REPO / p)) for p in
                       ('models/pusht_h32/config.yaml', 'config/train/pusht_h32.yaml'))
    for cfg in (shipped, config):  # BC's steps and the thread count do not shape the model
        for key in ('bc_steps', 'bc_lr', 'num_threads'):
            cfg['train'].pop(key)
    assert config == shipped
    assert config['data']['horizon'] == 32
