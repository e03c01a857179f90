# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The ``main()`` every lwd_ros node shares: init, spin until stopped, tear down cleanly.

Ctrl-C, SIGTERM and an external shutdown (``lwd launch`` stopping the graph, a launch system
sending SIGINT) are the normal way a node ends, so none is reported as an error: rclpy's
signal handlers shut the context down, and whatever a callback raises *because* the context
went away meanwhile (publishing on an invalid context, a half-torn-down wait set) is part of
that shutdown, not a crash. An error while the context is still valid is re-raised.

The first SIGINT must not also raise ``KeyboardInterrupt``: Python raises it at whatever
bytecode runs, and inside rclpy's own ``Future.__init__`` that leaves a half-built task whose
``__del__`` prints a traceback on the way out. rclpy's handler already stops the executor, so
the Python-level handler stays quiet the first time. One Ctrl-C under ``ros2 launch`` arrives
twice (the terminal signals the whole process group, and launch forwards its own SIGINT a
few ms later), so a repeat within ``REPEAT_S`` is the same Ctrl-C and ignored; only a later
one (a teardown that hangs) interrupts, and ends the process with 130, without a traceback.
Node-specific clean-up belongs in the node's ``destroy_node``, which runs on every exit path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import signal
import time

import rclpy
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node
from rclpy.signals import SignalHandlerOptions

REPEAT_S = 0.5  # a second SIGINT this soon after the first is the same Ctrl-C


def _interrupt_on_second_sigint() -> None:
    """Make SIGINT raise only when repeated later; installed before rclpy chains its handler."""
    first = None

    def handler(signum, frame):
        nonlocal first
        now = time.monotonic()
        if first is None:
            first = now
        elif now - first > REPEAT_S:
            raise KeyboardInterrupt
    signal.signal(signal.SIGINT, handler)


def ignore_late_signals() -> None:
    """Ignore SIGINT and SIGTERM from here on: the process has torn down and is ending.

    Python's finalisation restores the default action of the signals it handles, so a signal
    arriving then kills the process (exit -2 / -15), which launch reports as a death: the
    second copy of a Ctrl-C, or launch's own SIGINT to every node when a required node (the
    sim bridge) has exited first. An ignored signal is left ignored.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_node(make_node: Callable[[], Node], args: Sequence[str] | None = None) -> int:
    """Run the node built by ``make_node`` until shutdown; return the process exit code."""
    return run_nodes(lambda: [make_node()], args)


def run_nodes(make_nodes: Callable[[], Sequence[Node]],
              args: Sequence[str] | None = None) -> int:
    """Run the nodes ``make_nodes`` builds in one executor (one thread) until shutdown."""
    _interrupt_on_second_sigint()
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.ALL)
    nodes: list[Node] = []
    try:
        try:
            nodes = list(make_nodes())
        except (ValueError, FileNotFoundError, ParameterException) as e:
            # A bad parameter or a missing file: one line saying which, no traceback.
            rclpy.logging.get_logger('lwd_ros').fatal(str(e))
            return 2
        executor = SingleThreadedExecutor()
        for node in nodes:
            executor.add_node(node)
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException, SystemExit):
        pass
    except Exception:  # noqa: BLE001 - re-raised unless it is the shutdown itself
        if rclpy.ok():
            raise
    finally:
        try:
            for node in nodes:
                node.destroy_node()
        except KeyboardInterrupt:  # a later Ctrl-C cut a hanging teardown short
            rclpy.try_shutdown()
            return 130
        except Exception:  # noqa: BLE001 - the context may already be gone
            if rclpy.ok():
                raise
        rclpy.try_shutdown()
        ignore_late_signals()
    return 0
