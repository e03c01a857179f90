# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A configuration error ends the whole graph with its one line.

No headless graph, no respawn loop, no node left behind (issue 32).
"""

from pathlib import Path
import subprocess

from conftest import REPO
import pytest


def _lwd_launch(python, ros_env, *args):
    return subprocess.run([python, '-m', 'lwd_ros', 'launch', *args, '--timeout', '120'],
                          env=ros_env, cwd=REPO, capture_output=True, text=True, timeout=180)


@pytest.mark.slow
@pytest.mark.parametrize('given, node, line', [
    # the generator: a missing checkpoint (was respawned every ~3 s, forever)
    ('checkpoint:=/no/such/checkpoint', 'policy_generator', 'checkpoint'),
    # the controller: a bad rate (the graph ran on without a controller)
    ('control_rate:=-5.0', 'lwd_controller', 'parameter control_rate = -5.0: must be >= 0'),
])
def test_a_configuration_error_ends_the_graph(python, ros_env, given, node, line):
    run = _lwd_launch(python, ros_env, 'pusht_sim', given)
    out = run.stdout + run.stderr
    assert run.returncode == 2, out[-3000:]
    fatal = [x for x in out.splitlines() if '[FATAL]' in x]
    assert len(fatal) == 1 and fatal[0].startswith(f'[{node}]') and line in fatal[0], out[-3000:]
    assert 'respawning' not in out and 'Traceback' not in out, out[-3000:]
    assert 'a configuration error' in out
    assert not _nodes_left(ros_env['ROS_DOMAIN_ID'])


def _nodes_left(domain: str) -> list[str]:
    """Command lines of lwd_ros node processes still running on this test's ROS domain."""
    left = []
    for proc in Path('/proc').glob('[0-9]*'):
        try:
            environ = (proc / 'environ').read_bytes().split(b'\0')
            cmdline = (proc / 'cmdline').read_bytes().replace(b'\0', b' ').decode()
        except OSError:
            continue
        if f'ROS_DOMAIN_ID={domain}'.encode() in environ and 'lwd_ros.nodes' in cmdline:
            left.append(cmdline)
    return left


@pytest.mark.parametrize('node', ['lwd_controller', 'expert_teleop', 'demo_recorder'])
def test_a_node_without_its_robot_refuses_to_start(python, ros_env, node):
    # No default robot: a controller that guessed one (it once defaulted to the PushT sim)
    # would command another robot's joints. One FATAL line naming the parameter, exit 2.
    run = subprocess.run([python, '-m', f'lwd_ros.nodes.{node}'], env=ros_env, cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    out = run.stdout + run.stderr
    assert run.returncode == 2, out[-3000:]
    fatal = [x for x in out.splitlines() if '[FATAL]' in x]
    assert len(fatal) == 1 and "robot = ''" in fatal[0], out[-3000:]
    assert 'must name' in fatal[0] and 'Traceback' not in out, out[-3000:]
