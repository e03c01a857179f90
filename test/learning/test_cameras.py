# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A robot's camera encoders as LWD trains them: features in the right entries, gradients."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lwd_ros.contract import RobotContract, get_contract
from lwd_ros.learning.cameras import Cameras, random_shift


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
    loss = cameras.action_loss(obs, act, mask)  # 2 recorded steps of the head's 3
    pred = cameras.head(obs).reshape(5, 3, 2)[:, :2]
    expected = ((pred - act).square() * mask[..., None]).sum() / (mask.sum() * 2)
    torch.testing.assert_close(loss, expected)
    loss.backward()
    assert cameras.encoders['cam'].convs[0].weight.grad.abs().sum() > 0
    assert Cameras(get_contract('toy'), get_contract('toy').obs_names, 4, act_dim=2,
                   horizon=3).head is None  # no camera, no head
