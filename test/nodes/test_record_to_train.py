# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Demonstrations through ROS, end to end: record -> bag -> dataset -> a trained model.

``lwd launch pusht_record`` runs the bridge, the MPC expert teleoperator (with DART noise on
what it executes) and the recorder as real processes while this test listens to the same
topics. The bag is read back with the
independent ``mcap`` reader, converted with ``lwd bag2dataset`` and trained on with the tiny
config; every figure is checked against what the test itself heard being published.
"""

import json
import subprocess
import time

from conftest import REPO
import numpy as np
import pytest
import yaml

from lwd_ros.observations.pose2d import yaw_from_quaternion
from lwd_ros.ros.qos import RELIABLE

EPISODES, SEED = 3, 11


def _lwd(python, *args, env, cwd, timeout=300):
    result = subprocess.run([python, '-m', 'lwd_ros', *map(str, args)], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _stamp(header) -> int:
    return header.stamp.sec * 1_000_000_000 + header.stamp.nanosec


def _listen(rclpy_context, proc, timeout):
    """What the graph publishes, heard from outside, until ``proc`` exits."""
    from geometry_msgs.msg import PoseStamped
    import rclpy
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.msg import EpisodeStatus
    # Best effort like the publishers, but a deep reader cache: this single-threaded
    # listener falls behind on a loaded machine, and depth 5 (sensor data) then drops most.
    listen = rclpy.qos.QoSProfile(depth=1000,
                                  reliability=rclpy.qos.ReliabilityPolicy.BEST_EFFORT)
    node = rclpy.create_node('record_listener', context=rclpy_context)
    executor = rclpy.executors.SingleThreadedExecutor(context=rclpy_context)
    executor.add_node(node)
    heard = {'joints': {}, 'pose': {}, 'commands': [], 'status': []}
    node.create_subscription(
        JointState, '/joint_states',
        lambda m: heard['joints'].__setitem__(_stamp(m.header), tuple(m.position)), listen)
    node.create_subscription(
        PoseStamped, '/pusht/object_pose',
        lambda m: heard['pose'].__setitem__(_stamp(m.header), (
            m.pose.position.x, m.pose.position.y, yaw_from_quaternion(
                m.pose.orientation.x, m.pose.orientation.y, m.pose.orientation.z,
                m.pose.orientation.w))), listen)
    node.create_subscription(Float64MultiArray, '/forward_position_controller/commands',
                             lambda m: heard['commands'].append(tuple(m.data)), listen)
    node.create_subscription(EpisodeStatus, '/pusht/episode', heard['status'].append, RELIABLE)
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        executor.spin_once(timeout_sec=0.05)
    # The graph has exited; take what still waits in the reader caches (one callback per
    # spin_once: a busy listener lags), until 0.3 s bring nothing new.
    total = lambda: sum(len(v) for v in heard.values())  # noqa: E731
    last, quiet_since, drain_end = total(), time.monotonic(), time.monotonic() + 10.0
    while time.monotonic() < drain_end and time.monotonic() - quiet_since < 0.3:
        executor.spin_once(timeout_sec=0.05)
        if total() != last:
            last, quiet_since = total(), time.monotonic()
    node.destroy_node()
    return heard


@pytest.mark.slow
def test_recorded_expert_demos_become_a_dataset_and_train(rclpy_context, ros_env, python,
                                                          tmp_path):
    from mcap.reader import make_reader
    from rclpy.serialization import deserialize_message
    from std_msgs.msg import Float64MultiArray

    from lwd_ros.data.bag_reader import bag_to_episodes
    from lwd_ros.data.minari_io import load_episodes
    from lwd_ros.msg import EpisodeStatus
    from lwd_ros.runtime.loader import load_generator
    bag, dataset, run = tmp_path / 'demos', tmp_path / 'dataset', tmp_path / 'run'
    launch = subprocess.Popen(
        [python, '-m', 'lwd_ros', 'launch', 'pusht_record', f'episodes:={EPISODES}',
         f'seed:={SEED}', 'real_time_factor:=2.0', f'output:={bag}', 'action_noise:=0.02',
         '--timeout', '240'],
        env=ros_env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        heard = _listen(rclpy_context, launch, 260)
        out = launch.communicate(timeout=60)[0]
    finally:
        if launch.poll() is None:
            launch.kill()
    assert launch.returncode == 0, out[-4000:]
    finished = [s for s in heard['status'] if s.done]
    assert [s.seed for s in finished] == [SEED + i for i in range(EPISODES)], out[-4000:]

    # The bag, read by an independent reader: every topic there, times increasing, and every
    # marker this test heard stored (the recorder joined earlier than this listener).
    with open(bag / f'{bag.name}.mcap', 'rb') as f:
        written = [(c.topic, m.log_time, m.publish_time, m.data)
                   for _, c, m in make_reader(f).iter_messages(log_time_order=False)]
    stored = sorted(((topic, t, data) for topic, t, _, data in written), key=lambda m: m[1])
    # Log times are the wall clock (the bag says when it was recorded, not 1970), each
    # topic's in the order written; the sim time the conversion uses is stored beside them.
    info = yaml.safe_load((bag / 'metadata.yaml').read_text())['rosbag2_bagfile_information']
    assert abs(info['starting_time']['nanoseconds_since_epoch'] * 1e-9 - time.time()) < 600
    assert info['custom_data']['lwd_ros.sim_time'] == 'publish_time'
    for topic in ('/joint_states', '/pusht/object_pose', '/pusht/episode',
                  '/forward_position_controller/commands',
                  '/lwd/intended_command'):  # nobody publishes /lwd/task here
        times = [t for name, t, _, _ in written if name == topic]
        assert times and times == sorted(times), topic
        sim = [s for name, _, s, _ in written if name == topic]
        assert max(sim) < 3600e9, topic  # sim time, from 0 at the bridge's start
    markers = [deserialize_message(d, EpisodeStatus) for name, _, d in stored
               if name == '/pusht/episode']
    assert {(s.episode, s.step, _stamp(s.header)) for s in heard['status']} <= {
        (s.episode, s.step, _stamp(s.header)) for s in markers}
    commands = np.array([deserialize_message(d, Float64MultiArray).data for name, _, d in stored
                         if name == '/forward_position_controller/commands'])
    intended = np.array([deserialize_message(d, Float64MultiArray).data for name, _, d in stored
                         if name == '/lwd/intended_command'])
    in_bag = {tuple(c) for c in commands}  # best effort, like a teleop stream: nearly all
    assert sum(tuple(c) in in_bag for c in heard['commands']) >= 0.95 * len(heard['commands'])

    summary = json.loads(_lwd(python, 'bag2dataset', bag, '--out', dataset, '--no-progress',
                              env=ros_env, cwd=REPO).stdout)
    assert summary['episodes'] == EPISODES and summary['step_period_s'] == pytest.approx(0.1)
    episodes = load_episodes(dataset)
    assert [(e.task, e.success) for e in episodes] == [(s.task, s.success) for s in finished]
    # Commands carry no stamp: their log time is the recorder's clock, so on a loaded machine
    # a leading step or two can be trimmed, and a trimmed episode no longer has its seed.
    assert all(e.seed in (s.seed, None) for e, s in zip(episodes, finished))
    # The dataset holds what the converter produced (it stores no timestamps: take those
    # from the in-process conversion of the same bag).
    converted, _ = bag_to_episodes(bag)
    for ep, conv in zip(episodes, converted, strict=True):
        np.testing.assert_allclose(ep.observations, conv.observations, atol=1e-6)
        np.testing.assert_allclose(ep.actions, conv.actions, atol=1e-6)
    heard_from = min(heard['joints'], default=0)
    compared = 0
    for ep, last in zip(converted, finished):
        # One step per marker of the episode, one observation more than actions, 0.1 s of
        # sim time apart. The sim waits at every reset for the expert's first command (on a
        # loaded machine the MPC can take seconds to plan it), so nothing of the episode is
        # lost: at most a leading step or two, by the recorder's clock, has no command yet.
        by_step = {s.step: s for s in markers if s.episode == last.episode}  # step 0 repeats
        assert sorted(by_step) == list(range(last.step + 1))  # no marker lost
        ep_markers = [by_step[k] for k in sorted(by_step)]
        assert last.step - 2 <= len(ep) <= last.step, (len(ep), last.step)
        np.testing.assert_allclose(np.diff(ep.timestamps), 0.1, atol=1e-6)
        # Observations are the very joint states and poses published at the markers'
        # stamps (the bridge stamps all three alike); trimmed steps are leading ones.
        stamps = [_stamp(s.header) for s in ep_markers]
        k = len(stamps) - len(ep.observations)
        assert 0 <= k <= 2
        np.testing.assert_allclose(ep.timestamps, (np.array(stamps[k:]) - stamps[k]) * 1e-9,
                                   atol=1e-6)
        # The outside listener hears nothing until DDS discovery has matched it (seconds,
        # on a loaded machine): compare the steps from its first sample on.
        audible = [(ns, obs) for ns, obs in zip(stamps[k:], ep.observations)
                   if ns >= heard_from]
        # Sensor topics are best effort: under load the recorder too may lose the message of
        # a marker's stamp; the step then holds the newest one before it, within the step.
        matched = 0
        for ns, obs in audible:
            if ns in heard['joints'] and ns in heard['pose']:  # best effort: may miss some
                joints = _heard_within(heard['joints'], ns, obs[:2])
                pose = _heard_within(heard['pose'], ns, obs[2:4], columns=slice(0, 2))
                assert joints is not None and pose is not None, (ns, obs, heard['joints'][ns])
                yaw = heard['pose'][pose][2]
                assert abs(np.angle(np.exp(1j * (obs[4] - yaw)))) < 1e-5
                matched += joints == pose == ns
        assert matched >= 0.5 * len(audible), (matched, len(audible), len(ep.observations))
        compared += matched
        # Actions are the clean targets the expert published beside its noisy commands,
        # exactly (as stored in the bag); the robot executed something else.
        for a in ep.actions:
            assert (np.abs(intended - a).max(1) < 1e-6).any(), f'{a} was never meant'
        executed = [(np.abs(commands - a).max(1) < 1e-6).any() for a in ep.actions]
        assert sum(executed) <= 0.1 * len(ep.actions)
    assert compared >= 20, f'only {compared} observations compared with what was published'

    # A tiny model trains on it and generates well-formed policies for its observations.
    _lwd(python, 'train', '--config', 'config/train/pusht_tiny.yaml', '--dataset', dataset,
         '--out', run, '--no-progress', 'train.vae_steps=200', 'train.diffusion_steps=200',
         'train.val_every=20', 'data.val_fraction=0.34', env=ros_env, cwd=REPO)
    log = [json.loads(line) for line in (run / 'train_log.jsonl').read_text().splitlines()]
    recon = [r['recon'] for r in log if r['stage'] == 'vae']  # training batches (3 episodes
    assert np.mean(recon[-3:]) < 0.5 * np.mean(recon[:2])  # are too few to generalise)
    generator = load_generator(run, backend='torch')
    policy = generator.generate(episodes[0].observations[0], episodes[0].task,
                                np.random.default_rng(0))
    action = policy.policy().act(episodes[0].observations[0])
    assert action.shape == (2,) and np.isfinite(action).all()


def _heard_within(series, ns, value, columns=slice(None)):
    """The stamp of the message heard at ``ns`` or in the 0.1 s before it that holds ``value``.

    None when none does: the step holds something that was never published then.
    """
    for t in sorted((t for t in series if ns - 100_000_000 < t <= ns), reverse=True):
        if np.allclose(np.asarray(series[t])[columns], value, atol=1e-6):
            return t
    return None
