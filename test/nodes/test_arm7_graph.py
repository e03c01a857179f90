# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The 7-DoF arm's graph (shared sim bridge, generator, controller) matches ``lwd eval``.

``models/arm7`` generates one policy per episode from the episode's first state. In the
graph that state must be the one the generator conditions on even though the episode
marker reaches it after the state: episode by episode, the graph and the in-process
evaluation succeed alike and take about the same number of steps. The graph runs as a user
starts it (default arguments: the sim's task is the generator's) and at real time, as a
robot would: the bridge starts each episode with that episode's policy, not the last one
(``wait_for_policy``), and the controller ticks five times a sim step, so a busy machine
delays the graph without changing what it computes (at 3x real time under load, the sim
stepped on stale commands and episodes drifted apart by up to 38 steps). The sim runs at half
real time here: at 1x, with a load of 5-8 on 2 cores, a controller starved for more than a
50 ms sim step once left an episode failing that ``lwd eval`` finished; at 0.5x it has 100 ms.
"""

import json
import subprocess

from conftest import REPO
import pytest

EPISODES = 3


@pytest.mark.slow
def test_arm7_graph_episodes_match_in_process_evaluation(ros_env, python, tmp_path):
    graph = subprocess.run(
        [python, '-m', 'lwd_ros', 'launch', 'arm7_sim', f'episodes:={EPISODES}',
         'real_time_factor:=0.5', '--json', str(tmp_path / 'g.json')],
        env=ros_env, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert graph.returncode == 0, graph.stdout[-3000:] + graph.stderr[-3000:]
    evaluation = subprocess.run(
        [python, '-m', 'lwd_ros', 'eval', '--checkpoint', 'models/arm7', '--robot', 'arm7',
         '--task', 'goal_left', '--episodes', str(EPISODES), '--seed', '100000',
         '--no-progress', '--json', str(tmp_path / 'e.json')],
        env=ros_env, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert evaluation.returncode == 0, evaluation.stderr[-3000:]
    in_graph = {e['seed']: e for e in json.loads((tmp_path / 'g.json').read_text())['episodes']}
    in_process = {e['seed']: e for e in
                  json.loads((tmp_path / 'e.json').read_text())['per_episode']}
    assert sorted(in_graph) == sorted(in_process) == list(range(100000, 100000 + EPISODES))
    for seed, e in in_process.items():
        g = in_graph[seed]
        assert g['success'] == e['success'], (seed, g, e)
        assert abs(g['steps'] - e['steps']) <= 3, (seed, g, e)
