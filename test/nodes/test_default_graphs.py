# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Every shipped sim graph works as a new user first starts it: default arguments.

The sim and the generator once started on different tasks by default (arm7_sim, mt10_sim:
0 of 3) while every test gave ``task:=``; here nothing but the episode count and the sim's
speed is given. ``arm7_sim`` is run this way by ``test_arm7_graph``.
"""

import json
import subprocess

from conftest import REPO
import pytest


@pytest.mark.slow
@pytest.mark.parametrize('graph, speed', [('pusht_sim', '2.0'), ('mt10_sim', '1.0')])
def test_a_sim_graph_with_default_arguments_succeeds(python, ros_env, tmp_path, graph, speed):
    run = subprocess.run(
        [python, '-m', 'lwd_ros', 'launch', graph, 'episodes:=3', f'real_time_factor:={speed}',
         '--json', str(tmp_path / 'g.json')],
        env=ros_env, cwd=REPO, capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    episodes = json.loads((tmp_path / 'g.json').read_text())['episodes'][:3]
    assert len({e['task'] for e in episodes}) == 1
    assert sum(e['success'] for e in episodes) >= 2, episodes
