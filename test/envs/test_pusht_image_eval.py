# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd eval`` of an image PushT checkpoint sees what the graph's perception node computes."""

import json

import numpy as np
import pytest
import torch

from lwd_ros.cli import main as lwd_main


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    root = tmp_path_factory.mktemp('pusht_image')
    assert lwd_main(['collect', '--robot', 'pusht_image', '--out', str(root / 'ds'),
                     '--episodes', '3', '--seed', '0', '--no-progress']) == 0
    assert lwd_main(['train', '--config', 'config/train/pusht_image.yaml', '--dataset',
                     str(root / 'ds'), '--out', str(root / 'ckpt'), '--no-progress',
                     'data.extra_datasets=[]', 'train.camera_steps=20',
                     'train.camera_batch_size=8', 'train.vae_steps=20',
                     'train.diffusion_steps=20', 'train.val_every=20', 'train.ckpt_every=20',
                     'train.batch_size=8', 'data.val_fraction=0']) == 0
    return root / 'ckpt'


def test_the_policies_read_the_features_of_the_sim_camera(checkpoint):
    from lwd_ros.envs import make_env
    from lwd_ros.evaluation.cameras import Perceived, encoders
    from lwd_ros.learning.checkpoint_io import load_checkpoint
    from lwd_ros.runtime.checkpoint import read_meta

    robot = read_meta(checkpoint).robot
    camera = load_checkpoint(checkpoint).module('cameras').encoders['cam']
    env = Perceived(make_env('pusht_image'), robot, encoders(checkpoint, robot))  # torch
    obs, _ = env.reset(seed=100000, options={'task': 'classic'})
    assert obs.shape == (66,) and robot.obs_names[2] == 'cam_f0'
    frame = env.unwrapped.camera_frame(robot.observation[1])
    with torch.no_grad():
        features = camera(torch.from_numpy(frame[None]))[0].numpy()
    np.testing.assert_allclose(obs[:2], env.unwrapped.state()[:2])
    np.testing.assert_allclose(obs[2:], features, atol=1e-6)
    # exported: the perception node's graph, the same numbers
    assert lwd_main(['export', '--checkpoint', str(checkpoint), '--onnx',
                     str(checkpoint / 'onnx'), '--no-verify']) == 0
    onnx = encoders(checkpoint, robot)['cam']
    assert type(onnx).__name__ == 'Perception'
    np.testing.assert_allclose(onnx(frame), features, atol=1e-5)
    env.close()


def test_lwd_eval_runs_an_image_checkpoint(checkpoint, tmp_path):
    assert lwd_main(['eval', '--checkpoint', str(checkpoint), '--robot', 'pusht_image',
                     '--episodes', '2', '--max-steps', '5', '--no-progress',
                     '--json', str(tmp_path / 'e.json')]) == 0
    summary = json.loads((tmp_path / 'e.json').read_text())
    assert summary['episodes'] == 2 and summary['env'] == 'pusht_image'


def test_dagger_continues_from_the_full_states_an_image_learner_reached(checkpoint, tmp_path):
    from lwd_ros.data.minari_io import load_episodes, read_metadata
    from lwd_ros.envs import make_env
    from lwd_ros.envs.pusht.config import task_poses
    from lwd_ros.envs.pusht.dagger import StateLog
    from lwd_ros.envs.pusht_image.frames import camera_frame
    from lwd_ros.evaluation.cameras import Perceived, encoders
    from lwd_ros.evaluation.cli import load_source
    from lwd_ros.evaluation.rollout import evaluate
    from lwd_ros.runtime.checkpoint import read_meta

    assert lwd_main(['dagger', '--robot', 'pusht_image', '--checkpoint', str(checkpoint),
                     '--out', str(tmp_path / 'ds'), '--rollouts', '1', '--seed', '40000',
                     '--every', '60', '--steps', '2', '--no-progress']) == 0
    episodes = load_episodes(tmp_path / 'ds')
    assert read_metadata(tmp_path / 'ds')['lwd_ros']['robot']['name'] == 'pusht_image'
    # The same rollout again, its full states kept: each continuation starts at one of
    # them, seen by the camera (the T's pose only in the frame), not the learner's vector.
    robot = read_meta(checkpoint).robot
    log = StateLog(make_env('pusht_image'))
    env = Perceived(log, robot, encoders(checkpoint, robot))
    report = evaluate(env, load_source(checkpoint), 1, 40000, record_episodes=1)
    visited = log.episodes[0][60:-1:60]
    assert len(log.episodes[0]) == report.episodes[0].steps + 1  # every state, reset's too
    assert len(episodes) == len(visited) > 0
    goal = task_poses()[report.episodes[0].task]
    for episode, state in zip(episodes, visited):
        assert episode.observations.shape[1] == 66 and not episode.observations[:, 2:].any()
        np.testing.assert_allclose(episode.observations[0, :2], state[:2], atol=1e-6)
        np.testing.assert_array_equal(episode.frames['cam'][0],
                                      camera_frame(robot.observation[1], state, goal))
    env.close()
