# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd dagger --robot pusht_image``: the expert continues from where an image learner went.

The learner runs in image PushT through ``Perceived`` (the frames the bridge publishes,
its exported encoders), as ``lwd eval`` runs it; its rollouts keep the full states
(``StateLog``), since the expert continues from the T's pose, which the learner never sees.
Each continuation is then rendered as the camera sees it (``collect.observe``)::

    lwd dagger --robot pusht_image --checkpoint runs/pusht_image \
        --out datasets/pusht_image_dagger --rollouts 150 --workers 2
"""

from __future__ import annotations

import argparse

from lwd_ros.data.collection import run_collect
from lwd_ros.envs.pusht import dagger as pusht_dagger
from lwd_ros.envs.pusht_image.collect import ROBOT, observe


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pusht_dagger.add_arguments(parser)
    parser.set_defaults(checkpoint='models/pusht_image')


def dagger(args) -> dict:
    """Run the ``dagger`` of PushT for the image robot (module docstring)."""
    return pusht_dagger.dagger(args, robot=ROBOT, observe=observe)


def run(args) -> int:
    return run_collect(dagger, args, command='dagger')
