# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""What a sim bridge shows RViz and Foxglove: a ``MarkerArray`` on ``viz/markers``.

Shapes are built ROS-free (``Shape``: plain tuples, metres in the bridge's ``frame_id``), so
what a robot looks like is testable without a graph; ``marker_array`` is the one place that
makes messages of them, and ``MarkerPublisher`` the one place that decides when to publish.

From a robot contract (``contract_shapes``): each block's kind draws it (``ObsKind.shape``:
a ``point`` is a sphere, a ``pose`` an arrow along its rotation's x axis, a ``pose2d`` a flat
box turned by its yaw; namespace = the block's entry prefix, id = the block's index);
``status_text`` is a text marker above them with the task and the episode, step and outcome.
Joints and vectors have no place in the world frame without a robot model, so they draw
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
import math
import time

import numpy as np
from visualization_msgs.msg import Marker, MarkerArray

from lwd_ros.contract import RobotContract
from lwd_ros.observations import get_kind
from lwd_ros.ros.qos import RELIABLE

TOPIC = 'viz/markers'  # relative: a namespaced robot's markers stay in its namespace
PERIOD_S = 0.1  # at most 10 Hz of wall time, whatever the real-time factor
STATUS_NS = 'status'  # the text marker's namespace (``lwd view`` anchors its own text to it)
TEXT_HEIGHT = 0.04  # m, of a capital letter
TEXT_ABOVE = 0.15  # m above the highest shape
PALETTE = ((0.90, 0.30, 0.20, 1.0), (0.20, 0.60, 0.90, 1.0), (0.30, 0.80, 0.30, 1.0),
           (0.95, 0.75, 0.10, 1.0), (0.70, 0.40, 0.90, 1.0), (0.50, 0.50, 0.50, 1.0))
WHITE = (1.0, 1.0, 1.0, 1.0)
TYPES = {'arrow': Marker.ARROW, 'cube': Marker.CUBE, 'sphere': Marker.SPHERE,
         'cylinder': Marker.CYLINDER, 'line_strip': Marker.LINE_STRIP,
         'text': Marker.TEXT_VIEW_FACING}

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Shape:
    """One marker, ROS-free.

    Args:
        kind: a key of ``TYPES``.
        ns: marker namespace (RViz lists and toggles shapes by it).
        id: id within ``ns``; a later shape with the same ``(ns, id)`` replaces it.
        position: centre (text: anchor), m.
        orientation: quaternion ``(x, y, z, w)``.
        scale: size, m (sphere/box/cylinder: extents; arrow: shaft and head diameter, head
            length; line strip: ``x`` = line width; text: ``z`` = letter height).
        color: ``(r, g, b, a)`` in [0, 1].
        points: arrow (start, end) or line strip vertices, m.
        text: what a text marker says.
    """

    kind: str
    ns: str
    id: int = 0
    position: Vec3 = (0.0, 0.0, 0.0)
    orientation: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 1.0)
    scale: Vec3 = (1.0, 1.0, 1.0)
    color: tuple[float, float, float, float] = WHITE
    points: tuple[Vec3, ...] = ()
    text: str = ''

    def __post_init__(self):
        if self.kind not in TYPES:
            raise ValueError(f'{self.kind=} is not one of {sorted(TYPES)}')


def contract_shapes(contract: RobotContract, blocks: Sequence[np.ndarray]) -> list[Shape]:
    """One shape per block of ``contract`` its kind draws, at its values ``blocks``."""
    shapes = []
    for i, (b, v) in enumerate(zip(contract.observation, blocks)):
        shape = get_kind(b.kind).shape(b, v)
        if shape is not None:
            shapes.append(Shape(ns=b.names[0].rsplit('_', 1)[0], id=i,
                                color=PALETTE[i % len(PALETTE)], **shape))
    return shapes


def status_text(task: str, episode: int, step: int, success: bool, done: bool,
                above: Sequence[Shape] = (), extra: str = '') -> Shape:
    """The episode in words, ``TEXT_ABOVE`` over the highest of ``above`` (the origin if none)."""
    points = [s.position for s in above] + [p for s in above for p in s.points]
    if points:
        xyz = np.asarray(points, float)
        x, y = xyz[:, :2].mean(0)
        position = (float(x), float(y), float(xyz[:, 2].max()) + TEXT_ABOVE)
    else:
        position = (0.0, 0.0, TEXT_ABOVE)
    outcome = 'SUCCESS' if success else ('timeout' if done else '')
    words = [task, f'episode {episode}', f'step {step}', extra, outcome]
    return Shape('text', STATUS_NS, 0, position, scale=(0.0, 0.0, TEXT_HEIGHT),
                 text='  '.join(w for w in words if w))


def episode_shapes(contract: RobotContract, blocks: Sequence[np.ndarray], state) -> list[Shape]:
    """``contract_shapes`` and, above them, the ``status_text`` of an ``EpisodeState``."""
    shapes = contract_shapes(contract, blocks)
    return [*shapes, status_text(state.task, state.episode, state.step, state.success,
                                 state.done, shapes)]


def marker_array(shapes: Sequence[Shape], frame_id: str, stamp=None) -> MarkerArray:
    """``shapes`` as ``visualization_msgs/MarkerArray`` (added, no lifetime, in ``frame_id``)."""
    markers = []
    for s in shapes:
        m = Marker(ns=s.ns, id=s.id, type=TYPES[s.kind], action=Marker.ADD, text=s.text)
        m.header.frame_id = frame_id
        if stamp is not None:
            m.header.stamp = stamp
        # float() each value: rclpy takes an int for a float64 field and serialises its bits
        p, o = m.pose.position, m.pose.orientation
        p.x, p.y, p.z = map(float, s.position)
        o.x, o.y, o.z, o.w = map(float, s.orientation)
        m.scale.x, m.scale.y, m.scale.z = map(float, s.scale)
        m.color.r, m.color.g, m.color.b, m.color.a = map(float, s.color)
        m.points = [type(p)(x=float(x), y=float(y), z=float(z)) for x, y, z in s.points]
        markers.append(m)
    return MarkerArray(markers=markers)


class MarkerPublisher:
    """``viz/markers`` of one bridge: at most every ``period`` wall s, only when someone listens.

    ``publish(build, stamp)`` calls ``build()`` (the shapes) only when a message goes out, so
    a bridge ticking at 100x real time pays for markers ten times a wall second, and nothing
    while no RViz or ``lwd view`` is subscribed. Reliable QoS: what RViz subscribes with.
    """

    def __init__(self, node, frame_id: str, period: float = PERIOD_S):
        self.pub = node.create_publisher(MarkerArray, TOPIC, RELIABLE)
        self.frame_id, self.period = frame_id, period
        self._last = -math.inf

    def publish(self, build: Callable[[], Sequence[Shape]], stamp, force: bool = False) -> bool:
        """Publish ``build()`` if due (or ``force``: an episode's end is never skipped)."""
        now = time.monotonic()
        due = force or now - self._last >= self.period
        if not due or not self.pub.get_subscription_count():
            return False
        self._last = now
        self.pub.publish(marker_array(build(), self.frame_id, stamp))
        return True
