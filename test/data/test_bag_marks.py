# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd mark success|fail`` labels in a bag become the episodes' success (uniform grid).

An episode nobody marked has an unknown outcome: not a success, and not a known failure.
"""

from bag_scene import TOPICS, assert_episodes_match, make_scene, record_with_marks
import pytest
from rclpy.serialization import serialize_message

from lwd_ros.data.bag_reader import MARK_TOPIC, ConvertConfig, bag_to_episodes
from lwd_ros.data.bag_writer import BagRecorder
from lwd_ros.data.bags import ENV_KEY


@pytest.mark.parametrize('storage', ['mcap', 'sqlite3'])
def test_marks_label_the_episode_they_follow(tmp_path, storage):
    scene = record_with_marks(tmp_path / 'b', ['fail', 'success', None], storage)
    episodes, report = bag_to_episodes(tmp_path / 'b', ConvertConfig(grid='uniform'))
    assert_episodes_match(episodes, scene.episodes, seeds=False)
    assert [e.success for e in episodes] == [False, True, False]
    assert [e.outcome for e in episodes] == ['fail', 'success', 'unknown']
    assert MARK_TOPIC not in report.messages  # a label, not a demonstration topic


def test_the_last_mark_before_the_reset_counts_and_markers_win(tmp_path):
    scene = record_with_marks(tmp_path / 'b', ['success', 'fail', 'fail'])
    episodes, _ = bag_to_episodes(tmp_path / 'b', ConvertConfig(grid='uniform'))
    assert [e.success for e in episodes] == [True, False, False]
    # the sim's markers say every episode succeeded: they, not the marks, decide
    episodes, _ = bag_to_episodes(tmp_path / 'b', ConvertConfig(grid='markers'))
    assert_episodes_match(episodes, scene.episodes)
    assert all(e.success for e in episodes)
    assert all(e.outcome == 'success' for e in episodes)


def test_a_bag_of_another_recorder_without_marks_has_unknown_outcomes(tmp_path):
    scene = make_scene(markers=False)
    with BagRecorder(tmp_path / 'b', custom_data={ENV_KEY: 'pusht'}) as bag:
        for topic, msgtype in TOPICS.types().items():
            bag.add_topic(topic, msgtype)
        for topic, t, msg in scene.messages:
            bag.write(topic, t, serialize_message(msg))
    episodes, _ = bag_to_episodes(tmp_path / 'b')
    assert_episodes_match(episodes, scene.episodes, seeds=False)
    # nobody said they succeeded: unknown, never silently a success
    assert [e.outcome for e in episodes] == ['unknown'] * 3
    assert not any(e.success for e in episodes)
