# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A robot lwd_ros has never seen: one YAML file and a bag, zero lines of Python.

The test writes a contract for a 3-joint arm (positions and velocities on JointState, a
target on PointStamped, a tool pose on PoseStamped, a constant vector, joint_trajectory_
controller commands), then a bag as ``ros2 bag record`` of those topics would hold it: no
episode markers, no lwd_ros metadata, episodes told apart by resets and task switches. It
goes through ``lwd bag2dataset --robot``, ``lwd train`` (tiny) and into the controller, which
must accept the generated policy and command finite joint targets within the limits.
"""

import json

from new_robot_scene import CONTRACT, JOINTS, STEPS, TASKS, stamped, write_demonstrations
import numpy as np
import pytest
from rclpy.serialization import serialize_message
from std_msgs.msg import Float64MultiArray
import yaml

from lwd_ros.cli import main as lwd_main
from lwd_ros.contract import ContractError, load_contract
from lwd_ros.data.bag_writer import BagRecorder
from lwd_ros.data.minari_io import load_episodes, read_metadata


def test_contract_errors_name_the_key(tmp_path):
    bad = dict(CONTRACT, command=dict(CONTRACT['command'], low=[-1.5] * 2))
    (tmp_path / 'bad.yaml').write_text(yaml.safe_dump(bad))
    with pytest.raises(ContractError, match=r'bad.yaml: command.low: .*one entry per joint'):
        load_contract(str(tmp_path / 'bad.yaml'))
    typo = dict(CONTRACT, observaton=[])
    (tmp_path / 'typo.yaml').write_text(yaml.safe_dump(typo))
    with pytest.raises(ContractError, match=r"unknown keys \['observaton'\]"):
        load_contract(str(tmp_path / 'typo.yaml'))
    kind = dict(CONTRACT, observation=[{'kind': 'lidar', 'topic': 'scan', 'names': ['r']}])
    (tmp_path / 'kind.yaml').write_text(yaml.safe_dump(kind))
    with pytest.raises(ContractError, match=r"observation\[0\].*kind 'lidar'"):
        load_contract(str(tmp_path / 'kind.yaml'))


def test_a_new_robot_goes_from_yaml_and_bag_to_a_running_policy(tmp_path, caplog):
    robot = tmp_path / 'lab_arm.yaml'
    robot.write_text(yaml.safe_dump(CONTRACT, sort_keys=False))
    contract = load_contract(str(robot))
    assert contract.obs_names[:6] == (*JOINTS, *(f'{j}_vel' for j in JOINTS))
    assert len(contract.obs_names) == 6 + 3 + 9 + 1
    write_demonstrations(tmp_path / 'bag')
    # `ros2 bag info` shows who wrote it: a distro, as `ros2 bag record` says
    assert 'ros_distro: kilted' in (tmp_path / 'bag' / 'metadata.yaml').read_text()

    # bag -> dataset, with no simulator anywhere
    out = tmp_path / 'ds'
    # --reset-jump: this arm moves up to 0.3 rad a step; homing jumps >= 0.8 rad
    assert lwd_main(['bag2dataset', str(tmp_path / 'bag'), '--robot', str(robot), '--out',
                     str(out), '--reset-jump', '0.4', '--no-progress',
                     '--json', str(tmp_path / 'b.json')]) == 0
    summary = json.loads((tmp_path / 'b.json').read_text())
    assert summary['episodes'] == 12 and summary['tasks'] == {'reach_left': 6, 'reach_right': 6}
    episodes = load_episodes(out)
    assert read_metadata(out)['lwd_ros']['robot']['name'] == 'lab_arm'
    ep = episodes[0]
    assert ep.observations.shape[1] == 19 and ep.actions.shape[1] == 3
    # actions are the trajectory points in contract order, one step after the state
    # no end marker: the episode runs until the homing jump (the arm rests at its goal)
    assert STEPS - 1 <= len(ep) <= STEPS + 2 and ep.task == 'reach_left'
    np.testing.assert_allclose(ep.observations[0, :3], 0.0)  # from home
    np.testing.assert_allclose(ep.actions[0], 0.3 * ep.actions[-1], atol=0.01)
    np.testing.assert_allclose(ep.observations[1:STEPS, :3], ep.actions[:STEPS - 1], atol=1e-6)
    # the tool pose arrives as a continuous rotation: its columns are unit vectors
    cols = ep.observations[:, 12:18]
    np.testing.assert_allclose(np.linalg.norm(cols[:, :3], axis=1), 1.0, atol=1e-5)

    # dataset -> checkpoint; the constant temperature is floored at the contract's 0.5 degC
    ckpt = tmp_path / 'ckpt'
    with caplog.at_level('WARNING'):
        assert lwd_main(['train', '--config', 'config/train/toy.yaml', '--dataset', str(out),
                         '--out', str(ckpt), '--no-progress', 'data.env=""',
                         'train.vae_steps=150', 'train.diffusion_steps=150',
                         'train.val_every=150', 'train.ckpt_every=150']) == 0
    assert 'temp (std 0, floored to 0.5)' in caplog.text
    meta = json.loads((ckpt / 'meta.json').read_text())
    assert meta['robot']['name'] == 'lab_arm' and meta['stats']['obs_std'][-1] == 0.5

    # checkpoint -> the controller of this robot, fed as its topics would feed it
    from lwd_ros.msg import PolicyWeights
    from lwd_ros.runtime.controller import ControllerConfig, Mode, PolicyController
    from lwd_ros.runtime.loader import load_generator
    from lwd_ros.runtime.policy_msg import fill_policy_msg

    gen = load_generator(ckpt)
    controller = PolicyController(ControllerConfig(robot=str(robot)))
    q = np.array([0.1, -0.1, 0.05])
    obs = controller.obs
    assert obs.update_joints(list(JOINTS), q, 0.0, 'arm/joint_states', velocities=[0.0] * 3)
    assert obs.update_pose((0.1, 0.0, 0.05), (0, 0, 0, 1), 0.0, 'target')
    assert obs.update_pose((0.3, 0.0, 0.0), (0, 0, 0, 1), 0.0, 'tool_pose')
    assert obs.update('gripper/temperature', Float64MultiArray(data=[35.2]), 0.0)  # 0.2 degC off
    policy = gen.generate(obs.observation()[None], 'reach_left', np.random.default_rng(0))
    msg = fill_policy_msg(PolicyWeights(), layer_sizes=policy.layer_sizes,
                          weights=policy.weights, activation=policy.activation,
                          task='reach_left', generation=1, generator_id='g',
                          obs_names=gen.feature_names, action_names=contract.action_names)
    controller.offer_policy(msg, 0.0)
    command, mode = controller.tick(0.01)
    assert mode is Mode.RUN and np.isfinite(command).all()
    assert np.all(command >= -1.5) and np.all(command <= 1.5)
    # it learnt to move towards the left goal, not somewhere arbitrary
    assert np.linalg.norm(command - (TASKS['reach_left'] + [0.1, 0.0, 0.05])) < \
        np.linalg.norm(q - (TASKS['reach_left'] + [0.1, 0.0, 0.05]))


def test_a_servo_arm_bag_converts_twist_and_gripper_into_actions(tmp_path):
    """MT10's contract (points as poses, a gripper joint, MoveIt Servo twist + gripper)."""
    from geometry_msgs.msg import PoseStamped, TwistStamped
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.contract import get_contract
    from lwd_ros.data.bag_reader import ConvertConfig, bag_to_episodes

    mt10 = get_contract('mt10')
    scale = mt10.command.twist_scale
    rec = BagRecorder(tmp_path / 'bag')
    for topic, msgtype in (('/ee_pose', 'geometry_msgs/msg/PoseStamped'),
                           ('/mt10/object_pose', 'geometry_msgs/msg/PoseStamped'),
                           ('/mt10/goal', 'geometry_msgs/msg/PoseStamped'),
                           ('/joint_states', 'sensor_msgs/msg/JointState'),
                           ('/servo_node/delta_twist_cmds', 'geometry_msgs/msg/TwistStamped'),
                           ('/gripper_controller/commands', 'std_msgs/msg/Float64MultiArray')):
        rec.add_topic(topic, msgtype)
    dt = int(1e9 / mt10.policy_rate)
    for k in range(20):
        t = 1_000_000_000 + k * dt
        for i, topic in enumerate(('/ee_pose', '/mt10/object_pose', '/mt10/goal')):
            pose = stamped(PoseStamped(), t)
            pose.pose.position.x, pose.pose.position.z = 0.01 * k + i, 0.2
            pose.pose.orientation.w = 1.0
            rec.write(topic, t + i, serialize_message(pose))
        rec.write('/joint_states', t + 5, serialize_message(stamped(
            JointState(name=['right_j0', 'gripper'], position=[0.0, 1.0 - 0.05 * k]), t)))
        twist = stamped(TwistStamped(), t)
        twist.twist.linear.x, twist.twist.linear.z = 0.5 * scale, -0.25 * scale
        rec.write('/servo_node/delta_twist_cmds', t + 1_000_000, serialize_message(twist))
        rec.write('/gripper_controller/commands', t + 1_000_100,
                  serialize_message(Float64MultiArray(data=[0.05 * k])))
    rec.close()
    episodes, report = bag_to_episodes(tmp_path / 'bag', ConvertConfig(
        robot='mt10', task='push-v3', grid='uniform', rate=mt10.policy_rate))
    assert len(episodes) == 1 and report.notes.grid == 'uniform'
    ep = episodes[0]
    assert ep.observations.shape[1] == 10 and ep.actions.shape[1] == 4
    np.testing.assert_allclose(ep.actions[:, :3], [[0.5, 0.0, -0.25]] * len(ep), atol=1e-6)
    # the gripper part is the newest gripper command when each step ends: the one sent
    # with the twist in response to that step's observation
    np.testing.assert_allclose(ep.actions[:, 3], 0.05 * np.arange(len(ep)), atol=1e-6)
    np.testing.assert_allclose(ep.observations[:, 3], 1.0 - 0.05 * np.arange(len(ep) + 1),
                               atol=1e-6)


def test_kinesthetic_teaching_learns_the_next_observed_positions(tmp_path):
    """No command topic (a leader-follower rig): actions are where the joints went next."""
    from lwd_ros.contract import RobotContract
    from lwd_ros.data.bag_reader import ConvertConfig, bag_to_episodes
    from lwd_ros.data.bags import BagError

    write_demonstrations(tmp_path / 'bag', episodes_per_task=1)
    (tmp_path / 'arm.yaml').write_text(yaml.safe_dump(CONTRACT))
    cfg = ConvertConfig(robot=str(tmp_path / 'arm.yaml'), actions='next_positions',
                        reset_jump=0.4, task='reach_left')
    episodes, _ = bag_to_episodes(tmp_path / 'bag', cfg)
    assert len(episodes) == 2
    for ep in episodes:  # action t = the joint positions observed at step t + 1
        np.testing.assert_allclose(ep.actions, ep.observations[1:, :3], atol=1e-6)
    velocity = dict(CONTRACT, command=dict(CONTRACT['command'], interface='velocity',
                                           msg_type='std_msgs/msg/Float64MultiArray'))
    (tmp_path / 'vel.yaml').write_text(yaml.safe_dump(velocity))
    RobotContract.from_dict(velocity)  # a valid contract, but not one positions can teach
    with pytest.raises(BagError, match='next_positions: lab_arm commands velocity'):
        bag_to_episodes(tmp_path / 'bag', ConvertConfig(robot=str(tmp_path / 'vel.yaml'),
                                                        actions='next_positions'))
