# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""SimRunner (the bridge's core, no ROS): command handling, waiting start, task switches."""

import numpy as np
import pytest

from lwd_ros.envs.pusht.runner import RunnerConfig, SimRunner


def _steps(runner, n):
    return sum(runner.step() for _ in range(n))


def test_waits_for_the_first_command_then_runs():
    runner = SimRunner(RunnerConfig(seed=3, wait_for_command=True))
    runner.reset()
    t0, pose = runner.sim_time, runner.sim.block_pose()
    assert _steps(runner, 50) == 0 and runner.sim_time == t0 and runner.state.step == 0
    np.testing.assert_array_equal(runner.sim.block_pose(), pose)
    assert runner.command(runner.sim.agent_xy()) is None
    assert _steps(runner, 20) == 2 and runner.sim_time > t0  # 10 physics steps a policy step
    # Every episode waits, not only the first: a teleoperator that needs a second to plan
    # its first move after a reset must not find the block already pushed by the hold.
    runner.reset()
    t1 = runner.sim_time
    assert runner.waiting and _steps(runner, 50) == 0 and runner.sim_time == t1
    runner.command(runner.sim.agent_xy())
    assert not runner.waiting and _steps(runner, 10) == 1


def test_runs_at_once_without_waiting_and_rejects_bad_commands():
    runner = SimRunner(RunnerConfig(seed=3))
    runner.reset()
    assert _steps(runner, 10) == 1
    assert 'not finite' in runner.command([np.nan, 0.1])
    assert 'ignored' in runner.command([0.1])
    assert 'clamped' in runner.command([0.6, 0.1])


def test_task_switch_moves_the_goal_and_rejects_unknown_tasks():
    runner = SimRunner(RunnerConfig())
    runner.reset()
    runner.set_task('goal_right')
    assert runner.state.task == 'goal_right' == runner.env.task
    with pytest.raises(ValueError, match='valid tasks'):
        runner.set_task('nowhere')


def test_sim_clock_keeps_running_across_episodes():
    runner = SimRunner(RunnerConfig())
    runner.reset()
    _steps(runner, 30)
    before = runner.sim_time
    runner.reset()  # MuJoCo's own time restarts at 0; /clock must not, nor repeat a stamp
    assert runner.sim_time == pytest.approx(before + runner.sim.model.opt.timestep)
    assert before > 0.29
    _steps(runner, 10)
    assert runner.sim_time > before
