# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Where the robot-neutral layers find a robot's simulator, by name, without importing one.

A robot is a contract (data). A simulator of it is a plug-in: a package
``lwd_ros/envs/<name>/`` whose ``spec.py`` defines ``SPEC`` (an ``lwd_ros.envs.spec.EnvSpec``),
or a spec in another distribution registered under the ``lwd_ros.envs`` entry-point group
(``name = "my_pkg.spec:SPEC"``). The contract, runtime, data and learning layers ask here
for the sim of a robot they hold (its goal poses, step signals, augmentations) and get None
for a robot without one; they never import ``lwd_ros.envs``, so dependencies point from the
plug-ins to the core and never back (``test/test_layout.py`` keeps it so). Light: only the
chosen spec module is imported, and a spec loads neither gymnasium nor mujoco.
"""

from __future__ import annotations

import functools
from importlib import metadata, util
from pathlib import Path
from typing import Any

from lwd_ros.config import load_ref

ENTRY_POINTS = 'lwd_ros.envs'  # the group a sim in its own distribution registers under
PACKAGE = 'lwd_ros.envs'  # the sims shipped here: one subpackage each, with a spec.py


@functools.cache
def sim_refs() -> dict[str, str]:
    """``name -> "module:SPEC"`` of every sim: the packages shipped here, then entry points."""
    found = {}
    package = util.find_spec(PACKAGE)
    for folder in package.submodule_search_locations if package else ():
        for spec in sorted(Path(folder).glob('*/spec.py')):
            found.setdefault(spec.parent.name, f'{PACKAGE}.{spec.parent.name}.spec:SPEC')
    for ep in metadata.entry_points(group=ENTRY_POINTS):
        found.setdefault(ep.name, ep.value)
    return found


def find_sim(robot: str) -> Any | None:
    """The sim spec (``EnvSpec``) of a robot by contract name; None for a robot without one."""
    refs = sim_refs()
    return load_ref(refs[robot]) if robot in refs else None
