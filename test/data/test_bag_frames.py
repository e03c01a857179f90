# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A bag with a camera becomes a dataset with its frames: the frame each step saw, decoded."""

import json

from camera_robot_scene import STEPS, camera_message, contract, picture, write_demonstrations
import numpy as np
import pytest
import yaml

from lwd_ros.cli import main as lwd_main
from lwd_ros.contract import load_contract
from lwd_ros.data.minari_io import load_episodes, read_metadata
from lwd_ros.observations.image import decode


def robot_file(tmp_path, compressed=True):
    path = tmp_path / 'cam_arm.yaml'
    path.write_text(yaml.safe_dump(contract(compressed), sort_keys=False))
    return path


@pytest.mark.parametrize('compressed', [True, False], ids=['png', 'bgr8'])
def test_each_step_keeps_the_frame_it_saw(tmp_path, compressed):
    robot = robot_file(tmp_path, compressed)
    targets = write_demonstrations(tmp_path / 'bag', episodes=4, compressed=compressed)
    out = tmp_path / 'ds'
    assert lwd_main(['bag2dataset', str(tmp_path / 'bag'), '--robot', str(robot), '--out',
                     str(out), '--reset-jump', '0.3', '--task', 'reach', '--no-progress',
                     '--json', str(tmp_path / 's.json')]) == 0
    summary = json.loads((tmp_path / 's.json').read_text())
    assert summary['episodes'] == 4
    episodes = load_episodes(out)
    block = load_contract(str(robot)).observation[1]
    assert json.loads(read_metadata(out)['observation_space'])['type'] == 'Dict'
    seen = [decode(block, camera_message(picture(t), 0, compressed)) for t in targets]
    for ep, expected in zip(episodes, seen):
        frames = ep.frames['cam']
        assert frames.shape == (len(ep) + 1, 24, 24, 3) and frames.dtype == np.uint8
        # each step's frame is the camera's picture of this episode's target, cropped and
        # resized as the contract says (what the perception node computes live), until the
        # homing pause, which the next episode's first frame may end
        for frame in frames[:STEPS - 2]:
            np.testing.assert_array_equal(frame, expected)
        assert all(any((f == s).all() for s in seen) for f in frames)
        # the features are the encoder's to compute: zeros in the dataset
        assert not ep.observations[:, 2:].any() and ep.observations[:, :2].any()
        assert STEPS - 2 <= len(ep) <= STEPS + 3  # the homing pause may add steps
    # only the frames steps hold are decoded: at most one per step, of two recorded per step
    recorded = max(summary['bags'][0]['messages'].values())  # the camera's
    rows = sum(len(e) + 1 for e in episodes)
    assert rows - 3 * len(episodes) <= summary['frames']['decoded'] <= rows < 0.6 * recorded
    assert summary['frames']['replaced'] == 0


def test_a_frame_that_does_not_decode_is_counted_and_replaced(tmp_path):
    robot = robot_file(tmp_path)
    write_demonstrations(tmp_path / 'bag', episodes=2, corrupt=(6,))  # step 3's frame
    out = tmp_path / 'ds'
    assert lwd_main(['bag2dataset', str(tmp_path / 'bag'), '--robot', str(robot), '--out',
                     str(out), '--reset-jump', '0.3', '--task', 'reach', '--no-progress',
                     '--json', str(tmp_path / 's.json')]) == 0
    assert json.loads((tmp_path / 's.json').read_text())['frames']['replaced'] == 1
    assert all(e.frames['cam'].any(axis=(1, 2, 3)).all() for e in load_episodes(out))


def test_the_replacement_is_the_newest_earlier_frame_that_decodes():
    from sensor_msgs.msg import CompressedImage

    from lwd_ros.contract import RobotContract
    from lwd_ros.data.bag_frames import attach_frames
    from lwd_ros.data.episode import Episode

    robot = RobotContract.from_dict(contract(), 'cam_arm')
    # one grey level per frame ordinal; frame 3 is damaged; steps hold frames 0, 2, 3, 5
    grey = [np.full((48, 64, 3), 20 * k, np.uint8) for k in range(6)]
    messages = [('/cam', 100 + k, k) for k in range(6)]

    def deserialise(k, topic):
        msg = camera_message(grey[k], 0)
        return CompressedImage(format='png', data=b'bad') if k == 3 else msg

    obs = np.zeros((4, len(robot.obs_names)), np.float32)
    obs[:, 2] = [0, 2, 3, 5]
    obs[:, 3] = 7.0  # a feature entry: zeroed
    ep = Episode(obs, np.zeros((3, 2)), 'reach')
    done = attach_frames(robot, {1: '/cam'}, {1: np.arange(100, 106)}, [ep], messages,
                         deserialise)
    assert done == {'decoded': 3, 'replaced': 1}
    assert [int(f[0, 0, 0]) for f in ep.frames['cam']] == [0, 40, 40, 100]
    assert not ep.observations[:, 2:].any()
    with pytest.raises(ValueError, match='not met in the first pass'):
        attach_frames(robot, {1: '/cam'}, {1: np.arange(100, 106)}, [ep],
                      [('/cam', 99, 0)], deserialise)
