# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What every sim bridge node shares: sim-time stamps and the reset service's answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from builtin_interfaces.msg import Time


def sim_stamp(seconds: float) -> Time:
    """A ``builtin_interfaces/Time`` of ``seconds`` of sim time (what the bridge's /clock says)."""
    sec = int(seconds)
    return Time(sec=sec, nanosec=int(round((seconds - sec) * 1e9)))


def answer_reset(runner: Any, request: Any, response: Any,
                 published: Callable[[], None]) -> Any:
    """Serve ``ResetEpisode``: ``runner.reset(seed, task)``, then ``published()`` the new state.

    A refused reset (unknown task) answers ``success: false`` with the reason.
    """
    try:
        state = runner.reset(request.seed, request.task or None)
    except ValueError as e:
        response.success, response.message = False, str(e)
        return response
    published()
    response.success, response.episode = True, state.episode
    response.message = f'episode {state.episode} seed {state.seed} task {state.task}'
    return response
