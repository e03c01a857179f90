# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Cutting recorded streams into episodes: gaps, partial episodes, tasks, QoS, config."""


from bag_scene import TOPICS, Scene, make_scene
import numpy as np
import pytest

from lwd_ros.config import load_config
from lwd_ros.contract import get_contract
from lwd_ros.data.bag_episodes import DemoStreams, Stream, streams_to_episodes
from lwd_ros.data.bag_reader import ConvertConfig
from lwd_ros.data.bag_writer import adapted_qos


def streams_of(scene: Scene) -> DemoStreams:
    rows = {r: ([], [], [], []) for r in ('j', 'p', 'c', 'task', 'm')}
    for topic, t, msg in scene.messages:
        stamp = (msg.header.stamp.sec * 10**9 + msg.header.stamp.nanosec
                 if hasattr(msg, 'header') else 0)
        if topic == TOPICS.joint_states:
            row, values, label = 'j', list(msg.position), ''
        elif topic == TOPICS.object_pose:
            o = msg.pose.orientation
            yaw = 2 * np.arctan2(o.z, o.w) % (2 * np.pi)
            row, values, label = 'p', [msg.pose.position.x, msg.pose.position.y, yaw], ''
        elif topic == TOPICS.command:
            row, values, label = 'c', list(msg.data), ''
        elif topic == TOPICS.task:
            row, values, label = 'task', [], msg.task
        else:
            row, label = 'm', msg.task
            values = [msg.episode, msg.seed, msg.step, msg.success, msg.done]
        for column, value in zip(rows[row], (t, stamp, values, label)):
            column.append(value)

    def build(row, width, dtype=np.float64):
        t, stamp, values, labels = rows[row]
        return Stream.build(t, stamp, values, width,
                            labels if row in ('task', 'm') else (), dtype)
    return DemoStreams([build('j', 2), build('p', 3)], build('c', 2), build('task', 0),
                       build('m', 5, np.int64))


def test_a_recording_gap_splits_the_episode_and_loses_its_seed():
    hole = range(6, 14)  # 0.8 s of episode 0 not recorded
    scene = make_scene(tasks=('classic', 'classic'), steps=20, hole=hole)
    want = scene.episodes[0]
    for grid in ('markers', 'uniform'):
        scene = make_scene(tasks=('classic', 'classic'), steps=20, hole=hole,
                           markers=grid == 'markers')
        episodes, notes = streams_to_episodes(streams_of(scene), grid=grid, max_gap=0.5)
        assert [len(e) for e in episodes] == [5, 6, 20]
        assert [e.seed for e in episodes] == ([100, None, 101] if grid == 'markers'
                                              else [None] * 3)
        np.testing.assert_allclose(episodes[0].observations, want['obs'][:6], atol=1e-6)
        np.testing.assert_allclose(episodes[1].observations, want['obs'][14:], atol=1e-6)
        np.testing.assert_allclose(episodes[1].actions, want['act'][14:], atol=1e-6)
        # markers skip the hole (no step in it); the uniform grid steps through and drops
        assert notes.stale_steps == (0 if grid == 'markers' else 8)


def test_intended_commands_are_the_actions_when_recorded():
    # DART over ROS: the robot executed noisy commands; the expert meant the scene's ones.
    scene = make_scene(tasks=('classic', 'goal_left'), steps=15)
    clean = streams_of(scene)
    rng = np.random.default_rng(0)
    c = clean.command
    noisy = Stream(c.t, c.stamp, c.values + rng.normal(0, 0.02, c.values.shape))
    intended = Stream(c.t - 1_000, c.stamp, c.values)  # published just before the command
    executed, _ = streams_to_episodes(DemoStreams(clean.obs, noisy, clean.task, clean.markers))
    learned, _ = streams_to_episodes(DemoStreams(clean.obs, noisy, clean.task, clean.markers,
                                                 intended))
    assert len(learned) == len(executed) == 2
    for e, want in zip(learned, scene.episodes):
        np.testing.assert_allclose(e.actions, want['act'], atol=1e-9)
        np.testing.assert_allclose(e.observations, want['obs'], atol=1e-6)
    assert not np.allclose(executed[0].actions, learned[0].actions, atol=1e-3)


def test_partial_short_and_commandless_episodes():
    streams = streams_of(make_scene(tasks=('classic', 'goal_left')))
    m = streams.markers
    keep = ~((m.values[:, 0] == 1) & (m.values[:, 2] < 3))  # recording began at step 3
    streams.markers = Stream(m.t[keep], m.stamp[keep], m.values[keep],
                             [lab for lab, k in zip(m.labels, keep) if k])
    episodes, _ = streams_to_episodes(streams)
    assert [(len(e), e.seed) for e in episodes] == [(9, None), (12, 101)]
    episodes, notes = streams_to_episodes(streams, drop_partial=True)
    assert len(episodes) == 1 and notes.dropped_partial == 1
    episodes, notes = streams_to_episodes(streams, min_steps=10)
    assert len(episodes) == 1 and notes.dropped_short == 1
    c = streams.command
    late = c.t > m.t[m.labels.index('goal_left') + 4]  # expert started at step 4 of ep 2
    first = np.flatnonzero(c.t > m.t[m.labels.index('goal_left')])[0]
    keep = (np.arange(len(c)) < first) | late
    streams.command = Stream(c.t[keep], c.stamp[keep], c.values[keep])
    episodes, notes = streams_to_episodes(streams)
    assert len(episodes[1]) == 12 - 4 and notes.trimmed_steps == 4
    assert episodes[1].seed is None


def test_a_task_is_required():
    streams = streams_of(make_scene(tasks=('classic',), markers=False))
    streams.task = Stream.build([], [], [], 0)
    with pytest.raises(ValueError, match='no task for the episode'):
        streams_to_episodes(streams)
    episodes, _ = streams_to_episodes(streams, default_task='classic')
    assert episodes[0].task == 'classic'


def test_adapted_qos_matches_every_publisher():
    assert adapted_qos([(1, 1)]) == (1, 1)  # latched: stay latched
    assert adapted_qos([(1, 2), (1, 1)]) == (1, 2)  # one volatile publisher: volatile
    assert adapted_qos([(2, 2), (1, 2)]) == (2, 2)  # one best-effort publisher: best effort
    assert adapted_qos([]) == (2, 2)


def test_convert_config_from_yaml_and_validation(tmp_path):
    path = tmp_path / 'convert.yaml'
    path.write_text('rate: 5\ngrid: uniform\ntopics:\n  object_pose: /mocap/pose\n'
                    '  episode: ""\njoint_names: [x, y]\n')
    cfg = load_config(ConvertConfig, path)
    assert cfg.rate == 5.0 and cfg.topics.object_pose == '/mocap/pose'
    layout = cfg.topics.resolve(get_contract('pusht'))  # unnamed roles: the contract's
    assert layout.observation == ('/joint_states', '/mocap/pose')
    assert layout.roles['command'] == '/forward_position_controller/commands'
    assert layout.roles['episode'] == '/pusht/episode'
    assert cfg.joint_names == ('x', 'y')
    for bad in ({'rate': 0}, {'grid': 'random'}, {'robot': 'pusht', 'joint_names': ['x']},
                {'actions': 'guess'}):
        with pytest.raises(ValueError):
            ConvertConfig(**bad)
