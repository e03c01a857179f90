# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""viz/markers: shapes from robot contracts, their messages, and the bridges that publish them.

The builder is checked on every contract with points or poses (and a toy contract given a pose
and a pose2d block); the bridge with the toy's and PushT's shapes as real node processes,
whose markers must arrive at most ~10 Hz wall however fast the sim runs.
"""

import math
import time

import numpy as np
import pytest

from lwd_ros.contract import RobotContract, get_contract
from lwd_ros.observations.pose import ARROW_LENGTH
from lwd_ros.observations.pose2d import quaternion_from_yaw
from lwd_ros.ros.markers import (
    STATUS_NS,
    TEXT_ABOVE,
    Shape,
    contract_shapes,
    marker_array,
    status_text,
)


def _blocks(contract, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, len(b.names)) for b in contract.observation]


@pytest.mark.parametrize('robot', ['mt10', 'arm7'])
def test_every_point_block_is_a_sphere_at_its_values(robot):
    contract = get_contract(robot)
    blocks = _blocks(contract)
    shapes = contract_shapes(contract, blocks)
    points = [i for i, b in enumerate(contract.observation) if b.kind == 'point']
    assert [s.id for s in shapes] == points and {s.kind for s in shapes} == {'sphere'}
    for s in shapes:
        np.testing.assert_allclose(s.position, blocks[s.id][:3])
        assert s.ns == contract.observation[s.id].names[0].rsplit('_', 1)[0]
    msg = marker_array(shapes, 'world')
    assert [m.type for m in msg.markers] == [msg.markers[0].SPHERE] * len(points)
    for m, s in zip(msg.markers, shapes):
        p = m.pose.position
        assert (p.x, p.y, p.z) == s.position and m.header.frame_id == 'world'
        assert (m.ns, m.id, m.action) == (s.ns, s.id, m.ADD) and m.scale.x > 0 and m.color.a > 0


def test_mt10_names_hand_object_and_goal():
    shapes = contract_shapes(get_contract('mt10'), _blocks(get_contract('mt10')))
    assert [s.ns for s in shapes] == ['hand', 'obj', 'goal']


def test_a_pose_is_an_arrow_along_its_x_axis_and_a_pose2d_a_box_turned_by_its_yaw():
    data = get_contract('toy').to_dict()
    data['observation'] = [*data['observation'],
                           {'kind': 'pose', 'topic': 'tool_pose', 'prefix': 'tool'},
                           {'kind': 'pose2d', 'topic': 'cart_pose', 'prefix': 'cart'}]
    contract = RobotContract.from_dict(data)
    rot = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # x axis -> world +y
    pose = np.array([0.1, 0.2, 0.3, *rot[:, 0], *rot[:, 1]])
    arrow, box = contract_shapes(contract, [np.zeros(2), pose, np.array([0.5, -0.5, 1.0])])
    assert (arrow.kind, arrow.ns, arrow.id, box.kind, box.ns, box.id) == (
        'arrow', 'tool', 1, 'cube', 'cart', 2)
    np.testing.assert_allclose(arrow.points, [[0.1, 0.2, 0.3], [0.1, 0.2 + ARROW_LENGTH, 0.3]])
    np.testing.assert_allclose(box.position[:2], [0.5, -0.5])
    np.testing.assert_allclose(box.orientation, quaternion_from_yaw(1.0))
    arrow_msg, box_msg = marker_array([arrow, box], 'map').markers
    assert (arrow_msg.type, box_msg.type) == (arrow_msg.ARROW, box_msg.CUBE)
    assert [(p.x, p.y, p.z) for p in arrow_msg.points] == list(arrow.points)
    assert math.isclose(box_msg.pose.orientation.w, math.cos(0.5))


def test_joints_only_contracts_draw_only_the_status_text():
    contract = get_contract('toy')
    assert contract_shapes(contract, _blocks(contract)) == []
    text = status_text('high', 3, 7, False, False)
    assert (text.kind, text.ns, text.position) == ('text', STATUS_NS, (0.0, 0.0, TEXT_ABOVE))
    assert text.text == 'high  episode 3  step 7'


def test_status_text_floats_above_the_shapes_and_says_the_outcome():
    shapes = [Shape('sphere', 'a', 0, (0.0, 1.0, 0.2)), Shape('sphere', 'b', 1, (1.0, 0.0, 0.5))]
    text = status_text('reach', 2, 40, True, True, shapes, extra='coverage 0.97')
    np.testing.assert_allclose(text.position, [0.5, 0.5, 0.5 + TEXT_ABOVE])
    assert text.text == 'reach  episode 2  step 40  coverage 0.97  SUCCESS'
    assert status_text('reach', 2, 40, False, True).text.endswith('timeout')
    msg = marker_array([text], 'world').markers[0]
    assert (msg.type, msg.text, msg.scale.z) == (msg.TEXT_VIEW_FACING, text.text, text.scale[2])


def test_integer_values_become_floats_in_the_message():
    # rclpy accepts an int for a float64 field and serialises garbage: marker_array converts.
    from rclpy.serialization import deserialize_message, serialize_message
    from visualization_msgs.msg import MarkerArray

    msg = marker_array([Shape('line_strip', 'l', 0, (1, 2, 3), points=((1, 2, 3), (4, 5, 6)))],
                       'world')
    back = deserialize_message(serialize_message(msg), MarkerArray).markers[0]
    assert (back.pose.position.x, back.points[1].z) == (1.0, 6.0)


def test_unknown_shape_kind_is_refused():
    with pytest.raises(ValueError, match='kind'):
        Shape('teapot', 'x')


def test_pusht_shapes_outline_the_block_and_goal_and_place_the_pusher():
    from lwd_ros.envs.pusht.geometry import AGENT_RADIUS, T_OUTLINE, to_world
    from lwd_ros.envs.pusht.markers import pusht_shapes
    from lwd_ros.envs.runner import EpisodeState

    block, goal = np.array([0.2, 0.3, 0.5]), np.array([0.256, 0.256, np.pi / 4])
    state = EpisodeState(seed=1, task='classic', episode=2, step=5, coverage=0.5)
    shapes = {s.ns: s for s in pusht_shapes(block, goal, (0.1, 0.4), state)}
    assert set(shapes) == {'block', 'goal', 'pusher', STATUS_NS}
    for ns, pose in (('block', block), ('goal', goal)):
        outline = np.asarray(shapes[ns].points)
        assert shapes[ns].kind == 'line_strip' and len(outline) == len(T_OUTLINE) + 1
        np.testing.assert_allclose(outline[:-1, :2], to_world(pose, T_OUTLINE))
        np.testing.assert_allclose(outline[-1], outline[0])  # closed
    pusher = shapes['pusher']
    assert pusher.kind == 'cylinder' and pusher.position[:2] == (0.1, 0.4)
    assert pusher.scale[0] == pytest.approx(2 * AGENT_RADIUS)
    assert 'classic  episode 2  step 5  coverage 0.50' == shapes[STATUS_NS].text


def _watch_markers(rclpy_context, bridge, seconds):
    """The /viz/markers messages and their wall arrival times, for ``seconds`` once begun."""
    from nodes_util import spin_until
    import rclpy
    from visualization_msgs.msg import MarkerArray

    from lwd_ros.ros.qos import RELIABLE

    node = rclpy.create_node('marker_watcher', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    got = []
    node.create_subscription(MarkerArray, '/viz/markers',
                             lambda m: got.append((time.monotonic(), m)), RELIABLE)
    assert spin_until(executor, lambda: got, 30, [bridge])
    start = time.monotonic()
    spin_until(executor, lambda: time.monotonic() - start > seconds, seconds + 5, [bridge])
    node.destroy_node()
    return [(t, m) for t, m in got if t >= start]


def test_shared_bridge_publishes_the_status_text_at_most_10_hz(rclpy_context, ros_env):
    from nodes_util import spawn, stop

    # 20x real time at 10 Hz policy steps: 200 ticks a wall second, each publishing its state
    bridge = spawn('mujoco_bridge', ros_env, files=(), params={'robot': 'toy'},
                   real_time_factor=20.0, seed=3)
    try:
        got = _watch_markers(rclpy_context, bridge, 2.0)
    finally:
        out, = stop(bridge)
    assert 10 <= len(got) <= 23, out  # ~10 Hz wall (2 s), not 200 Hz
    marker, = got[-1][1].markers  # the toy has no point or pose: only the text
    assert (marker.ns, marker.type, marker.header.frame_id) == (
        STATUS_NS, marker.TEXT_VIEW_FACING, 'world')
    assert marker.text == 'high  episode 1  step 0'  # waiting for its first command


def test_pusht_bridge_publishes_the_ts_and_the_pusher(rclpy_context, ros_env):
    from nodes_util import spawn, stop

    bridge = spawn('mujoco_bridge', ros_env, real_time_factor=5.0, seed=3)
    try:
        got = _watch_markers(rclpy_context, bridge, 1.0)
    finally:
        out, = stop(bridge)
    assert 5 <= len(got) <= 13, out
    markers = {m.ns: m for m in got[-1][1].markers}
    assert set(markers) == {'block', 'goal', 'pusher', STATUS_NS}
    assert markers['block'].type == markers['block'].LINE_STRIP
    assert len(markers['goal'].points) == 9
    assert markers[STATUS_NS].text.startswith('classic  episode 1  step 0')


@pytest.mark.parametrize('env', ['pusht', 'mt10', 'arm7'])
def test_rviz_config_shows_the_markers_in_the_world_frame(env):
    from conftest import REPO
    import yaml

    config = yaml.safe_load((REPO / 'config' / 'rviz' / f'{env}.rviz').read_text())
    manager = config['Visualization Manager']
    assert manager['Global Options']['Fixed Frame'] == 'world'
    display, = [d for d in manager['Displays']
                if d['Class'] == 'rviz_default_plugins/MarkerArray']
    assert display['Topic']['Value'] == '/viz/markers' and display['Enabled']
    assert display['Topic']['Reliability Policy'] == 'Reliable'  # the bridges' QoS
    assert manager['Views']['Current']['Class'].startswith('rviz_default_plugins/')
