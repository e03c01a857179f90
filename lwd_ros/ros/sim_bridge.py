# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The sim bridge's ROS pieces beside its tick: sim-time stamps, the reset answer, episode ends."""

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


FINISH_GRACE_S = 1.0  # wall s between the last episode's end and the bridge's exit


class BetweenEpisodes:
    """A bridge tick while its runner's episode is over (``runner.state.done``).

    With ``max_episodes`` done, the node finishes once ``FINISH_GRACE_S`` has let the last
    episode's news out (``node.finish()``: the process ends, in a fleet with the last sim);
    else, with ``auto_reset``, the next episode starts and ``published()`` announces it.

    Args:
        node: the bridge's node (``finish()``, the logger).
        period: wall seconds between the bridge's ticks.
    """

    def __init__(self, node: Any, period: float):
        self.node, self.period, self._finished_ticks = node, period, 0
        self._announced = False  # a fleet's process waits for its last sim, ticking on

    def tick(self, runner: Any, published: Callable[[], None]) -> None:
        if runner.finished:
            self._finished_ticks += 1
            if self._finished_ticks * self.period >= FINISH_GRACE_S:
                if not self._announced:
                    n = runner.state.episode
                    self.node.get_logger().info(f'{n} episode{"s" * (n != 1)} done: exiting')
                    self._announced = True
                self.node.finish()
        elif runner.config.auto_reset:
            runner.reset()
            published()
