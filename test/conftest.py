# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: per-test ROS isolation, the repo layout, the toy demonstrations."""

import itertools
import os
from pathlib import Path
import sys

import pytest

REPO = Path(__file__).resolve().parents[1]
_domains = itertools.count()


def _next_domain_id() -> int:
    # 1..200: inside the range every RMW accepts on Linux; pid spreads concurrent runs apart.
    return 1 + (os.getpid() * 37 + next(_domains)) % 200


@pytest.fixture
def ros_env(monkeypatch):
    """Environment for ROS processes of one test: own domain, localhost-only discovery."""
    monkeypatch.setenv('ROS_DOMAIN_ID', str(_next_domain_id()))
    monkeypatch.setenv('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    pythonpath = os.pathsep.join([str(REPO), os.environ.get('PYTHONPATH', '')])
    monkeypatch.setenv('PYTHONPATH', pythonpath)
    return dict(os.environ)


@pytest.fixture
def rclpy_context(ros_env):
    """An initialised rclpy context on this test's domain, shut down afterwards."""
    rclpy = pytest.importorskip('rclpy')
    context = rclpy.Context()
    rclpy.init(context=context, domain_id=int(ros_env['ROS_DOMAIN_ID']))
    yield context
    context.try_shutdown()


@pytest.fixture
def python():
    return sys.executable


@pytest.fixture(scope='module')
def demos():
    """30 scripted toy demonstrations (seed 0), what the training tests' learners train on."""
    from lwd_ros.evaluation.toy import toy_demonstrations

    return toy_demonstrations(30, seed=0)


class Interrupted(Exception):
    """What ``stopping_trainer`` raises: the run killed right after a checkpoint."""


def stopping_trainer(when):
    """A ``Trainer`` class killed (``Interrupted``) right after saving a state ``when`` accepts.

    Why a class: the resume tests need a run cut where a real kill would leave it, after a
    checkpoint was written, then resumed by a plain ``Trainer`` from that directory.
    """
    from lwd_ros.learning.trainer import Trainer

    class Stopping(Trainer):
        def save(self, stage, trainer_state=None):
            super().save(stage, trainer_state)
            if trainer_state and when(trainer_state):
                raise Interrupted

    return Stopping
