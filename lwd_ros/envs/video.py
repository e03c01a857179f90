# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Per-episode video of the sim bridge: frames in memory, one file per finished episode."""

from __future__ import annotations

from pathlib import Path

import imageio.v2 as imageio
import numpy as np


class EpisodeVideo:
    """Collect frames; ``finish(episode)`` writes ``path`` (``_epN`` suffix after the first)."""

    def __init__(self, path: str | Path, fps: float):
        self.path = Path(path)
        self.fps = fps
        self.frames: list[np.ndarray] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, frame: np.ndarray) -> None:
        self.frames.append(frame)

    def finish(self, episode: int) -> Path | None:
        if not self.frames:
            return None
        path = self.path if episode <= 1 else self.path.with_name(
            f'{self.path.stem}_ep{episode}{self.path.suffix}')
        if path.suffix == '.gif':
            imageio.mimsave(path, self.frames, duration=1000 / self.fps, loop=0)
        else:
            imageio.mimsave(path, self.frames, fps=self.fps, macro_block_size=1)
        self.frames = []
        return path
