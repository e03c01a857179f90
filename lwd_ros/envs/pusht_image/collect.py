# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd collect --robot pusht_image``: PushT's expert demonstrations, as the camera sees them.

The expert needs the T's pose, so it runs PushT as ``lwd collect --robot pusht`` does (the
same flags, attempts and episodes for the same seed); each kept episode is then rendered
row by row from its full state (``frames.image_episode``): observations ``[agent_x,
agent_y, cam_f0 ... cam_f63 = 0]`` and ``frames['cam']`` ``(T + 1, 96, 96, 3)`` uint8.
Rewards are the dataset's default (1 on a success's last step): PushT's coverage signals
read the T's pose, which these rows do not hold::

    lwd collect --robot pusht_image --out datasets/pusht_image_demos --episodes 200
"""

from __future__ import annotations

import argparse

from lwd_ros.data.collection import run_collect
from lwd_ros.envs.pusht import collect as pusht_collect
from lwd_ros.envs.pusht_image.frames import image_episode

DEFAULT_OUT = 'datasets/pusht_image_demos'
ROBOT = 'pusht_image'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pusht_collect.add_arguments(parser)
    parser.set_defaults(out=DEFAULT_OUT)


def observe(episode, goal_pose):
    """A PushT state episode as ``pusht_image`` observes it (``frames.image_episode``)."""
    from lwd_ros.contract import get_contract
    from lwd_ros.envs.pusht.spec import PUSHT

    return image_episode(episode, PUSHT.obs_names, goal_pose, get_contract(ROBOT))


def collect(args) -> dict:
    """The ``collect`` of PushT, writing ``pusht_image`` episodes (module docstring)."""
    return pusht_collect.collect(args, robot=ROBOT, observe=observe)


def run(args) -> int:
    return run_collect(collect, args)
