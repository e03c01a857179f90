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

Time: a message's time is its log time, except in bags ``demo_recorder`` recorded under
``use_sim_time``: their log time is the wall clock (so ``ros2 bag info`` shows when they were
recorded) and the sim time the episodes are cut by is stored beside it (``bag_writer``'s
``SIM_TIME_KEY``: the MCAP ``publish_time``, or the sqlite3 table ``lwd_sim_time``). Those
bags are read record by record, which is the only reader that sees that field.
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
from typing import Any, ClassVar

from mcap.records import Channel, Footer, Header, Message, Schema
from mcap.stream_reader import StreamReader
import numpy as np
from rosbags.rosbag2 import Reader
from rosbags.typesys import Stores, get_types_from_msg, get_typestore
import yaml
import zstandard

from lwd_ros.contract import (
    TRAJECTORY,
    TWIST,
    RobotContract,
    get_contract,
)
from lwd_ros.data.bag_episodes import (
    GRIDS,
    DemoStreams,
    EpisodeNotes,
    Stream,
    streams_to_episodes,
)
from lwd_ros.data.bag_frames import attach_frames
from lwd_ros.data.bag_writer import SIM_TIME_KEY
from lwd_ros.data.bags import (
    ENV_KEY,
    JOINTS_KEY,
    ROBOT_KEY,
    TOPICS_KEY,
    BagError,
    DemoTopics,
    TopicLayout,
    demo_typestore,
)
from lwd_ros.data.episode import Episode
from lwd_ros.data.marks import MARK_TYPE, MARKS
from lwd_ros.data.marks import TOPIC as MARK_RELATIVE
from lwd_ros.observations import get_kind

log = logging.getLogger(__name__)

STORAGE_SUFFIXES = {'.mcap': 'mcap', '.db3': 'sqlite3'}
MARK_TOPIC = '/' + MARK_RELATIVE  # ``lwd mark`` episode labels, read where the bag has them
ACTION_SOURCES = ('command', 'next_positions')
_ZSTD_MAGIC = b'\x28\xb5\x2f\xfd'  # a CDR payload starts with 00 01 or 00 00, never this


@dataclass
class ConvertConfig:
    """How bags become episodes (``lwd bag2dataset`` flags, or a YAML of these keys).

    Args:
        robot: the robot contract the bag recorded (a YAML file or a shipped robot's name:
            observation layout, joints, topics); empty: the one the recorder stored in the
            bag, else the default robot.
        topics: topic per role; ``None`` takes the map the recorder stored in the bag, else
            the contract's (``DemoTopics.for_contract``).
        joint_names: the commanded joints as the joint states name them, in action order
            (a robot whose drivers name its joints differently); empty: the names the
            recorder stored in the bag, else the contract's.
        actions: ``command``: the recorded command topic; ``next_positions``: the next
            observed positions of the commanded joints (kinesthetic teaching, leader-follower
            rigs: a position contract recorded without a command topic).
        rate: policy rate in Hz (grid of bags without episode markers).
        grid: ``auto``, ``markers`` or ``uniform`` (see ``bag_episodes``).
        task: task for episodes that have no task in their markers nor a ``/lwd/task``.
        max_gap: seconds of joint-state or pose silence that split an episode (a gap).
        reset_jump: metres of joint or object jump between two messages that mark a reset.
        min_steps: shorter episodes are dropped.
        drop_partial: drop marker episodes whose start or end is missing from the bag.
        salvage: use what a damaged bag still holds instead of failing.
    """

    robot: str = ''
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
    actions: str = 'command'

    RENAMED: ClassVar[dict[str, str]] = {'env': 'robot'}  # old key -> key (config.renamed)

    def __post_init__(self):
        self.joint_names = tuple(self.joint_names)
        if self.joint_names and self.robot:  # else checked against the bag's contract
            _check_joints(get_contract(self.robot), self.joint_names)
        if self.actions not in ACTION_SOURCES:
            raise ValueError(f'{self.actions=} is not one of {ACTION_SOURCES}')
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
        robot: the robot contract it was read as (its name).
        reader: ``rosbags`` (intact bag) or ``scan`` (record-by-record fallback).
        topics: the role -> topic map used.
        messages: messages read per topic (recorded roles only).
        undecodable: messages skipped because they did not deserialise.
        problem: why the bag is incomplete (``''`` when it is not).
        episodes: episodes made from it.
        steps: policy steps (actions) in them.
        notes: what the episode cutting dropped.
        contract: the robot contract it was read as.
        frame_times: per image block (its index), the log time of each of its frames in the
            order read: what ``attach_frames`` finds them by in its second pass.
        frames: what ``attach_frames`` did: frames ``decoded`` and ``replaced`` (a frame
            that did not decode, replaced by the one before it).
    """

    path: Path
    storage: str = ''
    robot: str = ''
    reader: str = 'rosbags'
    topics: dict[str, str] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    undecodable: int = 0
    problem: str = ''
    episodes: int = 0
    steps: int = 0
    notes: EpisodeNotes | None = None
    contract: RobotContract | None = None
    frame_times: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    frames: dict[str, int] = field(default_factory=dict)

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
    """Messages in row order; a message's time is its sim time where ``lwd_sim_time`` has it."""
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
        sim = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                          "name = 'lwd_sim_time'").fetchone()
        query = ('SELECT m.topic_id, COALESCE(s.timestamp, m.timestamp), m.data FROM messages m '
                 'LEFT JOIN lwd_sim_time s ON s.id = m.id ORDER BY m.id' if sim else
                 'SELECT topic_id, timestamp, data FROM messages')
        for tid, t, data in con.execute(query):
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
    """Messages in file order; a message's time is its ``publish_time`` in rosbags' files.

    rosbags writes the log time there unless ``BagRecorder`` stored the sim time in it, so
    for those files ``publish_time`` is the time to convert by either way, also when a
    crashed recording left no ``metadata.yaml`` to say so. Other writers (``ros2 bag
    record``) put the send time there: their log time is used.
    """
    schemas: dict[int, str] = {}
    ours = False
    channels: dict[int, str] = {}
    complete = False
    with file.open('rb') as f:
        try:
            for rec in StreamReader(_StrictFile(f), record_size_limit=1 << 31).records:
                if isinstance(rec, Header):
                    ours = rec.library.startswith('rosbags')
                elif isinstance(rec, Schema):
                    schemas[rec.id] = rec.name
                    if rec.encoding == 'ros2msg' and rec.data:
                        raw.msgdefs.setdefault(rec.name, rec.data.decode())
                elif isinstance(rec, Channel) and rec.topic in topics:
                    channels[rec.id] = rec.topic
                    raw.types[rec.topic] = schemas.get(rec.schema_id, '')
                elif isinstance(rec, Message) and rec.channel_id in channels:
                    t = rec.publish_time if ours else rec.log_time
                    yield channels[rec.channel_id], t, _unzstd(rec.data)
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
    if path.is_dir() and (_metadata(path).get('custom_data') or {}).get(SIM_TIME_KEY):
        raw = _open_scan(path, topics, '')
        raw.reader = 'scan (sim time)'
        return raw
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
    """Collects the numbers of each stream while the bag is read.

    Observation blocks fill one stream each (``obs<i>``), the command its own (a twist's
    gripper part ``command_aux``, merged at the end); ``joint_names`` renames the
    contract's commanded joints to the names the bag's joint states use.
    """

    def __init__(self, contract: RobotContract, layout: TopicLayout,
                 joint_names: tuple[str, ...], actions: str = 'command'):
        self.contract, self.actions = contract, actions
        self.kinds = [get_kind(b.kind) for b in contract.observation]
        # A camera's frames are not decoded here: each step keeps the ordinal of the frame it
        # holds, and ``bag_frames.attach_frames`` decodes just those in a second pass.
        self.frame_times: dict[int, list[int]] = {
            i: [] for i, k in enumerate(self.kinds) if k.frames}
        rename = dict(zip(contract.command.joints, joint_names))
        self.block_joints = [tuple(rename.get(j, j) for j in b.joints)
                             for b in contract.observation]
        self.command_joints = tuple(rename.get(j, j) for j in contract.command.joints)
        self.layout_topics = layout.observation
        self.blocks_on: dict[str, list[int]] = {}
        for i, topic in enumerate(layout.observation):
            self.blocks_on.setdefault(topic, []).append(i)
        self.rows = defaultdict(lambda: ([], [], [], []))  # stream -> t, stamp, values, labels
        self.skipped: dict[str, int] = defaultdict(int)
        self.seen_names: set[tuple[str, ...]] = set()
        self._index: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int] | None] = {}

    def _add(self, role, t, stamp, values, label=''):
        rows = self.rows[role]
        rows[0].append(t)
        rows[1].append(stamp)
        rows[2].append(values)
        rows[3].append(label)

    def _pick(self, names: tuple[str, ...], values, wanted: tuple[str, ...]):
        key = (names, wanted)
        if key not in self._index:
            self.seen_names.add(names)
            self._index[key] = ([names.index(n) for n in wanted]
                                if all(n in names for n in wanted) else None)
        index = self._index[key]
        if index is None or len(values) <= max(index, default=-1):
            return None
        return [values[i] for i in index]

    def _block_values(self, i: int, msg, t: int):
        b = self.contract.observation[i]
        if i in self.frame_times:  # the frame's ordinal on its topic, then the features' zeros
            self.frame_times[i].append(t)
            return [float(len(self.frame_times[i]) - 1)] + [0.0] * (len(b.names) - 1)
        if b.kind == 'joints':
            array = {'position': msg.position, 'velocity': msg.velocity,
                     'effort': msg.effort}[b.field]
            return self._pick(tuple(msg.name), array, self.block_joints[i])
        return self.kinds[i].read(b, msg)

    def _command_values(self, msg):
        c = self.contract.command
        if c.msg_type == TRAJECTORY:
            if not msg.points:
                return None
            return self._pick(tuple(msg.joint_names), msg.points[0].positions,
                              self.command_joints)
        if c.msg_type == TWIST:
            v, scale = msg.twist.linear, c.twist_scale
            return [v.x / scale, v.y / scale, v.z / scale]
        return list(msg.data) if len(msg.data) == self.contract.act_dim else None

    def add(self, role: str, t: int, msg, topic: str = '') -> None:
        stamp = _ns(msg.header.stamp) if hasattr(msg, 'header') else 0
        if role == 'obs':
            for i in self.blocks_on[topic]:
                values = self._block_values(i, msg, t)
                if values is None or not all(map(math.isfinite, values)):
                    self.skipped[f'obs{i}'] += 1
                    continue
                self._add(f'obs{i}', t, stamp, values)
            if self.actions == 'next_positions' and hasattr(msg, 'position'):
                values = self._pick(tuple(msg.name), msg.position, self.command_joints)
                if values is not None and all(map(math.isfinite, values)):
                    self._add('command', t, 0, values)
        elif role in ('command', 'command_aux', 'intended'):
            if role == 'command' and self.actions == 'next_positions':
                return
            values = (self._command_values(msg) if role == 'command' else list(msg.data))
            width = (self.contract.act_dim - 3 if role == 'command_aux'
                     else self.contract.act_dim if role == 'intended' else None)
            if (values is None or (width is not None and len(values) != width)
                    or not all(map(math.isfinite, values))):
                self.skipped[role] += 1
                return
            self._add(role, t, 0, values)
        elif role == 'task':
            self._add(role, t, stamp, [], msg.task)
        elif role == 'episode':
            self._add(role, t, stamp,
                      [msg.episode, msg.seed, msg.step, msg.success, msg.done], msg.task)
        elif role == 'mark' and msg.data in MARKS:
            self._add(role, t, 0, [], msg.data)

    def streams(self) -> DemoStreams:
        def build(role, width, dtype=np.float64):
            t, stamp, values, labels = self.rows[role]
            return Stream.build(t, stamp, values, width,
                                labels if role in ('task', 'episode', 'mark') else (), dtype)
        c = self.contract
        blocks = c.observation
        command = build('command', c.act_dim if c.command.msg_type != TWIST or
                        c.act_dim == 3 else 3)
        if c.command.msg_type == TWIST and c.act_dim > 3:
            command = _merge_aux(command, build('command_aux', c.act_dim - 3))
        jump_cols = [k.jump_columns(b) for k, b in zip(self.kinds, blocks)]
        return DemoStreams(
            obs=[build(f'obs{i}', len(b.names)) for i, b in enumerate(blocks)],
            command=command, intended=build('intended', c.act_dim), task=build('task', 0),
            markers=build('episode', 5, np.int64), marks=build('mark', 0),
            jump_cols=jump_cols,
            obs_labels=[f'{b.kind} block on {topic}' for b, topic
                        in zip(blocks, self.layout_topics)])


def _merge_aux(twist: Stream, aux: Stream) -> Stream:
    """The twist's three actions and the gripper command, newest of each, at either's arrival.

    The two are separate messages for one command, published a moment apart.
    """
    t = np.union1d(twist.t, aux.t)
    i, j = twist.hold(t), aux.hold(t)
    ok = (i >= 0) & (j >= 0)
    values = np.concatenate([twist.values[i[ok]], aux.values[j[ok]]], axis=1)
    return Stream(t[ok], np.zeros(int(ok.sum()), np.int64), values)


def _decode(path: Path, raw: _Raw, layout: TopicLayout, builder: _StreamBuilder):
    """Decode every message of ``raw`` into a stream builder; count what was read."""
    by_topic = layout.by_topic
    counts: dict[str, int] = defaultdict(int)
    undecodable: list[tuple[str, int]] = []  # topic, log time
    decoder = None
    for topic, t, data in raw.messages:
        if decoder is None:  # definitions are complete once the first message arrives
            decoder = _Decoder(raw.msgdefs)
            _check_types(path, raw.types, layout)
        if topic not in by_topic:  # the episode labels of ``lwd mark``, if of their type
            if raw.types.get(topic) == MARK_TYPE:
                try:
                    builder.add('mark', t, decoder(data, MARK_TYPE))
                except Exception:  # noqa: B902 - a corrupt label is no label
                    log.warning('%s: an unreadable %s message at log time %.3f s is ignored',
                                path, topic, t * 1e-9)
            continue
        counts[topic] += 1
        try:
            msg = decoder(data, raw.types[topic])
        except Exception:  # noqa: B902 - a corrupt payload is skipped and counted
            undecodable.append((topic, t))
            continue
        builder.add(by_topic[topic], t, msg, topic)
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
    metadata = _metadata(path)  # {} for a recording that was never closed
    custom = metadata.get('custom_data') or {}
    try:
        contract = bag_contract(cfg.robot, custom, closed=bool(metadata))
        topics = (cfg.topics or _stored(custom, TOPICS_KEY, DemoTopics.from_json)
                  or DemoTopics.for_contract(contract))
        layout = topics.resolve(contract)
        joints = (cfg.joint_names
                  or _stored(custom, JOINTS_KEY, lambda s: tuple(json.loads(s)))
                  or contract.command.joints)
        _check_joints(contract, joints)
        if cfg.actions == 'next_positions' and contract.command.interface != 'position':
            raise ValueError(f'actions=next_positions: {contract.name} commands '
                             f'{contract.command.interface}, not positions')
    except ValueError as e:
        raise BagError(path, str(e)) from None
    roles = layout.roles
    raw = open_bag(path, set(layout.by_topic) | {MARK_TOPIC})
    builder = _StreamBuilder(contract, layout, joints, cfg.actions)
    try:
        _, counts, undecodable = _decode(path, raw, layout, builder)
    except _ReadFailed as e:  # rosbags opened the bag but failed inside it: scan instead
        raw = _open_scan(path, set(layout.by_topic) | {MARK_TOPIC},
                         f'rosbags cannot read it ({e})')
        builder = _StreamBuilder(contract, layout, joints, cfg.actions)
        _, counts, undecodable = _decode(path, raw, layout, builder)
    report = BagReport(path, raw.storage, robot=contract.name, topics=roles,
                       undecodable=len(undecodable))
    report.contract = contract
    report.reader = raw.reader
    report.messages = {topic: counts.get(topic, 0) for topic in dict.fromkeys(roles.values())}
    problems = list(raw.problem)
    if undecodable:
        topic, t = undecodable[0]
        files = ', '.join(p.name for p in _storage_files(path))
        problems.append(f'{len(undecodable)} messages did not deserialise (first: {topic} at '
                        f'log time {t * 1e-9:.3f} s) in {files}')
    for i, (b, topic) in enumerate(zip(contract.observation, layout.observation)):
        lost = builder.skipped.get(f'obs{i}') and not builder.rows[f'obs{i}'][0]
        if b.kind == 'joints' and lost:
            raise BagError(path, f'joint names {list(builder.block_joints[i])} ({b.field}) '
                                 f'not in {topic} (names seen: '
                                 f'{sorted(map(list, builder.seen_names))})')
    report.problem = '; '.join(problems)
    report.frame_times = {i: np.asarray(t, np.int64) for i, t in builder.frame_times.items()}
    return builder.streams(), report


def _attach_frames(path: Path, report: BagReport, episodes: list[Episode]) -> dict[str, int]:
    """The second pass over a bag with cameras: the frames its episodes hold."""
    topics = {i: report.topics[f'observation[{i}]'] for i in report.frame_times}
    raw = open_bag(path, set(topics.values()))
    decoder = _Decoder(raw.msgdefs)
    return attach_frames(report.contract, topics, report.frame_times, episodes, raw.messages,
                         lambda data, topic: decoder(data, raw.types[topic]))


def bag_contract(env: str, custom: dict[str, str], closed: bool = True) -> RobotContract:
    """The contract a bag is read as: ``env`` if given, else the one the recorder stored.

    There is no default robot: a bag read as another robot's fails far from the cause.
    ``closed``: the bag has its ``metadata.yaml`` (a crashed recording lost what it stored).
    """
    if env:
        return get_contract(env)
    stored = _stored(custom, ROBOT_KEY, lambda s: RobotContract.from_dict(json.loads(s),
                                                                          'bag contract'))
    if stored is not None:
        return stored
    name = _stored(custom, ENV_KEY, str)
    if not name and not closed:
        raise ValueError('no metadata.yaml: the recording was not closed, and the robot it '
                         'stored is lost with it: give --robot (its contract or a shipped '
                         'name) to read what was flushed')
    if not name:
        raise ValueError('the bag names no robot (a plain `ros2 bag record` bag): give its '
                         'contract, --robot my_robot.yaml (README: Bring your own robot)')
    return get_contract(name)


def _check_joints(contract, joints: tuple[str, ...]) -> None:
    if len(joints) != contract.act_dim:
        raise ValueError(f'joint names {list(joints)} must name the {contract.act_dim} commanded '
                         f'joints of {contract.name} ({list(contract.command.joints)}), in order')


def _stored(custom: dict[str, str], key: str, parse):
    """A value the recorder stored in ``custom_data``, or None if absent or unreadable."""
    try:
        return parse(custom[key]) if custom.get(key) else None
    except (ValueError, TypeError):
        log.warning('ignoring unreadable custom_data %s: %r', key, custom[key])
        return None


def _check_types(path: Path, types: dict[str, str], layout: TopicLayout) -> None:
    for topic, msgtype in types.items():
        if topic not in layout.types:
            continue  # not a demonstration role (the ``lwd mark`` labels)
        want = layout.types[topic]
        if msgtype != want:
            raise BagError(path, f'{topic} has type {msgtype}, expected {want} for the '
                                 f'{layout.by_topic[topic]} role')


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
    if report.frame_times and episodes:
        report.frames = _attach_frames(path, report, episodes)
    report.episodes, report.steps = len(episodes), sum(map(len, episodes))
    if report.problem:
        if not cfg.salvage or not episodes:
            raise BagError(path, report.problem, report.salvaged(), partial=(episodes, report))
        log.warning('%s: %s; using what was salvaged: %s', path, report.problem,
                    report.salvaged())
    return episodes, report
