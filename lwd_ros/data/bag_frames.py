# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A bag's camera frames, in a second pass, for the episodes cut from its first.

The first pass (``bag_reader``) reads every topic but keeps, for a camera block, only the
ordinal of each frame on its topic, in the block's first entry: episodes are then cut and
timed by the same code as every other block, and each step holds the newest frame at or
before it. This pass reads the camera topics again and decodes (``image.decode``: crop,
resize, encoding) only the frames some step holds. Why two passes: a camera at 30 Hz over
a 10 Hz policy records three times the frames a dataset needs, at up to 900 kB each raw; a
bag's frames are never held in memory, only the dataset's, decoded to their small size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import logging
from typing import Any

import numpy as np

from lwd_ros.data.episode import Episode
from lwd_ros.observations import image

log = logging.getLogger(__name__)


def attach_frames(contract: Any, topics: Mapping[int, str],
                  frame_times: Mapping[int, np.ndarray], episodes: Iterable[Episode],
                  messages: Iterable[tuple[str, int, bytes]],
                  deserialise: Callable[[bytes, str], Any]) -> dict[str, int]:
    """Give every episode the frames its steps hold, and zero the blocks' feature entries.

    Args:
        contract: the robot contract the bag was read as.
        topics: image block index -> its topic in the bag.
        frame_times: image block index -> log time of each frame, in the first pass's order.
        episodes: the episodes of the first pass (the ordinals in each image block's first
            entry); changed in place.
        messages: the bag's messages of ``topics`` again, ``(topic, log time, data)``.
        deserialise: ``(data, topic) -> message``.

    Returns:
        ``decoded``: frames decoded; ``replaced``: held frames that did not decode, each
        replaced by the newest earlier frame that did (the next one where none did).

    Raises:
        ValueError: the second pass met the frames in another order than the first (the bag
            changed while it was read).
    """
    episodes = list(episodes)
    blocks = contract.observation
    starts = np.cumsum([0] + [len(b.names) for b in blocks])
    by_topic = {topic: i for i, topic in topics.items()}
    wanted = {i: set() for i in topics}
    for ep in episodes:
        for i in topics:
            wanted[i].update(ep.observations[:, starts[i]].astype(np.int64).tolist())
    frames: dict[int, dict[int, np.ndarray]] = {i: {} for i in topics}
    bad: dict[int, list[int]] = {i: [] for i in topics}
    seen = dict.fromkeys(topics, 0)
    for topic, t, data in messages:
        i = by_topic.get(topic)
        if i is None:
            continue
        k, seen[i] = seen[i], seen[i] + 1
        if k >= len(frame_times[i]) or frame_times[i][k] != t:
            raise ValueError(f'{topic}: frame {k} at log time {t * 1e-9:.3f} s was not met in '
                             'the first pass; was the bag written to while it was read?')
        if k in wanted[i]:
            try:
                frames[i][k] = image.decode(blocks[i], deserialise(data, topic))
            except ValueError as e:  # a damaged frame: its neighbour stands in (counted)
                bad[i].append(k)
                log.warning('%s', e)
    replaced = 0
    for i in topics:
        good = np.array(sorted(frames[i]), np.int64)
        if not len(good):
            raise ValueError(f'no frame on {topics[i]} decodes ({len(bad[i])} tried)')
        for k in bad[i]:
            j = good[max(np.searchsorted(good, k) - 1, 0)]
            frames[i][k] = frames[i][int(j)]
            replaced += 1
    for ep in episodes:
        for i in topics:
            b, col = blocks[i], starts[i]
            ordinals = ep.observations[:, col].astype(np.int64)
            ep.frames[image.key(b)] = np.stack([frames[i][k] for k in ordinals])
            ep.observations[:, col:col + len(b.names)] = 0.0
    return {'decoded': sum(map(len, frames.values())) - replaced, 'replaced': replaced}
