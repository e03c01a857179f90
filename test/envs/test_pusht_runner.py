# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The shared SimRunner with PushT's options: sub-stepping, waiting start, live task switches.

PushT brings no runner of its own: its env's sub-stepping and ``set_task`` make the shared
runner apply the newest command at every physics step and move the goal within an episode.
"""

import numpy as np
import pytest

from lwd_ros.envs import make_env
from lwd_ros.envs.pusht.spec import PUSHT
from lwd_ros.envs.runner import SimBridgeConfig, SimRunner


def _runner(**cfg):
    return SimRunner(SimBridgeConfig(**cfg), PUSHT, make_env('pusht'))


def _steps(runner, n):
    return sum(runner.step() for _ in range(n))


def _command(runner, target):
    return runner.command(slice(0, 2), list(target))


def test_waits_for_the_first_command_then_runs():
    runner = _runner(seed=3, wait_for_command=True)
    runner.reset()
    sim = runner.env.unwrapped.sim
    t0, pose = runner.sim_time, sim.block_pose()
    assert _steps(runner, 50) == 0 and runner.sim_time == t0 and runner.state.step == 0
    np.testing.assert_array_equal(sim.block_pose(), pose)
    assert _command(runner, sim.agent_xy()) is None
    assert _steps(runner, 20) == 2 and runner.sim_time > t0  # 10 physics steps a policy step
    # Every episode waits, not only the first: a teleoperator that needs a second to plan
    # its first move after a reset must not find the block already pushed by the hold.
    runner.reset()
    t1 = runner.sim_time
    assert runner.waiting and _steps(runner, 50) == 0 and runner.sim_time == t1
    _command(runner, sim.agent_xy())
    assert not runner.waiting and _steps(runner, 10) == 1


def test_runs_at_once_without_waiting_and_rejects_bad_commands():
    runner = _runner(seed=3, wait_for_command=False)
    runner.reset()
    assert _steps(runner, 10) == 1
    assert 'non-finite' in _command(runner, [np.nan, 0.1])
    assert 'values for joints' in _command(runner, [0.1])
    assert _command(runner, [0.6, 0.1]) is None  # taken, clamped to the workspace
    np.testing.assert_array_equal(runner.action, [0.512, 0.1])


def test_the_newest_command_acts_at_every_physics_step():
    # What sub-stepping is for: a 1 kHz controller's target moves within a policy step.
    runner = _runner(seed=3, wait_for_command=False)
    runner.reset()
    sim = runner.env.unwrapped.sim
    _command(runner, [0.2, 0.2])
    runner.step()
    np.testing.assert_array_equal(sim.target, [0.2, 0.2])
    _command(runner, [0.3, 0.3])
    runner.step()
    np.testing.assert_array_equal(sim.target, [0.3, 0.3])
    held = _runner(seed=3, wait_for_command=False, command_period=0.1)  # PushTEnv's 10 Hz hold
    held.reset()
    _command(held, [0.2, 0.2])
    held.step()
    _command(held, [0.3, 0.3])
    held.step()
    np.testing.assert_array_equal(held.env.unwrapped.sim.target, [0.2, 0.2])


def test_task_switch_moves_the_goal_and_rejects_unknown_tasks():
    runner = _runner(seed=0)
    first = runner.reset()
    state = runner.set_task('goal_right')
    assert runner.state.task == 'goal_right' == runner.env.unwrapped.task
    assert state.episode == first.episode == 1  # the same episode, with the goal moved
    with pytest.raises(ValueError, match='valid tasks'):
        runner.set_task('nowhere')


def test_sim_clock_keeps_running_across_episodes():
    runner = _runner(seed=0, wait_for_command=False)
    runner.reset()
    _steps(runner, 30)
    before = runner.sim_time
    runner.reset()  # MuJoCo's own time restarts at 0; /clock must not, nor repeat a stamp
    assert runner.sim_time == pytest.approx(before + runner.env.unwrapped.sim.model.opt.timestep)
    assert before > 0.29
    _steps(runner, 10)
    assert runner.sim_time > before


def test_an_episode_ends_on_success_or_at_the_time_limit():
    runner = _runner(seed=0, wait_for_command=False)
    runner.reset()
    assert runner.max_steps == 300
    while not runner.state.done:
        runner.step()
    s = runner.state
    assert s.step == 300 and not s.success and s.max_coverage >= s.coverage
    assert not runner.step()  # nothing moves once done
