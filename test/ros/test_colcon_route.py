# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The ROS 2 distro route: `colcon build` of the package in a scratch workspace."""

import os
from pathlib import Path
import shutil
import subprocess
import sys

from conftest import REPO
import pytest


@pytest.mark.slow
def test_colcon_build_installs_messages_nodes_and_share(tmp_path):
    colcon = Path(sys.executable).parent / 'colcon'
    if not colcon.exists():
        pytest.skip('colcon not installed in this environment')
    (tmp_path / 'src').mkdir()
    os.symlink(REPO, tmp_path / 'src' / 'lwd_ros')
    os.utime(REPO / 'lwd_ros' / '__init__.py')  # as fresh as a checkout: the same-second case
    env = dict(os.environ, CMAKE_PREFIX_PATH=sys.prefix, AMENT_PREFIX_PATH=sys.prefix,
               PATH=f'{Path(sys.executable).parent}{os.pathsep}{os.environ["PATH"]}')
    build = subprocess.run(
        [str(colcon), 'build', '--cmake-args', f'-DPython3_EXECUTABLE={sys.executable}',
         '-DBUILD_TESTING=OFF'], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    install = tmp_path / 'install' / 'lwd_ros'
    nodes = (REPO / 'resource' / 'nodes.txt').read_text().split()
    for node in [*nodes, 'lwd']:
        assert os.access(install / 'lib' / 'lwd_ros' / node, os.X_OK), f'{node} launcher missing'
    for path in ('share/lwd_ros/package.xml', 'share/lwd_ros/config',
                 'share/ament_index/resource_index/packages/lwd_ros'):
        assert (install / path).exists(), path
    # Messages import from the colcon install, in the same interpreter as the core.
    probe = ('import lwd_ros, lwd_ros.msg, lwd_ros.srv, lwd_ros.config; lwd_ros.__version__;'
             'from lwd_ros.msg import PolicyWeights;'
             'print(lwd_ros.msg.__file__); print(lwd_ros.config.share_dir())')
    site = install / 'lib' / f'python{sys.version_info.major}.{sys.version_info.minor}' / \
        'site-packages'
    installed_init = (site / 'lwd_ros' / '__init__.py').read_bytes()
    assert installed_init == (REPO / 'lwd_ros' / '__init__.py').read_bytes(), 'empty __init__'
    env.update(PYTHONPATH=str(site), AMENT_PREFIX_PATH=f'{install}{os.pathsep}{sys.prefix}')
    out = subprocess.run([sys.executable, '-c', probe], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    msg_file, share = out.stdout.split()
    assert msg_file.startswith(str(site)) and share == str(install / 'share' / 'lwd_ros')
    shutil.rmtree(tmp_path / 'build', ignore_errors=True)
