# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One way to hand a command's figures to people and to scripts.

Every ``lwd`` command and benchmark prints its summary as JSON on stdout (for a reader and
for ``| jq``) and, with ``--json PATH``, writes the same text to a file that CI or a results
table can pick up; keeping it in one place keeps the two outputs identical everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path


def emit_json(record: dict, path: str | Path | None = None) -> str:
    """Print ``record`` as indented JSON and write it to ``path`` (parents created) if given."""
    text = json.dumps(record, indent=1)
    print(text, flush=True)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text + '\n')
    return text
