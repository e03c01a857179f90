# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The shared sim bridge: any env keeping the runner's protocol runs behind its contract.

The toy env brings no bridge code: ``mujoco_bridge`` with ``robot:=toy`` runs it from the toy
contract alone. The runner's protocol (markers, pause until the first command, hold
semantics by interface) is checked without ROS, the node as a real process.
"""

import numpy as np
import pytest

from lwd_ros.contract import RobotContract, get_contract
from lwd_ros.envs import make_env
from lwd_ros.envs.runner import SimBridgeConfig, SimRunner


def _runner(**cfg):
    return SimRunner(SimBridgeConfig(**cfg), get_contract('toy'), make_env('toy'))


def test_runner_keeps_the_episode_protocol():
    r = _runner(seed=7, max_episodes=2, command_timeout=0.25)
    s = r.reset()
    assert (s.episode, s.seed, s.step, s.task) == (1, 7, 0, 'high') and r.waiting
    start = r.obs.copy()
    np.testing.assert_allclose(r.action, start)  # before a command: hold where it is
    assert r.command(slice(0, 2), [np.nan, 0.0]) == 'non-finite command refused'
    assert r.waiting  # a refused command does not start the episode
    assert 'values for joints' in r.command(slice(0, 2), [0.1])
    assert r.command(slice(0, 2), [5.0, -5.0]) is None and not r.waiting
    np.testing.assert_array_equal(r.action, [1.0, -1.0])  # clamped to the contract limits
    for _ in range(10):  # the position target outlives a silent controller
        r.step()
    np.testing.assert_array_equal(r.action, [1.0, -1.0])
    assert r.state.step == 10 and not r.state.done
    assert r.set_task('low').task == 'low' and r.state.episode == 2 and r.state.seed == 8
    with pytest.raises(ValueError, match="unknown task 'middle'"):
        r.reset(task='middle')


def test_with_wait_for_policy_an_episode_starts_on_a_command_of_its_own_policy():
    # The controller still runs the last episode's policy after a reset: its commands must
    # not start the new episode, or it begins wherever the generation latency lets it.
    r = _runner(wait_for_policy=True)
    r.reset()
    start = r.action.copy()
    assert r.command(slice(0, 2), [0.5, 0.5]) is None  # taken, not used: no policy yet
    assert r.waiting
    np.testing.assert_array_equal(r.action, start)
    r.policy_arrived()
    assert r.command(slice(0, 2), [0.5, 0.5]) is None and not r.waiting
    np.testing.assert_array_equal(r.action, [0.5, 0.5])
    r.step()
    r.reset()  # the next episode waits for its own policy again
    assert r.command(slice(0, 2), [0.2, 0.2]) is None and r.waiting
    assert _runner().policy_ready  # off by default: a teleop commands with no policy at all


def test_velocity_interface_drops_to_zero_when_commands_stop():
    data = get_contract('toy').to_dict()
    data['command'] = dict(data['command'], interface='velocity', units=['m/s', 'm/s'])
    runner = SimRunner(SimBridgeConfig(command_timeout=0.25), RobotContract.from_dict(data),
                       make_env('toy'))
    runner.reset()
    np.testing.assert_array_equal(runner.action, [0.0, 0.0])  # velocity: hold = zero
    runner.command(slice(0, 2), [0.5, 0.5])
    seen = []
    env_step = runner.env.step
    runner.env.step = lambda a: (seen.append(np.array(a)), env_step(a))[1]
    for _ in range(5):
        runner.step()
    np.testing.assert_array_equal(seen[0], [0.5, 0.5])
    np.testing.assert_array_equal(seen[-1], [0.0, 0.0])  # 0.5 s of silence > 0.25 s timeout


def test_mujoco_bridge_runs_an_env_from_its_contract_alone(rclpy_context, ros_env):
    from nodes_util import spawn, spin_until, stop
    import rclpy
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.msg import EpisodeStatus
    from lwd_ros.ros.qos import EPISODE, SENSOR

    bridge = spawn('mujoco_bridge', ros_env, files=(), params={'robot': 'toy'},
                   real_time_factor=5.0, max_episodes=1, seed=3)
    node = rclpy.create_node('toy_driver', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    states, statuses = [], []
    node.create_subscription(JointState, '/joint_states', states.append, SENSOR)
    node.create_subscription(EpisodeStatus, '/toy/episode', statuses.append, EPISODE)
    cmd = node.create_publisher(Float64MultiArray, '/forward_position_controller/commands',
                                SENSOR)
    try:
        assert spin_until(executor, lambda: len(statuses) >= 3 and states, 30, [bridge])
        assert all(s.step == 0 for s in statuses)  # paused until the first command
        assert list(states[-1].name) == ['point_x', 'point_y']
        # a waypoint above the disc, then the goal: the toy's expert in two commands
        target = [0.0, 0.45]
        node.create_timer(0.02, lambda: cmd.publish(Float64MultiArray(data=target)))
        assert spin_until(executor, lambda: statuses[-1].step >= 12, 30, [bridge])
        target[:] = [0.8, 0.25]
        assert spin_until(executor, lambda: statuses[-1].done, 30, [bridge])
    finally:
        out, = stop(bridge)
    last = statuses[-1]
    assert (last.episode, last.seed, last.task, last.success) == (1, 3, 'high', True), out
    assert [s.step for s in statuses if s.step] == sorted({s.step for s in statuses if s.step})
    assert sum(s.done for s in statuses) == 1


def test_a_pose_block_publishes_the_orientation_it_was_read_as():
    from lwd_ros.observations.pose import quaternion_from_columns, rotation_columns

    rng = np.random.default_rng(0)
    for q in rng.standard_normal((50, 4)):
        q /= np.linalg.norm(q)
        back = np.array(quaternion_from_columns(np.array(rotation_columns(*q))))
        assert min(np.abs(back - q).max(), np.abs(back + q).max()) < 1e-9  # q and -q alike


def test_a_finished_sim_says_so_once_while_its_fleet_process_waits():
    # In a fleet the process outlives a finished sim (it waits for the others): the bridge
    # ticks on and once logged "1 episodes done: exiting" on every tick.
    import types

    from lwd_ros.ros.sim_bridge import FINISH_GRACE_S, BetweenEpisodes

    lines, finishes = [], []
    logger = types.SimpleNamespace(info=lines.append)
    node = types.SimpleNamespace(get_logger=lambda: logger, finish=lambda: finishes.append(1))
    runner = types.SimpleNamespace(finished=True, state=types.SimpleNamespace(episode=1))
    between = BetweenEpisodes(node, period=0.1)
    for _ in range(int(FINISH_GRACE_S / 0.1) + 50):
        between.tick(runner, lambda: None)
    assert lines == ['1 episode done: exiting'] and len(finishes) >= 50
