# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd train --no-progress`` says what it is doing: a line per stage start, end and beat.

Without bars a stage of minutes must not be silent until its validation (every 1000 steps in
the PushT configs).
"""

import logging
import re

import pytest

from lwd_ros.evaluation.toy import toy_config, toy_demonstrations
from lwd_ros.learning import trainer as trainer_module
from lwd_ros.learning.trainer import Trainer


@pytest.fixture(scope='module')
def demos():
    return toy_demonstrations(12, seed=0)


def _cfg(steps):
    cfg = toy_config()
    cfg.train.vae_steps = cfg.train.diffusion_steps = steps
    cfg.train.val_every = cfg.train.ckpt_every = 10_000  # no validation before the end
    return cfg


def test_no_progress_prints_a_line_per_stage_start_end_and_heartbeat(demos, tmp_path, caplog,
                                                                     monkeypatch):
    monkeypatch.setattr(trainer_module, 'HEARTBEAT_S', 0.0)  # a beat at every step
    caplog.set_level(logging.INFO, logger='lwd_ros.learning.trainer')
    Trainer(_cfg(6), demos, tmp_path, progress=False).run()
    lines = [r.getMessage() for r in caplog.records if r.name == 'lwd_ros.learning.trainer']
    for stage in ('vae', 'diffusion'):
        mine = [m for m in lines if m.startswith(stage)]
        assert mine[0] == f'{stage}: starting at step 0 of 6 (cpu, batch 64)'
        beats = [m for m in mine if re.fullmatch(
            rf'{stage}: step \d of 6, loss=\S+.* \d+ s \(about \d+ s left\)', m)]
        assert len(beats) == 5  # steps 1..5; step 6 is the end line
        assert re.fullmatch(rf'{stage} done: 6 steps in \d+\.\d s; last batch loss=\S+.*; '
                            r'val_\w+=.*', mine[-1]), mine[-1]


def test_progress_bars_come_without_the_lines(demos, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger='lwd_ros.learning.trainer')
    Trainer(_cfg(3), demos, tmp_path, progress=True).run()
    lines = [r.getMessage() for r in caplog.records if r.name == 'lwd_ros.learning.trainer']
    assert not [m for m in lines if 'starting at step' in m or ' done: ' in m]
