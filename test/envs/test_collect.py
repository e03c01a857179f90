# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect`` of the scripted-expert sims: one successful episode per task, from --seed."""

import pytest

from lwd_ros.cli import main
from lwd_ros.contract import get_contract
from lwd_ros.data.minari_io import load_episodes, read_metadata


@pytest.mark.parametrize('robot', ['arm7', 'planar2'])
def test_collect_writes_the_contracts_width(robot, tmp_path):
    contract = get_contract(robot)
    out = tmp_path / robot
    episodes = len(contract.tasks)
    assert main(['collect', '--robot', robot, '--out', str(out), '--episodes', str(episodes),
                 '--seed', '7', '--no-progress']) == 0
    demos = load_episodes(out)
    assert [e.task for e in demos] == list(contract.tasks)
    assert [e.seed for e in demos] == list(range(7, 7 + episodes))
    for e in demos:
        assert e.success and e.observations.shape[1] == len(contract.obs_names)
        assert e.actions.shape[1] == contract.act_dim
    meta = read_metadata(out)['lwd_ros']
    assert meta['env'] == robot and meta['robot']['name'] == robot
