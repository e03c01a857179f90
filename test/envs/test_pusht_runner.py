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


def test_the_bridge_runs_pusht_with_velocities_a_live_goal_switch_and_a_video(
        rclpy_context, ros_env, tmp_path):
    # The one bridge with PushT's options, as a process: sub-steps (10 physics steps a
    # tick), the gantry velocities the expert reads, a goal moved within the episode, and
    # one video frame per policy step.
    import imageio.v2 as imageio
    from nodes_util import spawn, spin_until, stop
    import rclpy
    from sensor_msgs.msg import JointState

    from lwd_ros.msg import EpisodeStatus, TaskSwitch
    from lwd_ros.ros.qos import EPISODE, LATCHED, SENSOR

    video = tmp_path / 'episode.mp4'
    bridge = spawn('mujoco_bridge', ros_env, real_time_factor=10.0, physics_steps_per_tick=10,
                   max_episodes=1, wait_for_command=False, seed=0, video_path=str(video),
                   video_size=32)
    node = rclpy.create_node('pusht_watcher', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    states, statuses = [], []
    node.create_subscription(JointState, '/joint_states', states.append, SENSOR)
    node.create_subscription(EpisodeStatus, '/pusht/episode', statuses.append, EPISODE)
    task = node.create_publisher(TaskSwitch, '/lwd/task', LATCHED)
    try:
        assert spin_until(executor, lambda: statuses and statuses[-1].step >= 20, 60, [bridge])
        task.publish(TaskSwitch(task='goal_right'))
        assert spin_until(executor, lambda: statuses[-1].task == 'goal_right', 30, [bridge])
        assert spin_until(executor, lambda: statuses[-1].done, 120, [bridge])
        bridge.wait(30)
    finally:
        out, = stop(bridge)
    assert list(states[-1].name) == ['gantry_x', 'gantry_y'] and len(states[-1].velocity) == 2
    assert {s.episode for s in statuses} == {1}, out  # the goal moved, the episode went on
    last = statuses[-1]
    assert last.step == 300 and not last.success  # no commands: the pusher stood still
    assert imageio.get_reader(video).count_frames() == 300, out
