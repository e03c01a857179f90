# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Observation kinds, one module each, and the registry that names them.

A new kind is a module with an ``ObsKind`` subclass (``lwd_ros.observations.kind`` says
which points it fills) and one line below; the contract, the controller's observation
builder, the ROS subscriptions, the bag reader, the sim bridges and the markers then handle
it without a change. Pure Python: the controller process imports it.
"""

from __future__ import annotations

from lwd_ros.observations import image, joints, point, pose, pose2d, vector
from lwd_ros.observations.kind import ObsKind

KINDS: dict[str, ObsKind] = {k.name: k for k in (
    joints.KIND,
    pose2d.KIND,
    point.KIND,
    pose.KIND,
    vector.KIND,
    image.KIND,
)}


def get_kind(name: str) -> ObsKind:
    """The kind registered as ``name``; ValueError lists the known ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f'kind {name!r} is not one of {sorted(KINDS)}') from None


__all__ = ['KINDS', 'ObsKind', 'get_kind']
