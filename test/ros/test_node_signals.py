# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Ctrl-C and SIGTERM at any moment end each node promptly with exit 0 and no traceback.

A terminal's Ctrl-C reaches every node of a graph at whatever it is doing: importing, loading
a model, spinning; launch follows with SIGTERM when SIGINT has not ended a node in time.
Each node runs here as the process launch would start, beside a CPU hog (a busy machine is
where a slow import or load is long enough to be hit), and gets one signal at a fixed moment
after its start or once it has logged that it is ready. ``STOP_BOUND_S`` is generous on
purpose: the target is about 2 s, measured figures go to the test's output (``-s``).

``--help`` of every node prints its help and exits 0 without starting it (``demo_recorder
--help`` used to start recording).
"""

import os
from pathlib import Path
import signal
import subprocess
import sys
import time

from conftest import REPO
import pytest

pytest.importorskip('rclpy')

STOP_BOUND_S = 5.0  # signal -> exit; the target is ~2 s, the bound holds on a busy machine
READY_TIMEOUT_S = 60.0
NODES = (REPO / 'resource' / 'nodes.txt').read_text().split()
PARAMS = ('lwd.yaml', 'pusht_sim.yaml')
# node -> (extra arguments, a log line that says it is built and spinning)
CASES = {
    'policy_generator': ([], 'generator from'),
    'mujoco_bridge': ([], 'x real time'),
    'lwd_controller': ([], 'controlling'),
    # its own loop: a signal sets a flag, the bag is closed to the end ({tmp}: the test's)
    'demo_recorder': (['-p', 'robot:=pusht', '-p', 'output:={tmp}/bag'], 'recording ['),
}
GRAPH = ('policy_generator', 'mujoco_bridge', 'lwd_controller')
MOMENTS = (0.3, 1.5, 'ready')


def _command(node: str, extra: list[str]) -> list[str]:
    files = [a for f in PARAMS for a in ('--params-file', str(REPO / 'config' / 'ros' / f))]
    return [sys.executable, '-m', f'lwd_ros.nodes.{node}', '--ros-args',
            '-r', f'__node:={node}', *files, *extra]


@pytest.fixture
def cpu_hog():
    """A busy loop beside the node under test: the machine is as busy as a developer's."""
    hog = subprocess.Popen([sys.executable, '-c', 'while True: pass'])
    yield hog
    hog.kill()
    hog.wait()


def _stop_at(node: str, moment, signum: int, env: dict, tmp_path: Path) -> tuple[float, str]:
    """Start ``node``, signal it at ``moment``; return (seconds to exit, its output)."""
    extra, ready = CASES[node]
    log, run = tmp_path / f'{node}.log', tmp_path / f'run_{time.monotonic_ns()}'
    run.mkdir()
    extra = [a.replace('{tmp}', str(run)) for a in extra]
    with open(log, 'w') as out:
        proc = subprocess.Popen(_command(node, extra), env=env, cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT, text=True)
    try:
        if moment == 'ready':
            deadline = time.monotonic() + READY_TIMEOUT_S
            while ready not in log.read_text():
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f'{node} never ready:\n{log.read_text()}'
                time.sleep(0.05)
            time.sleep(0.3)  # spinning, publishing
        else:
            time.sleep(moment)
        t0 = time.monotonic()
        proc.send_signal(signum)
        try:
            rc = proc.wait(timeout=STOP_BOUND_S * 3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f'{node} ignored {signal.Signals(signum).name} at {moment}:\n'
                        + log.read_text())
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert rc == 0, f'{node}: exit {rc} after {signal.Signals(signum).name} at {moment}\n{text}'
    return took, text


@pytest.mark.slow
@pytest.mark.parametrize('node', sorted(CASES))
def test_a_signal_at_any_moment_ends_the_node_cleanly(node, ros_env, cpu_hog, tmp_path):
    figures = []
    for moment in MOMENTS:
        for signum in (signal.SIGINT, signal.SIGTERM):
            took, out = _stop_at(node, moment, signum, ros_env, tmp_path)
            name = signal.Signals(signum).name
            figures.append(f'{name}@{moment}: {took:.2f} s')
            assert 'Traceback' not in out and 'KeyboardInterrupt' not in out, out
            assert 'Exception ignored' not in out, out
            assert took <= STOP_BOUND_S, f'{node}: {name} at {moment} took {took:.1f} s\n{out}'
    print(f'\n{node} (CPU hog beside it): ' + ', '.join(figures))


@pytest.mark.slow
@pytest.mark.parametrize('moment', [1.0, 'mid-episode'])
def test_one_ctrl_c_to_the_graph_ends_every_node(moment, ros_env, cpu_hog, tmp_path):
    # A terminal signals the process group: every node at once, each at its own stage (at
    # 1 s: imports, model load, spinning), or once the controller runs a policy on the sim.
    logs, procs = [], []
    for node in GRAPH:
        logs.append(tmp_path / f'{node}.log')
        with open(logs[-1], 'w') as out:
            procs.append(subprocess.Popen(_command(node, []), env=ros_env, cwd=REPO,
                                          stdout=out, stderr=subprocess.STDOUT, text=True,
                                          process_group=procs[0].pid if procs else 0))
    if moment == 'mid-episode':
        deadline = time.monotonic() + READY_TIMEOUT_S
        while 'policy generation' not in logs[2].read_text():
            assert all(p.poll() is None for p in procs), [f.read_text() for f in logs]
            assert time.monotonic() < deadline, [f.read_text() for f in logs]
            time.sleep(0.05)
        time.sleep(0.5)
    else:
        time.sleep(moment)
    os.killpg(procs[0].pid, signal.SIGINT)
    time.sleep(0.02)
    for p in procs:  # launch's forwarded copy, a few ms later
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    for p, log in zip(procs, logs):  # launch would wait this long, then SIGTERM
        try:
            rc = p.wait(timeout=STOP_BOUND_S * 3)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        out = log.read_text()
        assert rc == 0, f'exit {rc}\n{out}'
        assert 'Traceback' not in out and 'Exception ignored' not in out, out
    assert time.monotonic() - t0 <= STOP_BOUND_S


@pytest.mark.parametrize('node', NODES)
def test_help_prints_help_and_starts_nothing(node, ros_env, python, tmp_path):
    done = subprocess.run([python, '-m', f'lwd_ros.nodes.{node}', '--help'], env=ros_env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'usage:' in done.stdout and 'Traceback' not in done.stderr, done.stdout
    assert not list(tmp_path.iterdir()), 'help must not start the node (a recorder wrote a bag)'
    if node != 'fleet_host':
        assert 'parameters' in done.stdout, done.stdout
