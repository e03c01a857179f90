# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What every env's ``lwd collect`` shares: task quotas and early checks of output paths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import sys
import tempfile

from lwd_ros.report import emit_json


def check_json_path(path: str) -> None:
    """Raise PermissionError now if a ``--json`` summary could not be written later."""
    p = Path(path).expanduser()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists():
            with open(p, 'a'):  # appends nothing: the old summary stays until replaced
                pass
        else:
            tempfile.TemporaryFile(dir=p.parent).close()
    except OSError as exc:
        raise PermissionError(f'cannot write the JSON summary {p}: {exc}') from exc


def quotas(tasks: list[str], n: int) -> dict[str, int]:
    """``n`` episodes split as evenly as possible over ``tasks`` (the first ones get extra)."""
    return {t: n // len(tasks) + (i < n % len(tasks)) for i, t in enumerate(tasks)}


def run_collect(collect: Callable[[object], dict], args, command: str = 'collect') -> int:
    """Exit status of a collecting command: 2 on bad arguments (said why), 1 if short, else 0.

    Short: fewer episodes than asked, or ``summary['complete']`` false where it is given.
    """
    try:
        summary = collect(args)
    except (ValueError, FileExistsError, NotADirectoryError, PermissionError) as exc:
        print(f'lwd {command}: error: {exc}', file=sys.stderr)
        return 2
    emit_json(summary, args.json)
    complete = summary['complete'] if 'complete' in summary else \
        summary['episodes'] == args.episodes
    return 0 if complete else 1
