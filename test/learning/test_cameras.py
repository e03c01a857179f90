# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A robot's camera encoders as LWD trains them: features in the right entries, gradients."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lwd_ros.contract import RobotContract, get_contract
from lwd_ros.data.episode import Episode
from lwd_ros.evaluation.toy import toy_config, toy_demonstrations
from lwd_ros.learning.cameras import Cameras, random_shift
from lwd_ros.learning.checkpoint_io import load_tensors
from lwd_ros.learning.trainer import Trainer
from lwd_ros.runtime.checkpoint import read_meta


@pytest.fixture
def robot():
    base = get_contract('toy').to_dict()
    base['observation'] = [*base['observation'], {
        'kind': 'image', 'topic': 'cam', 'prefix': 'cam', 'image_size': [16, 16],
        'features': 4}]
    return RobotContract.from_dict(base)


def test_features_fill_their_entries_from_the_frames_of_each_row(robot):
    names = robot.obs_names
    cameras = Cameras(robot, names, width=4).eval()
    frames = {'cam': torch.randint(0, 255, (10, 16, 16, 3), dtype=torch.uint8)}
    obs = torch.zeros(3, 2, len(names))
    obs[..., 0] = 5.0  # a non-camera entry: untouched
    rows = torch.tensor([[1, 1], [4, 9], [9, 0]])
    out = cameras.fill(obs, rows, frames)
    cols = [names.index(f'cam_f{i}') for i in range(4)]
    with torch.no_grad():
        expected = cameras.encoders['cam'](frames['cam'])
    torch.testing.assert_close(out[..., cols], expected[rows])
    assert (out[..., 0] == 5.0).all() and not obs[..., cols].any()  # obs itself unchanged
    # the whole set at once (stage 2) gives the same
    torch.testing.assert_close(cameras.fill_all(obs, rows, frames, chunk=3), out)
    # the loss reaches the encoder through the filled entries
    cameras.train()
    cameras.fill(obs, rows, frames)[..., cols].sum().backward()
    assert cameras.encoders['cam'].convs[0].weight.grad.abs().sum() > 0


def test_a_random_shift_moves_each_frame_within_the_pad():
    frames = torch.randint(0, 255, (6, 12, 12, 3), dtype=torch.uint8)
    shifted = random_shift(frames, 2)
    assert shifted.shape == frames.shape and shifted.dtype == torch.uint8
    padded = F.pad(frames.permute(0, 3, 1, 2).float(), (2,) * 4, mode='replicate')
    for frame, out in zip(padded, shifted):
        windows = [frame[:, y:y + 12, x:x + 12].permute(1, 2, 0) for y in range(5)
                   for x in range(5)]
        assert any(torch.equal(w.to(torch.uint8), out) for w in windows)
    assert not all(torch.equal(a, b) for a, b in zip(frames, shifted))  # some moved (p=1-25^-6)
    np.testing.assert_array_equal(random_shift(frames, 0).numpy(), frames.numpy())


def test_the_action_head_trains_the_encoder_on_what_acting_needs(robot):
    names = robot.obs_names
    cameras = Cameras(robot, names, width=4, act_dim=2, horizon=3).train()
    frames = {'cam': torch.randint(0, 255, (5, 16, 16, 3), dtype=torch.uint8)}
    obs = cameras.fill(torch.zeros(5, len(names)), torch.arange(5), frames)
    act, mask = torch.randn(5, 2, 2), torch.tensor([[1.0, 1.0]] * 4 + [[1.0, 0.0]])
    task = torch.zeros(5, dtype=torch.long)
    loss = cameras.action_loss(obs, act, mask, task)  # 2 recorded steps of the head's 3
    pred = cameras.head(torch.cat([obs, torch.ones(5, 1)], 1)).reshape(5, 3, 2)[:, :2]
    expected = ((pred - act).square() * mask[..., None]).sum() / (mask.sum() * 2)
    torch.testing.assert_close(loss, expected)
    loss.backward()
    assert cameras.encoders['cam'].convs[0].weight.grad.abs().sum() > 0
    assert Cameras(get_contract('toy'), get_contract('toy').obs_names, 4, act_dim=2,
                   horizon=3).head is None  # no camera, no head


def _reaches(robot, episodes=12, steps=10, seed=0):
    """Reaches of a point to a target only the camera shows (a bright pixel block)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(episodes):
        target, pos = rng.uniform(-0.8, 0.8, 2), np.zeros(2)
        states, actions = [pos.copy()], []
        for _ in range(steps):
            pos = pos + 0.3 * (target - pos)
            actions.append(pos.copy())
            states.append(pos.copy())
        frame = np.zeros((16, 16, 3), np.uint8)
        col, row = ((target + 1) / 2 * 13).astype(int)
        frame[row:row + 3, col:col + 3] = 250
        obs = np.zeros((steps + 1, len(robot.obs_names)), np.float32)
        obs[:, :2] = states
        out.append(Episode(obs, np.array(actions), 'high',
                           frames={'cam': np.repeat(frame[None], steps + 1, 0)}))
    return out


def _log(run, stage):
    return [r for r in map(json.loads, (run / 'train_log.jsonl').read_text().splitlines())
            if r['stage'] == stage]


def test_a_camera_stage_trains_the_encoders_first_and_the_vae_keeps_them(robot, tmp_path):
    demos = _reaches(robot, episodes=60)
    first = ['train.camera_steps=150', 'train.camera_batch_size=32', 'train.camera_lr=0.003',
             'train.val_every=50', 'train.warmup_steps=10', 'train.diffusion_steps=0',
             "data.robot=''"]
    Trainer(toy_config([*first, 'train.vae_steps=0']), demos, tmp_path / 'enc',
            progress=False, robot=robot).run()
    Trainer(toy_config([*first, 'train.vae_steps=40']), demos, tmp_path / 'all',
            progress=False, robot=robot).run()
    camera = _log(tmp_path / 'enc', 'camera')
    assert [r['step'] for r in camera] == [50, 100, 150]
    assert camera[-1]['val_camera_act'] < camera[0]['val_camera_act']
    steps = read_meta(tmp_path / 'all').training['steps']
    assert steps == {'camera': 150, 'vae': 40, 'diffusion': 0}
    encoder = [load_tensors(tmp_path / run, read_meta(tmp_path / run)) for run in ('enc', 'all')]
    names = [k for k in encoder[0] if k.startswith('cameras.encoders.')]
    assert names and all(torch.equal(encoder[0][k], encoder[1][k]) for k in names)
    vae = [k for k in encoder[0] if k.startswith('vae.')]
    assert any(not torch.equal(encoder[0][k], encoder[1][k]) for k in vae)  # the VAE trained


def test_a_robot_without_cameras_skips_the_camera_stage(tmp_path):
    Trainer(toy_config(['train.camera_steps=50', 'train.vae_steps=5',
                        'train.diffusion_steps=5']), toy_demonstrations(6, seed=0), tmp_path,
            progress=False).run()
    assert read_meta(tmp_path).training['steps'] == {'vae': 5, 'diffusion': 5}
