# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Append already-serialised (CDR) messages to a rosbag2 bag, safely, without a ROS distro.

``BagRecorder`` wraps ``rosbags.rosbag2.Writer`` (metadata version 9, MCAP or sqlite3) with
the guarantees a recorder node needs:

- ``close()`` is idempotent and always leaves a bag that ``ros2 bag info/play`` (Jazzy,
  Kilted) and ``rosbags``/``mcap`` readers accept: storage summary plus ``metadata.yaml``.
- ``flush()`` pushes everything written so far to the operating system: the pending MCAP
  chunk is closed and written, or the sqlite3 transaction is committed. A process killed
  without a chance to close (SIGKILL, power loss after the OS wrote the pages) then loses at
  most what arrived since the last flush; ``lwd bag2dataset --salvage`` reads the rest.
- one lock around every storage call, so a flush timer and subscriptions may run on
  different threads.

Timestamps are nanoseconds. The log time (what ``ros2 bag info``, ``play`` and every bag
viewer go by, and ``starting_time`` in ``metadata.yaml``) is the wall-clock receive time, as
``ros2 bag record`` stores it, so a bag recorded in a sim graph says when it was recorded
rather than 1970. The sim time of each message (``sim_time=True``), which training aligns
with the sim's header stamps, goes into a second per-message field that rosbag2 tools
ignore:

- MCAP: the message's ``publish_time`` (rosbags otherwise writes the log time there);
- sqlite3 (no second column): a table ``lwd_sim_time(id, timestamp)`` keyed by message id,
  written in the same transaction as the message.

``custom_data`` names where (``SIM_TIME_KEY``), and ``lwd bag2dataset`` reads it from there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import datetime
import logging
import os
from pathlib import Path
import struct
import threading

from rosbags.interfaces import (
    Qos,
    QosDurability,
    QosHistory,
    QosLiveliness,
    QosReliability,
    QosTime,
)
from rosbags.rosbag2 import CompressionFormat, CompressionMode, StoragePlugin, Writer
from rosbags.rosbag2.storage_mcap import McapWriter
from rosbags.rosbag2.storage_sqlite3 import Sqlite3Writer

from lwd_ros import __version__
from lwd_ros.data.bags import demo_typestore

log = logging.getLogger(__name__)

STORAGES = {'mcap': StoragePlugin.MCAP, 'sqlite3': StoragePlugin.SQLITE3}
COMPRESSIONS = ('none', 'zstd')
SIM_TIME_KEY = 'lwd_ros.sim_time'  # custom_data: where each message's sim time is stored
SIM_TIME_FIELDS = {'mcap': 'publish_time', 'sqlite3': 'lwd_sim_time'}
_ZERO = QosTime(0, 0)  # "RMW default" for deadline/lifespan/lease, as rosbag2 reads it


def bag_qos(reliability: int = 1, durability: int = 2, history: int = 1,
            depth: int = 10) -> Qos:
    """An offered-QoS entry for ``metadata.yaml``, from rmw enum values.

    Args:
        reliability: 1 reliable, 2 best effort (``rclpy.qos.ReliabilityPolicy`` values).
        durability: 1 transient local, 2 volatile (``rclpy.qos.DurabilityPolicy`` values).
        history: 1 keep last, 2 keep all (``rclpy.qos.HistoryPolicy`` values).
        depth: history depth.

    ``ros2 bag play`` republishes each topic with the QoS recorded here, so a latched topic
    (``/lwd/task``) stays latched on playback.
    """
    return Qos(QosHistory(history), int(depth), QosReliability(reliability),
               QosDurability(durability), _ZERO, _ZERO, QosLiveliness.AUTOMATIC, _ZERO, False)


def adapted_qos(offered: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """``(reliability, durability)`` a recorder requests so every offering publisher matches.

    rosbag2's rule: reliable only if every publisher is reliable (a reliable subscription
    does not match a best-effort publisher), transient local only if every publisher is (so
    latched topics deliver their last message; volatile publishers would not match). Values
    are rmw enums: reliability 1 reliable / 2 best effort, durability 1 transient local / 2
    volatile.

    Args:
        offered: ``(reliability, durability)`` of each publisher seen.
    """
    reliable = bool(offered) and all(r == 1 for r, _ in offered)
    latched = bool(offered) and all(d == 1 for _, d in offered)
    return (1 if reliable else 2), (1 if latched else 2)


def default_bag_path(root: str | Path = '.', prefix: str = 'demos') -> Path:
    """``root/prefix_YYYY_MM_DD-HH_MM_SS``, the naming ``ros2 bag record`` uses."""
    return Path(root) / f'{prefix}_{datetime.datetime.now():%Y_%m_%d-%H_%M_%S}'


@dataclass
class RecordingStats:
    """What a closed bag holds.

    Args:
        path: the bag directory.
        storage: ``mcap`` or ``sqlite3``.
        messages: messages written per topic.
        size_bytes: bytes of all files in the bag directory.
        duration_s: last minus first timestamp, seconds.
    """

    path: Path
    storage: str
    messages: dict[str, int]
    size_bytes: int
    duration_s: float

    @property
    def total(self) -> int:
        return sum(self.messages.values())


def _check_sim_time_support(storage) -> None:
    """Fail at open, not at the first message, if this rosbags lacks what the sim time needs.

    rosbags has no API for a message's ``publish_time`` nor for extra sqlite3 tables, so
    ``_write_mcap`` and the ``lwd_sim_time`` table use its storage objects (rosbags 0.11).
    """
    needed = (('chunk', 'channel_stats', 'close_chunk', 'message_start_time')
              if isinstance(storage, McapWriter) else ('conn', 'cursor'))
    missing = [name for name in needed if not hasattr(storage, name)]
    if missing:
        raise RuntimeError(f'this rosbags ({type(storage).__name__} without {missing}) cannot '
                           'store sim time beside the log time; install the pinned rosbags')


def _write_mcap(writer: Writer, connection, log_time: int, publish_time: int,
                data: bytes | memoryview) -> None:
    """``McapWriter.write`` with a ``publish_time`` of its own (rosbags writes the log time).

    The chunk index and the bag's start/duration go by the log time, as ``ros2 bag`` reads
    them. (MCAP bags are compressed per chunk, never per message, so ``data`` goes in as is.)
    """
    storage = writer.storage
    storage.message_start_time = min(log_time, storage.message_start_time)
    storage.message_end_time = max(log_time, storage.message_end_time)
    storage.channel_stats[connection.id] += 1
    chunk = storage.chunk
    chunk.message_start_time = min(log_time, chunk.message_start_time)
    chunk.message_end_time = max(log_time, chunk.message_end_time)
    chunk.msgs[connection.id].append((log_time, chunk.bio.tell()))
    record = struct.pack('<HIQQ', connection.id, 0, log_time, publish_time) + bytes(data)
    chunk.bio.write(struct.pack('<BQ', 0x05, len(record)) + record)
    if chunk.bio.tell() > 2**20:
        storage.close_chunk()
    writer.counts[connection.id] += 1
    writer.min_timestamp = min(log_time, writer.min_timestamp)
    writer.max_timestamp = max(log_time, writer.max_timestamp)


def _name_distro(metadata: Path) -> None:
    """Say which ROS distro wrote the bag, as ``ros2 bag record`` does (rosbags writes its name).

    ``ROS_DISTRO`` where a distro is sourced, else the distro of the message wheels (Kilted).
    """
    text = metadata.read_text()
    distro = os.environ.get('ROS_DISTRO') or 'kilted'
    metadata.write_text(text.replace('ros_distro: rosbags', f'ros_distro: {distro}'))


class BagRecorder:
    """A rosbag2 bag open for appending serialised messages.

    Args:
        path: the bag directory to create; it must not exist.
        storage: ``mcap`` (default of ``ros2 bag record`` since Iron) or ``sqlite3``.
        compression: ``none`` or ``zstd`` (MCAP: compressed chunks; sqlite3: per message).
        custom_data: string pairs for ``metadata.yaml``'s ``custom_data``.
        typestore: a rosbags typestore knowing every type to record (default: ROS 2 Kilted
            plus ``lwd_ros/msg/*``); definitions and hashes are stored in the bag from it.
        sim_time: every ``write`` also gets the message's sim time, stored beside the
            wall-clock log time (see the module docstring).
    """

    def __init__(self, path: str | Path, storage: str = 'mcap', compression: str = 'none',
                 custom_data: Mapping[str, str] | None = None, typestore=None,
                 sim_time: bool = False):
        if storage not in STORAGES:
            raise ValueError(f'{storage=} is not one of {sorted(STORAGES)}')
        if compression not in COMPRESSIONS:
            raise ValueError(f'{compression=} is not one of {COMPRESSIONS}')
        self.path = Path(path)
        if self.path.exists():
            raise FileExistsError(f'{self.path} exists; a bag is never overwritten')
        self.storage = storage
        self._typestore = typestore or demo_typestore()
        self._lock = threading.Lock()
        self._writer = Writer(self.path, version=Writer.VERSION_LATEST,
                              storage_plugin=STORAGES[storage])
        if compression == 'zstd':
            mode = CompressionMode.STORAGE if storage == 'mcap' else CompressionMode.MESSAGE
            self._writer.set_compression(mode, CompressionFormat.ZSTD)
        # Never an empty custom_data: rosbag2 reads it with yaml-cpp ``as<unordered_map>``,
        # which a YAML null (what rosbags writes for "none") is not.
        custom = {'lwd_ros.recorder': f'lwd_ros {__version__}', **(custom_data or {})}
        self.sim_time = sim_time
        if sim_time:
            custom[SIM_TIME_KEY] = SIM_TIME_FIELDS[storage]
        for key, value in custom.items():
            self._writer.set_custom_data(key, value)
        self._writer.open()
        if sim_time:
            _check_sim_time_support(self._writer.storage)
            if storage == 'sqlite3':
                self._writer.storage.conn.execute(
                    'CREATE TABLE lwd_sim_time('
                    'id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL)')
        self._connections = {}
        self._stats: RecordingStats | None = None

    @property
    def closed(self) -> bool:
        return self._stats is not None

    @property
    def counts(self) -> dict[str, int]:
        """Messages written so far per topic."""
        return {topic: self._writer.counts[c.id] for topic, c in self._connections.items()}

    def add_topic(self, topic: str, msgtype: str, offered_qos: Sequence[Qos] = ()) -> None:
        """Declare a topic before writing to it (once; its definition goes into the bag)."""
        with self._lock:
            if topic in self._connections:
                raise ValueError(f'{topic} was already added')
            self._connections[topic] = self._writer.add_connection(
                topic, msgtype, typestore=self._typestore, offered_qos_profiles=offered_qos)

    def write(self, topic: str, timestamp_ns: int, data: bytes | memoryview,
              sim_ns: int | None = None) -> None:
        """Append one CDR-serialised message (as ``rclpy`` hands it to a ``raw`` subscription).

        Args:
            topic: an added topic.
            timestamp_ns: log time (wall clock).
            data: the CDR bytes.
            sim_ns: the message's sim time; required when the bag was opened with
                ``sim_time``, refused otherwise (a bag is all one or all the other).

        Raises ValueError on a negative timestamp before anything is written: MCAP stores
        unsigned times, and a bad record inside a chunk would make the whole bag unclosable.
        """
        if timestamp_ns < 0 or (sim_ns is not None and sim_ns < 0):
            raise ValueError(f'{topic}: negative timestamp {timestamp_ns} ns (sim time '
                             f'{sim_ns}); not written')
        if (sim_ns is None) == self.sim_time:
            raise ValueError(f'{topic}: a bag opened with sim_time={self.sim_time} takes '
                             f'{"a" if self.sim_time else "no"} sim time per message')
        with self._lock:
            if self._stats is not None:
                return  # closed: a callback that raced shutdown, nothing to keep it for
            connection = self._connections[topic]
            if sim_ns is None:
                self._writer.write(connection, int(timestamp_ns), data)
            elif self.storage == 'mcap':
                _write_mcap(self._writer, connection, int(timestamp_ns), int(sim_ns), data)
            else:
                self._writer.write(connection, int(timestamp_ns), data)
                cursor = self._writer.storage.cursor
                cursor.execute('INSERT INTO lwd_sim_time(id, timestamp) VALUES(?, ?)',
                               (cursor.lastrowid, int(sim_ns)))

    def flush(self) -> None:
        """Hand everything written so far to the OS (see the module docstring)."""
        with self._lock:
            storage = self._writer.storage
            # rosbags has no public flush: use its storage objects, and degrade to "flushed at
            # close only" if a future rosbags changes them.
            try:
                if isinstance(storage, McapWriter):
                    if storage.chunk.bio.tell():
                        storage.close_chunk()
                    storage.bio.flush()
                elif isinstance(storage, Sqlite3Writer):
                    storage.conn.commit()
            except AttributeError as e:
                log.warning('cannot flush %s with this rosbags version (%s); the bag is only '
                            'complete after close()', self.path, e)

    def close(self) -> RecordingStats:
        """Finish the bag (summary, ``metadata.yaml``); safe to call more than once."""
        with self._lock:
            if self._stats is None:
                counts = self.counts
                writer = self._writer
                duration = max(0, writer.max_timestamp - writer.min_timestamp) * 1e-9
                writer.close()
                _name_distro(self.path / 'metadata.yaml')
                size = sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
                self._stats = RecordingStats(self.path, self.storage, counts, size, duration)
            return self._stats

    def __enter__(self) -> BagRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
