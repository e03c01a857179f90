# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Image PushT: PushT's gantry with a camera in place of the T's pose (issue 35, item 5)."""

from lwd_ros.contract import get_contract
from lwd_ros.observations import get_kind
from lwd_ros.observations.image import features_topic, key


def test_the_image_robot_is_pushts_gantry_with_a_camera_for_the_t():
    robot, pusht = get_contract('pusht_image'), get_contract('pusht')
    joints, cam = robot.observation
    assert joints == pusht.observation[0]  # the same gantry joints, names, units
    assert get_kind(cam.kind).frames and cam.msg_type == 'sensor_msgs/msg/Image'
    assert (cam.topic, key(cam), features_topic(cam)) == ('camera/image_raw', 'cam',
                                                          'features/cam')
    assert (cam.image_size, cam.encoding, cam.features) == ((96, 96), 'rgb8', 64)
    assert robot.obs_names == ('agent_x', 'agent_y', *(f'cam_f{i}' for i in range(64)))
    assert not any(n.startswith('block') for n in robot.obs_names) and not robot.angles
    assert robot.frame_points == (('agent_x', 'agent_y'),) and robot.frame_dims == ((0, 1),)
    for same in ('command', 'tasks', 'policy_rate', 'control_rate', 'action_points',
                 'episode_topic', 'reset_service', 'success'):
        assert getattr(robot, same) == getattr(pusht, same), same
