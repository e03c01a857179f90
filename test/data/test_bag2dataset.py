# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd bag2dataset``: bags to the Minari dataset ``lwd train`` reads."""

from dataclasses import replace
import json

from bag_scene import TOPICS, assert_episodes_match, make_scene, record, write_plain_ros2_bag
import numpy as np
import pytest

from lwd_ros.data.bags import DemoTopics


@pytest.fixture(scope='module')
def scene():
    return make_scene()


# --- lwd bag2dataset ---------------------------------------------------------------------------

def test_bag2dataset_writes_the_dataset_lwd_train_reads(tmp_path, capsys):
    from lwd_ros.cli import main
    from lwd_ros.data.minari_io import load_episodes, read_metadata
    scene, plain = make_scene(), make_scene(tasks=('goal_left',), seed0=7, markers=False)
    record(scene, tmp_path / 'ours', storage='sqlite3')
    write_plain_ros2_bag(plain, tmp_path / 'plain', replace(TOPICS, episode=''))
    args = ['bag2dataset', str(tmp_path / 'ours'), str(tmp_path / 'plain'), '--out',
            str(tmp_path / 'ds'), '--json', str(tmp_path / 'out.json'), '--no-progress']
    assert main(args) == 2  # the plain bag names no robot, and none is guessed
    assert 'plain: the bag names no robot' in capsys.readouterr().err
    rc = main(args + ['--robot', 'pusht'])
    assert rc == 0
    summary = json.loads((tmp_path / 'out.json').read_text())
    assert summary['episodes'] == 4 and summary['steps'] == 48
    assert summary['tasks'] == {'classic': 2, 'goal_left': 2}
    assert [b['notes']['grid'] for b in summary['bags']] == ['markers', 'uniform']
    episodes = load_episodes(tmp_path / 'ds')
    assert_episodes_match(episodes[:3], [dict(w, t=None) for w in scene.episodes])
    np.testing.assert_allclose(episodes[3].observations, plain.episodes[0]['obs'], atol=1e-6)
    assert episodes[3].seed is None and episodes[3].task == 'goal_left'
    assert read_metadata(tmp_path / 'ds')['lwd_ros']['bag2dataset']['config']['rate'] == 10.0


def test_bag2dataset_fails_clearly_on_a_damaged_bag_unless_salvaging(scene, tmp_path, capsys):
    from lwd_ros.cli import main
    recorder = record(scene, tmp_path / 'crashed', close=False, flush_every=100)
    recorder.flush()
    args = ['bag2dataset', str(tmp_path / 'crashed'), '--out', str(tmp_path / 'ds'),
            '--no-progress']
    assert main(args) == 2  # what it stored, the robot's name included, went with the crash
    assert 'the robot it stored is lost with it: give --robot' in capsys.readouterr().err
    args += ['--robot', 'pusht']
    assert main(args) == 2
    err = capsys.readouterr().err
    assert 'crashed: no metadata.yaml: the recording was not closed' in err
    assert 'crashed.mcap ends after its last complete record, without the MCAP summary' in err
    assert 'salvaged 803 messages (363 /joint_states,' in err and '3 episodes (36 steps)' in err
    assert not (tmp_path / 'ds').exists()
    assert main(args + ['--salvage']) == 0
    assert json.loads(capsys.readouterr().out)['episodes'] == 3


def test_bag2dataset_flags_override_the_config_file(tmp_path):
    import argparse

    from lwd_ros.data.bag2dataset import add_arguments, convert_config
    (tmp_path / 'c.yaml').write_text('rate: 5\nmin_steps: 3\ntopics:\n  episode: ""\n')
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(['b', '--out', 'o', '--config', str(tmp_path / 'c.yaml'),
                              '--rate', '20', '--object-pose-topic', '/mocap/pose',
                              '--joint-names', 'x', 'y', '--salvage'])
    cfg = convert_config(args)
    assert (cfg.rate, cfg.min_steps, cfg.salvage, cfg.joint_names) == (20.0, 3, True, ('x', 'y'))
    assert cfg.topics == DemoTopics(object_pose='/mocap/pose', episode='')
    assert convert_config(parser.parse_args(['b', '--out', 'o'])).topics is None
