# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""When to generate a new policy: the one schedule ``lwd eval`` and the generator node share.

A policy is generated at the start of every episode, at once on a task switch, and then
every ``horizon`` policy steps (H, the action horizon; the checkpoint records the one it was
trained for). ``horizon = 0`` (a model trained on whole demonstrations) generates only at
those events: one policy per episode and task. The published policy says so in
``valid_for_steps`` (0: no expiry), which the controller enforces
(``ControllerConfig.on_expired``).
"""

from __future__ import annotations


class RegenerationSchedule:
    """Counts policy steps since the last generation.

    Args:
        horizon: policy steps each generated policy runs for (H >= 1); 0 = until the next
            ``request``.
    """

    def __init__(self, horizon: int):
        if int(horizon) < 0:
            raise ValueError(f'action horizon {horizon} must be >= 0 (0: once per episode)')
        self.horizon = int(horizon)
        self._since: int | None = None  # None: due now (nothing generated yet)

    def request(self) -> None:
        """Make a generation due now (episode start, task switch)."""
        self._since = None

    @property
    def due(self) -> bool:
        return self._since is None or 0 < self.horizon <= self._since

    def generated(self) -> None:
        """A policy was just generated: it runs for the next ``horizon`` steps."""
        self._since = 0

    def step(self) -> None:
        """Count one policy (env) step."""
        if self._since is not None:
            self._since += 1
