# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Read demonstration bags (ours or a plain ``ros2 bag record``) into ``Episode``s.

A bag is a rosbag2 directory (``metadata.yaml`` + MCAP or sqlite3 files, any version rosbags
reads, zstd file/message/chunk compression) or a bare ``.mcap`` / ``.db3`` file. Messages are
decoded with the definitions stored in the bag, falling back to ROS 2 Kilted plus
``lwd_ros/msg/*`` for bags that carry none (sqlite3 bags from before Iron).

Damage: if ``rosbags`` cannot read the bag (a recorder killed before closing leaves no
``metadata.yaml`` and an MCAP without summary; a disk that filled up truncates files), the
storage files are scanned record by record (``mcap.StreamReader`` / ``sqlite3``) up to the
first unreadable byte. The result then comes with a ``problem`` naming what was lost, and
``bag_to_episodes`` raises ``BagError`` saying what was salvaged, unless ``salvage`` is set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
import json
import logging
import math
from pathlib import Path
import sqlite3
from typing import Any

from mcap.records import Channel, Footer, Message, Schema
from mcap.stream_reader import StreamReader
import numpy as np
from rosbags.rosbag2 import Reader
from rosbags.typesys import Stores, get_types_from_msg, get_typestore
import yaml
import zstandard

from lwd_ros.data.bag_episodes import (
    GRIDS,
    DemoStreams,
    EpisodeNotes,
    Stream,
    streams_to_episodes,
)
from lwd_ros.data.bags import (
    ENV_KEY,
    JOINTS_KEY,
    ROLE_TYPES,
    TOPICS_KEY,
    BagError,
    DemoTopics,
    demo_typestore,
    layout_problem,
)
from lwd_ros.data.episode import Episode
from lwd_ros.envs import DEFAULT_ENV, get_spec
from lwd_ros.runtime.observation import wrap_angle, yaw_from_quaternion

log = logging.getLogger(__name__)

STORAGE_SUFFIXES = {'.mcap': 'mcap', '.db3': 'sqlite3'}
_ZSTD_MAGIC = b'\x28\xb5\x2f\xfd'  # a CDR payload starts with 00 01 or 00 00, never this


@dataclass
class ConvertConfig:
    """How bags become episodes (``lwd bag2dataset`` flags, or a YAML of these keys).

    Args:
        env: the env spec the bag recorded (observation layout, joints, topics); empty: the
            one the recorder stored in the bag, else the default env.
        topics: topic per role; ``None`` takes the map the recorder stored in the bag, else
            the env's (``DemoTopics.for_env``).
        joint_names: the commanded joints in the joint states, in action order; empty: the
            names the recorder stored in the bag, else the env spec's.
        rate: policy rate in Hz (grid of bags without episode markers).
        grid: ``auto``, ``markers`` or ``uniform`` (see ``bag_episodes``).
        task: task for episodes that have no task in their markers nor a ``/lwd/task``.
        max_gap: seconds of joint-state or pose silence that split an episode (a gap).
        reset_jump: metres of joint or object jump between two messages that mark a reset.
        min_steps: shorter episodes are dropped.
        drop_partial: drop marker episodes whose start or end is missing from the bag.
        salvage: use what a damaged bag still holds instead of failing.
    """

    env: str = ''
    topics: DemoTopics | None = None
    joint_names: tuple[str, ...] = ()
    rate: float = 10.0
    grid: str = 'auto'
    task: str = ''
    max_gap: float = 0.5
    reset_jump: float = 0.05
    min_steps: int = 5
    drop_partial: bool = False
    salvage: bool = False

    def __post_init__(self):
        self.joint_names = tuple(self.joint_names)
        if self.joint_names:
            _check_joints(get_spec(self.env or DEFAULT_ENV), self.joint_names)
        if not (self.rate > 0 and self.max_gap > 0 and self.reset_jump > 0):
            raise ValueError(f'{self.rate=}, {self.max_gap=}, {self.reset_jump=} must be > 0')
        if self.grid not in GRIDS:
            raise ValueError(f'{self.grid=} is not one of {GRIDS}')
        if self.min_steps < 1:
            raise ValueError(f'{self.min_steps=} must be >= 1')


@dataclass
class BagReport:
    """What was read from one bag.

    Args:
        path: the bag.
        storage: ``mcap`` or ``sqlite3``.
        env: the env spec it was read as.
        reader: ``rosbags`` (intact bag) or ``scan`` (record-by-record fallback).
        topics: the role -> topic map used.
        messages: messages read per topic (recorded roles only).
        undecodable: messages skipped because they did not deserialise.
        problem: why the bag is incomplete (``''`` when it is not).
        episodes: episodes made from it.
        steps: policy steps (actions) in them.
        notes: what the episode cutting dropped.
    """

    path: Path
    storage: str = ''
    env: str = ''
    reader: str = 'rosbags'
    topics: dict[str, str] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    undecodable: int = 0
    problem: str = ''
    episodes: int = 0
    steps: int = 0
    notes: EpisodeNotes | None = None

    def salvaged(self) -> str:
        """``'N messages (...), E episodes (S steps)'``."""
        per_topic = ', '.join(f'{n} {t}' for t, n in self.messages.items())
        return (f'{sum(self.messages.values())} messages ({per_topic or "none"}), '
                f'{self.episodes} episodes ({self.steps} steps)')


# --- raw message sources ---------------------------------------------------------------------

@dataclass
class _Raw:
    """Connections and a message iterator of one bag, whoever reads it."""

    storage: str
    types: dict[str, str]  # topic -> msgtype
    msgdefs: dict[str, str]  # msgtype -> ros2msg text (with its dependencies)
    messages: Iterator[tuple[str, int, bytes]]  # topic, log time ns, CDR bytes
    reader: str = 'rosbags'
    problem: list[str] = field(default_factory=list)  # filled while iterating


def _storage_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.suffix in STORAGE_SUFFIXES)


def _metadata(path: Path) -> dict[str, Any]:
    meta = path / 'metadata.yaml'
    if not path.is_dir() or not meta.is_file():
        return {}
    try:
        return (yaml.safe_load(meta.read_text()) or {}).get('rosbag2_bagfile_information', {})
    except (yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return {}


def _unzstd(data: bytes) -> bytes:
    if data[:4] == _ZSTD_MAGIC:
        return zstandard.ZstdDecompressor().decompress(data, max_output_size=1 << 30)
    return data


class _ReadFailed(Exception):
    """rosbags failed while iterating an opened bag."""


def _open_rosbags(path: Path, topics: set[str]) -> _Raw:
    """The intact-bag route; raises whatever rosbags raises on a damaged one."""
    reader = Reader(path)
    reader.open()
    conns = [c for c in reader.connections if c.topic in topics]
    types = {c.topic: c.msgtype for c in conns}
    msgdefs = {c.msgtype: c.msgdef.data for c in conns
               if c.msgdef.data and c.msgdef.format.name == 'MSG'}
    storage = (_metadata(path).get('storage_identifier')
               or STORAGE_SUFFIXES.get(path.suffix, ''))

    def messages():
        try:
            for conn, t, data in reader.messages(conns):
                yield conn.topic, t, data
        except Exception as e:  # noqa: B902 - rosbags raises several types for damage
            raise _ReadFailed(f'{type(e).__name__}: {e}') from e
        finally:
            reader.close()
    return _Raw(storage, types, msgdefs, messages())


class _CleanEnd(EOFError):
    """The file ends exactly between two records."""


class _StrictFile:
    """A file whose short reads raise, so a truncated record is never parsed as whole."""

    def __init__(self, f):
        self._f = f

    def read(self, n: int = -1) -> bytes:
        at = self._f.tell()
        data = self._f.read(n)
        if n > 0 and len(data) < n:
            if n == 1 and not data:  # MCAP reads one byte only for a record's opcode
                raise _CleanEnd()
            raise EOFError(f'the file ends inside a record, at byte {at + len(data)}')
        return data


def _scan_sqlite(file: Path, topics: set[str], raw: _Raw) -> Iterator[tuple[str, int, bytes]]:
    # Opened read-write on purpose: sqlite rolls back a transaction the recorder left
    # uncommitted (a hot journal) only with write access; committed rows are kept.
    con = sqlite3.connect(str(file))
    n = 0
    try:
        ids = {}
        for tid, name, typ in con.execute('SELECT id, name, type FROM topics'):
            if name in topics:
                ids[tid] = name
                raw.types[name] = typ
        try:
            for typ, enc, text in con.execute(
                    'SELECT topic_type, encoding, encoded_message_definition '
                    'FROM message_definitions'):
                if enc == 'ros2msg' and text:
                    raw.msgdefs.setdefault(typ, text)
        except sqlite3.OperationalError:
            pass  # no definitions table: a pre-Iron bag
        for tid, t, data in con.execute('SELECT topic_id, timestamp, data FROM messages'):
            n += 1
            if tid in ids:
                yield ids[tid], t, _unzstd(bytes(data))
    except sqlite3.Error as e:
        raw.problem.append(f'{file.name} is corrupt after {n} rows (sqlite3: {e})')
    finally:
        con.close()


def _open_scan(path: Path, topics: set[str], why: str) -> _Raw:
    files = _storage_files(path)
    if not files:
        raise BagError(path, f'no .mcap or .db3 storage file ({why})')
    storage = STORAGE_SUFFIXES[files[0].suffix]
    raw = _Raw(storage, {}, {}, iter(()), 'scan', [why] if why else [])

    def messages():
        for file in files:
            if file.suffix == '.mcap':
                yield from _scan_mcap(file, topics, raw)
            else:
                yield from _scan_sqlite(file, topics, raw)
    raw.messages = messages()
    return raw


def _scan_mcap(file: Path, topics: set[str], raw: _Raw) -> Iterator[tuple[str, int, bytes]]:
    schemas: dict[int, str] = {}
    channels: dict[int, str] = {}
    complete = False
    with file.open('rb') as f:
        try:
            for rec in StreamReader(_StrictFile(f), record_size_limit=1 << 31).records:
                if isinstance(rec, Schema):
                    schemas[rec.id] = rec.name
                    if rec.encoding == 'ros2msg' and rec.data:
                        raw.msgdefs.setdefault(rec.name, rec.data.decode())
                elif isinstance(rec, Channel) and rec.topic in topics:
                    channels[rec.id] = rec.topic
                    raw.types[rec.topic] = schemas.get(rec.schema_id, '')
                elif isinstance(rec, Message) and rec.channel_id in channels:
                    yield channels[rec.channel_id], rec.log_time, _unzstd(rec.data)
                elif isinstance(rec, Footer):
                    complete = True
        except _CleanEnd:
            raw.problem.append(f'{file.name} ends after its last complete record, without the '
                               'MCAP summary (its writer never closed it)')
            return
        except Exception as e:  # noqa: B902 - any parse error ends the salvage; it is named
            raw.problem.append(f'{file.name} is truncated or corrupt after byte {f.tell()} '
                               f'of {file.stat().st_size} ({type(e).__name__}: {e})')
            return
    if not complete:
        raw.problem.append(f'{file.name} has no MCAP footer')


def open_bag(path: str | Path, topics: set[str]) -> _Raw:
    """Messages of ``topics`` from a bag: rosbags if it can, else a record-by-record scan."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f'bag not found: {path}')
    if path.is_dir() and not (path / 'metadata.yaml').is_file():
        return _open_scan(path, topics, 'no metadata.yaml: the recording was not closed, '
                                        'messages after its last flush are lost')
    try:
        return _open_rosbags(path, topics)
    except Exception as e:  # noqa: B902 - rosbags raises several types for damaged bags
        return _open_scan(path, topics, f'rosbags cannot read it ({type(e).__name__}: {e})')


# --- decoding --------------------------------------------------------------------------------

class _Decoder:
    """Deserialise with the bag's own definitions, else Kilted + ``lwd_ros/msg``."""

    def __init__(self, msgdefs: dict[str, str]):
        self._bag = get_typestore(Stores.EMPTY)
        self._own: set[str] = set()
        for msgtype, text in msgdefs.items():
            try:
                self._bag.register(get_types_from_msg(text, msgtype))
                self._own.add(msgtype)
            except Exception as e:  # noqa: B902 - an unparsable definition: use ours instead
                log.debug('cannot use the stored definition of %s: %s', msgtype, e)

    def __call__(self, data: bytes, msgtype: str):
        store = self._bag if msgtype in self._own else demo_typestore()
        # Not ``store.deserialize_cdr``: it rejects payloads with more than 3 trailing bytes,
        # which ROS's own deserialisers ignore and rclpy's ``serialize_message`` (Kilted)
        # appends (8 bytes). The encapsulation header picks the byte order.
        if len(data) < 4 or data[0] != 0 or data[1] not in (0, 1):
            raise ValueError('not a CDR payload')
        msgdef = store.get_msgdef(msgtype)
        decode = msgdef.deserialize_cdr_le if data[1] else msgdef.deserialize_cdr_be
        return decode(memoryview(data)[4:], 0, msgdef.cls, store)[0]


def _ns(stamp) -> int:
    return int(stamp.sec) * 1_000_000_000 + int(stamp.nanosec)


class _StreamBuilder:
    """Collects the numbers of each role while the bag is read."""

    def __init__(self, joint_names: tuple[str, ...]):
        self.joint_names = joint_names
        self.rows = defaultdict(lambda: ([], [], [], []))  # role -> t, stamp, values, labels
        self._joint_index: dict[tuple[str, ...], list[int] | None] = {}
        self.skipped: dict[str, int] = defaultdict(int)
        self.seen_names: set[tuple[str, ...]] = set()

    def _add(self, role, t, stamp, values, label=''):
        rows = self.rows[role]
        rows[0].append(t)
        rows[1].append(stamp)
        rows[2].append(values)
        rows[3].append(label)

    def add(self, role: str, t: int, msg) -> None:
        if role == 'joint_states':
            names = tuple(msg.name)
            if names not in self._joint_index:
                self.seen_names.add(names)
                found = all(n in names for n in self.joint_names)
                self._joint_index[names] = ([names.index(n) for n in self.joint_names]
                                            if found else None)
            index = self._joint_index[names]
            if index is None or len(msg.position) <= max(index):
                self.skipped[role] += 1
                return
            self._add(role, t, _ns(msg.header.stamp), [msg.position[i] for i in index])
        elif role == 'object_pose':
            p, q = msg.pose.position, msg.pose.orientation
            yaw = wrap_angle(yaw_from_quaternion(q.x, q.y, q.z, q.w))
            self._add(role, t, _ns(msg.header.stamp), [p.x, p.y, yaw])
        elif role in ('command', 'intended'):
            if len(msg.data) < 2 or not all(map(math.isfinite, msg.data[:2])):
                self.skipped[role] += 1
                return
            self._add(role, t, 0, [msg.data[0], msg.data[1]])
        elif role == 'task':
            self._add(role, t, _ns(msg.header.stamp), [], msg.task)
        elif role == 'episode':
            self._add(role, t, _ns(msg.header.stamp),
                      [msg.episode, msg.seed, msg.step, msg.success, msg.done], msg.task)

    def streams(self) -> DemoStreams:
        def build(role, width, dtype=np.float64):
            t, stamp, values, labels = self.rows[role]
            return Stream.build(t, stamp, values, width, labels if role in ('task', 'episode')
                                else (), dtype)
        return DemoStreams(joints=build('joint_states', 2), pose=build('object_pose', 3),
                           command=build('command', 2), intended=build('intended', 2),
                           task=build('task', 0),
                           markers=build('episode', 5, np.int64))


def _decode(path: Path, raw: _Raw, by_topic: dict[str, str], joints: tuple[str, ...]):
    """Decode every message of ``raw`` into a stream builder; count what was read."""
    builder = _StreamBuilder(joints)
    counts: dict[str, int] = defaultdict(int)
    undecodable: list[tuple[str, int]] = []  # topic, log time
    decoder = None
    for topic, t, data in raw.messages:
        if decoder is None:  # definitions are complete once the first message arrives
            decoder = _Decoder(raw.msgdefs)
            _check_types(path, raw.types, by_topic)
        counts[topic] += 1
        try:
            msg = decoder(data, raw.types[topic])
        except Exception:  # noqa: B902 - a corrupt payload is skipped and counted
            undecodable.append((topic, t))
            continue
        builder.add(by_topic[topic], t, msg)
    return builder, counts, undecodable


def read_bag(path: str | Path, config: ConvertConfig | None = None
             ) -> tuple[DemoStreams, BagReport]:
    """Decode the demonstration topics of one bag into streams, and say what was read.

    Raises:
        FileNotFoundError: no such bag.
        BagError: no storage file, a topic of the wrong type, or no message at all.
    """
    cfg = config or ConvertConfig()
    path = Path(path)
    custom = _metadata(path).get('custom_data') or {}
    spec = get_spec(cfg.env or _stored(custom, ENV_KEY, str) or DEFAULT_ENV)
    problem = layout_problem(spec)
    if problem:
        raise BagError(path, problem)
    topics = (cfg.topics or _stored(custom, TOPICS_KEY, DemoTopics.from_json)
              or DemoTopics.for_env(spec))
    joints = (cfg.joint_names or _stored(custom, JOINTS_KEY, lambda s: tuple(json.loads(s)))
              or spec.command.joints)
    try:
        _check_joints(spec, joints)
    except ValueError as e:
        raise BagError(path, str(e)) from None
    roles = topics.roles()
    by_topic = {topic: role for role, topic in roles.items()}
    raw = open_bag(path, set(by_topic))
    try:
        builder, counts, undecodable = _decode(path, raw, by_topic, joints)
    except _ReadFailed as e:  # rosbags opened the bag but failed inside it: scan instead
        raw = _open_scan(path, set(by_topic), f'rosbags cannot read it ({e})')
        builder, counts, undecodable = _decode(path, raw, by_topic, joints)
    report = BagReport(path, raw.storage, env=spec.name, topics=roles,
                       undecodable=len(undecodable))
    report.reader = raw.reader
    report.messages = {topic: counts.get(topic, 0) for topic in roles.values()}
    problems = list(raw.problem)
    if undecodable:
        topic, t = undecodable[0]
        files = ', '.join(p.name for p in _storage_files(path))
        problems.append(f'{len(undecodable)} messages did not deserialise (first: {topic} at '
                        f'log time {t * 1e-9:.3f} s) in {files}')
    if builder.skipped.get('joint_states') and not builder.rows['joint_states'][0]:
        raise BagError(path, f'joint names {list(joints)} not in '
                             f'{roles.get("joint_states")} (names seen: '
                             f'{sorted(map(list, builder.seen_names))})')
    report.problem = '; '.join(problems)
    return builder.streams(), report


def _check_joints(spec, joints: tuple[str, ...]) -> None:
    if len(joints) != spec.act_dim:
        raise ValueError(f'joint names {list(joints)} must name the {spec.act_dim} commanded '
                         f'joints of {spec.name} ({list(spec.command.joints)}), in order')


def _stored(custom: dict[str, str], key: str, parse):
    """A value the recorder stored in ``custom_data``, or None if absent or unreadable."""
    try:
        return parse(custom[key]) if custom.get(key) else None
    except (ValueError, TypeError):
        log.warning('ignoring unreadable custom_data %s: %r', key, custom[key])
        return None


def _check_types(path: Path, types: dict[str, str], by_topic: dict[str, str]) -> None:
    for topic, msgtype in types.items():
        want = ROLE_TYPES[by_topic[topic]]
        if msgtype != want:
            raise BagError(path, f'{topic} has type {msgtype}, expected {want} for the '
                                 f'{by_topic[topic]} role')


def bag_to_episodes(path: str | Path, config: ConvertConfig | None = None
                    ) -> tuple[list[Episode], BagReport]:
    """Episodes of one bag and its report.

    Raises:
        BagError: the bag is damaged (the message says what was salvaged; ``.partial`` holds
            the salvaged episodes and the report) and ``config.salvage`` is off or nothing
            was salvaged, or it holds no states or no task.
    """
    cfg = config or ConvertConfig()
    streams, report = read_bag(path, cfg)
    try:
        episodes, report.notes = streams_to_episodes(
            streams, rate=cfg.rate, grid=cfg.grid, default_task=cfg.task, max_gap=cfg.max_gap,
            reset_jump=cfg.reset_jump, min_steps=cfg.min_steps, drop_partial=cfg.drop_partial)
    except ValueError as e:
        if not report.problem:
            raise BagError(path, str(e)) from None
        episodes, report.problem = [], f'{report.problem}; {e}'
    report.episodes, report.steps = len(episodes), sum(map(len, episodes))
    if report.problem:
        if not cfg.salvage or not episodes:
            raise BagError(path, report.problem, report.salvaged(), partial=(episodes, report))
        log.warning('%s: %s; using what was salvaged: %s', path, report.problem,
                    report.salvaged())
    return episodes, report
