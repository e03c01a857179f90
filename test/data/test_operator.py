# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A simulated human operator: slow drift and pauses on the executed, recorded commands."""

import numpy as np
import pytest

from lwd_ros.data.operator import Operator


def test_drift_is_slow_and_has_its_stationary_size():
    hand = Operator(drift=0.1, smoothness=0.95).episode(seed=3, act_dim=2)
    out = np.array([hand.step(np.zeros(2)) for _ in range(20000)])
    assert out.std(0) == pytest.approx([0.1, 0.1], rel=0.15)
    lag1 = np.corrcoef(out[1:, 0], out[:-1, 0])[0, 1]
    assert lag1 == pytest.approx(0.95, abs=0.02)  # wanders, not white jitter


def test_a_pause_holds_the_last_command_then_follows_again():
    hand = Operator(hesitation=0.05, pause_steps=(4, 4)).episode(seed=0, act_dim=1)
    meant = np.arange(400, dtype=float)[:, None]
    out = np.array([hand.step(m) for m in meant])[:, 0]
    held = np.diff(out) == 0
    # 4 held steps a pause (the last may be cut by the end); every other step follows the
    # expert exactly (no drift here)
    assert hand.pauses > 5 and 4 * (hand.pauses - 1) < held.sum() <= 4 * hand.pauses
    np.testing.assert_array_equal(out[~np.r_[False, held]], meant[~np.r_[False, held], 0])


def test_an_operator_is_a_pure_function_of_the_seed_and_checked():
    op = Operator(drift=0.05, hesitation=0.02)
    a, b = op.episode(7, 3), op.episode(7, 3)
    for _ in range(50):
        np.testing.assert_array_equal(a.step(np.ones(3)), b.step(np.ones(3)))
    assert not Operator().active and op.active
    with pytest.raises(ValueError, match='smoothness'):
        Operator(smoothness=1.0)
