# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Helpers for tests that run real node processes and watch topics from the test process."""

import subprocess
import sys
import time

from conftest import REPO


def spawn(executable, env, name=None, files=('lwd.yaml', 'pusht_sim.yaml'), params=None,
          **kwargs):
    """Start ``lwd_ros.nodes.<executable>`` with ``config/ros`` files and ``-p`` parameters.

    ``params`` holds parameters whose names clash with these arguments (``env``).
    """
    params = {**(params or {}), **kwargs}
    cmd = [sys.executable, '-m', f'lwd_ros.nodes.{executable}', '--ros-args',
           '-r', f'__node:={name or executable}',
           *[a for f in files
             for a in ('--params-file', str(REPO / 'config' / 'ros' / f))]]
    for k, v in params.items():
        cmd += ['-p', f'{k}:={str(v).lower() if isinstance(v, bool) else v}']
    return subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def stop(*procs):
    """SIGINT, then kill; return each process's output."""
    outputs = []
    for p in procs:
        if p.poll() is None:
            p.send_signal(2)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        outputs.append(p.stdout.read() if p.stdout else '')
    return outputs


def spin_until(executor, predicate, timeout, procs=()):
    """Spin until ``predicate()`` is true; fail early if a node died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            assert p.poll() is None, f'node died:\n{p.stdout.read()}'
        if predicate():
            return True
        executor.spin_once(timeout_sec=0.05)
    return predicate()
