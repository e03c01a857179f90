# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Each observation kind reads back what it writes, through real ROS messages.

The sim bridges publish with ``fill`` and every node and the bag converter read with
``read``: a kind whose two halves disagree would train on one thing and run on another.
"""

import math

import numpy as np
import pytest

from lwd_ros.contract import ContractError, ObsBlock
from lwd_ros.observations import KINDS, get_kind
from lwd_ros.observations.kind import ObsKind
from lwd_ros.observations.pose import rotation_columns
from lwd_ros.ros.observation_topics import message_class

Q = (0.1, -0.2, 0.3, 0.9)
Q = tuple(c / math.sqrt(sum(x * x for x in Q)) for c in Q)
BLOCKS = {
    'joints': (ObsBlock('joints', 'joint_states', joints=('a', 'b')), [0.5, -1.0]),
    'pose2d': (ObsBlock('pose2d', 'object_pose', prefix='t'), [0.2, -0.1, 5.5]),
    'point': (ObsBlock('point', 'goal', prefix='g'), [0.1, 0.2, 0.3]),
    'pose': (ObsBlock('pose', 'ee', prefix='ee'), [0.1, 0.2, 0.3, *rotation_columns(*Q)]),
    'vector': (ObsBlock('vector', 'grip', names=('w',)), [0.07]),
}


def test_every_registered_kind_is_exercised_here():
    # camera frames are rendered, not filled from numbers: test_image_kind.py covers them
    assert set(BLOCKS) == {name for name, kind in KINDS.items() if not kind.frames}


@pytest.mark.parametrize('name', sorted(BLOCKS))
def test_a_kind_reads_back_the_message_it_fills(name):
    block, values = BLOCKS[name]
    kind = get_kind(name)
    for msg_type in kind.msg_types:
        block = ObsBlock(**{**block.__dict__, 'msg_type': msg_type})
        msg = message_class(msg_type)()
        kind.fill([block], [np.asarray(values)], msg)
        np.testing.assert_allclose(kind.read(block, msg), values, atol=1e-6)
        assert len(values) == kind.size(block) == len(block.names) == len(block.units)


def test_joints_on_one_topic_share_one_message():
    pos = ObsBlock('joints', 'js', joints=('a', 'b'))
    vel = ObsBlock('joints', 'js', joints=('b',), field='velocity')
    msg = message_class(pos.msg_type)()
    get_kind('joints').fill([pos, vel], [[1.0, 2.0], [3.0]], msg)
    assert list(msg.name) == ['a', 'b'] and list(msg.velocity) == [0.0, 3.0]
    assert get_kind('joints').read(vel, msg) == [3.0]


def test_a_message_a_kind_cannot_read_is_refused():
    pose2d, _ = BLOCKS['pose2d']
    msg = message_class(pose2d.msg_type)()
    msg.pose.orientation.w = 0.0  # an all-zero quaternion: no rotation, no yaw
    assert get_kind('pose2d').read(pose2d, msg) is None
    vector, _ = BLOCKS['vector']
    assert get_kind('vector').read(vector, message_class(vector.msg_type)(data=[1.0, 2.0])) \
        is None


def test_an_unknown_kind_is_refused_naming_the_known_ones():
    with pytest.raises(ContractError, match="kind 'camera' is not one of .*pose2d"):
        ObsBlock('camera', 'image')


def test_a_new_kind_is_one_class_and_one_registry_entry(monkeypatch):
    class Range(ObsKind):
        name, msg_types, suffixes, units = 'range', ('sensor_msgs/msg/Range',), ('r',), ('m',)

        def read(self, block, msg):
            return [msg.range]

    monkeypatch.setitem(KINDS, 'range', Range())
    block = ObsBlock('range', 'sonar', prefix='sonar')
    assert block.names == ('sonar_r',) and block.msg_type == 'sensor_msgs/msg/Range'
    assert get_kind('range').read(block, message_class(block.msg_type)(range=1.5)) == [1.5]
