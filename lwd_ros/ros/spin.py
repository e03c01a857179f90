# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The ``main()`` every lwd_ros node shares: init, spin until stopped, tear down cleanly.

Ctrl-C, SIGTERM and an external shutdown (``lwd launch`` stopping the graph, a launch system
sending SIGINT, then SIGTERM when that times out) are the normal way a node ends, at any
moment, so none is reported as an error: the process ends within about a second with exit 0
and no traceback. How depends on where it is (``Phase``):

- **Starting** (imports, ``rclpy.init``, building the nodes: loading a model, compiling a
  sim): nothing is running yet that a clean shutdown would save, and Python would raise
  ``KeyboardInterrupt`` wherever it is (inside importlib, a dataclass decorator, torch's
  import), or, for SIGTERM, nothing at all until the load is done. So the process leaves at
  once with ``os._exit(0)``: loading is interruptible. ``lwd_ros.nodes`` installs this
  handler when the process is started as a node, before a node module imports anything
  heavy (``install_start_up_handlers``).
- **Running**: rclpy's own handlers (chained in front of ours: ours are installed before
  ``rclpy.init``) shut the context down, which stops the executor; the Python-level handler
  must not also raise ``KeyboardInterrupt``: raised at whatever bytecode runs (inside
  rclpy's ``Future.__init__``, say) it leaves half-built objects whose ``__del__`` prints a
  traceback on the way out. One Ctrl-C under ``ros2 launch`` arrives twice (the terminal
  signals the whole process group, and launch forwards its own SIGINT a few ms later), so a
  repeat within ``REPEAT_S`` is the same Ctrl-C and ignored.
- **Stopping** (teardown): a repeat after ``REPEAT_S`` (a second Ctrl-C, launch's SIGTERM
  escalation) means the teardown takes too long for whoever waits: the process leaves at
  once, with 0. A watchdog does the same ``TEARDOWN_S`` after the first signal, so a node
  never waits for launch to escalate to SIGKILL.
- **Done**: Python's finalisation restores the default action of the signals it handles, so
  a signal arriving then would kill the process (exit -2 / -15), which launch reports as a
  death; both are ignored instead (``ignore_late_signals``).

Node-specific clean-up belongs in the node's ``destroy_node``, which runs on every exit path
but the two forced ones. This module imports nothing heavy at module level: it is imported
before the node modules' own imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import os
from pathlib import Path
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rclpy.node import Node

REPEAT_S = 0.5  # a second signal this soon after the first is the same Ctrl-C
TEARDOWN_S = 3.0  # the longest a stopping node tears down before it leaves without finishing
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Phase:
    STARTING, RUNNING, DONE = 'starting', 'running', 'done'


class _State:
    """What the one signal handler needs to know; module-level, since signals are too."""

    phase = Phase.STARTING
    first: float | None = None  # monotonic time of the first stop signal while running
    on_stop: Callable[[], None] | None = None  # e.g. set a flag (a node without rclpy's)
    teardown_s: float | None = TEARDOWN_S  # None: never cut a teardown short
    entry = False  # this process was started as a node (``lwd_ros.nodes`` said so)


def _leave(reason: str = '', code: int = 0) -> None:
    """End the process now (with 0): what is buffered is written, nothing else runs."""
    if reason:
        try:
            print(f'[lwd_ros] {reason}', file=sys.stderr)
        except Exception:  # noqa: BLE001 - a write interrupted mid-way: say nothing
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - reentrant flush from inside a write
            pass
    os._exit(code)


def _watchdog(deadline_s: float) -> None:
    time.sleep(deadline_s)
    if _State.phase != Phase.DONE:
        _leave(f'teardown still running {deadline_s:g} s after the stop signal: '
               'exiting without finishing it')


def _on_signal(signum, frame) -> None:
    if _State.phase == Phase.STARTING:
        _leave()
    if _State.phase == Phase.DONE:
        return
    now = time.monotonic()
    if _State.first is None:
        _State.first = now
        if _State.teardown_s is not None:
            threading.Thread(target=_watchdog, args=(_State.teardown_s,), daemon=True,
                             name='teardown_watchdog').start()
        if _State.on_stop is not None:
            _State.on_stop()
    elif now - _State.first > REPEAT_S and _State.teardown_s is not None:
        _leave(f'{signal.Signals(signum).name} again while stopping: exiting without '
               'finishing the teardown')


def _end_process(code: int) -> None:
    """A node process whose teardown is done: run atexit hooks, flush, leave.

    What is left after the teardown is the interpreter's module-by-module finalisation,
    ~0.7 s with torch and diffusers loaded (the generator), time in which a Ctrl-C has
    nothing left to wait for.
    """
    import atexit

    atexit._run_exitfuncs()
    _leave(code=code)


def install_start_up_handlers(entry: bool = False) -> None:
    """From now until ``running()``, SIGINT and SIGTERM end the process at once with exit 0.

    Call it as early as possible, and before ``rclpy.init``: rclpy chains its own handlers in
    front of the ones installed when it initialises, and installing a Python handler after
    it would replace rclpy's. Calling it again (handlers already ours) changes nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may install handlers (a node built in a test's thread)
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not _on_signal:
            signal.signal(signum, _on_signal)
    _State.phase, _State.first = Phase.STARTING, None
    _State.entry = _State.entry or entry


def running(on_stop: Callable[[], None] | None = None,
            teardown_s: float | None = TEARDOWN_S) -> None:
    """The node is built and about to spin: a stop signal now stops it cleanly.

    ``on_stop`` runs (in the main thread) on the first signal, for a node that stops its own
    loop; ``teardown_s=None`` lets its teardown run to the end (a bag being closed), repeated
    signals included.
    """
    _State.phase, _State.first = Phase.RUNNING, None
    _State.on_stop, _State.teardown_s = on_stop, teardown_s


def ignore_late_signals() -> None:
    """Ignore SIGINT and SIGTERM from here on: the process has torn down and is ending.

    Python's finalisation restores the default action of the signals it handles, so a signal
    arriving then kills the process (exit -2 / -15), which launch reports as a death: the
    second copy of a Ctrl-C, or launch's own SIGINT to every node when a required node (the
    sim bridge) has exited first. An ignored signal is left ignored.
    """
    _State.phase = Phase.DONE
    if threading.current_thread() is threading.main_thread():
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


def entry_node(argv: Sequence[str] | None = None, orig_argv: Sequence[str] | None = None,
               nodes: Sequence[str] | None = None) -> str | None:
    """The node this process was started as (``python -m lwd_ros.nodes.X``, a ``X`` script).

    None for any other process (a test or ``lwd`` importing a node module must keep its own
    signal handling).
    """
    orig = list(sys.orig_argv if orig_argv is None else orig_argv)
    if '-m' in orig[1:-1]:
        module = orig[orig.index('-m', 1) + 1]
        package, _, name = module.rpartition('.')
        return name if package == 'lwd_ros.nodes' and name != '__init__' else None
    args = sys.argv if argv is None else argv
    name = Path(args[0]).name if args else ''
    return name if name in (node_names() if nodes is None else nodes) else None


def node_names() -> tuple[str, ...]:
    """The modules of ``lwd_ros.nodes``: the executables resource/nodes.txt lists."""
    folder = Path(__file__).resolve().parents[1] / 'nodes'
    return tuple(sorted(p.stem for p in folder.glob('*.py') if not p.stem.startswith('_')))


def wants_help(args: Sequence[str] | None) -> bool:
    """``-h`` / ``--help`` among the node's own arguments (before ``--ros-args``)."""
    argv = list(sys.argv if args is None else args)[1:]
    if '--ros-args' in argv:
        argv = argv[:argv.index('--ros-args')]
    return '-h' in argv or '--help' in argv


def print_help(doc: str | None, name: str, configs: Sequence[type] = (),
               extra: Sequence[tuple[str, object, str]] = ()) -> int:
    """Print a node's ``--help``: usage, what it does (its docstring), parameters with defaults.

    ``configs``: the dataclasses whose fields are its parameters (their ``Args:`` lines are
    the descriptions); ``extra``: ``(name, default, description)`` of parameters declared by
    hand. Returns 0, the exit code.
    """
    import dataclasses

    from lwd_ros.ros.params import field_docs

    def describe_fields(cls):
        docs = field_docs(cls)
        for f in dataclasses.fields(cls):
            default = (f.default_factory() if f.default_factory is not dataclasses.MISSING
                       else f.default)
            yield f.name, default, docs.get(f.name, '')

    lines = [f'usage: {name} [-h] [--ros-args [--params-file FILE] [-p NAME:=VALUE ...] '
             '[-r FROM:=TO ...]]', '', (doc or '').strip(), '', 'parameters (-p NAME:=VALUE):']
    rows = [*extra, *[row for cls in configs for row in describe_fields(cls)]]
    seen = set()
    for pname, default, text in rows:
        if pname in seen:
            continue
        seen.add(pname)
        shown = default if str(default).startswith('(') else repr(default)  # '(the contract's)'
        lines.append(f'  {pname} (default {shown})' + (f': {text}' if text else ''))
    print('\n'.join(lines))
    return 0


def run_node(make_node: Callable[[], Node], args: Sequence[str] | None = None) -> int:
    """Run the node built by ``make_node`` until shutdown; return the process exit code."""
    return run_nodes(lambda: [make_node()], args)


def run_nodes(make_nodes: Callable[[], Sequence[Node]],
              args: Sequence[str] | None = None) -> int:
    """Run the nodes ``make_nodes`` builds in one executor (one thread) until shutdown."""
    install_start_up_handlers()  # already done by lwd_ros.nodes for a node process
    import rclpy
    from rclpy.exceptions import ParameterException
    from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
    from rclpy.signals import SignalHandlerOptions

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
        running()
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
        except Exception:  # noqa: BLE001 - the context may already be gone
            if rclpy.ok():
                raise
        rclpy.try_shutdown()
        ignore_late_signals()
    if _State.entry:
        _end_process(0)
    return 0
