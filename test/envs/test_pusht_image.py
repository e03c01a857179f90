# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Image PushT: PushT's gantry with a camera in place of the T's pose (issue 35, item 5)."""

import numpy as np

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


def _block(**changes):
    from dataclasses import replace

    return replace(get_contract('pusht_image').observation[1], **changes)


def test_the_sim_is_pushts_env_without_the_t_in_its_vector():
    from lwd_ros.envs import make_env
    from lwd_ros.envs.pusht.env import PushTEnv
    from lwd_ros.sims import find_sim

    spec = find_sim('pusht_image')
    assert spec.name == 'pusht_image' and spec.contract is get_contract('pusht_image')
    env, pusht = make_env(spec), PushTEnv()
    obs, info = env.reset(seed=3, options={'task': 'goal_left'})
    full, _ = pusht.reset(seed=3, options={'task': 'goal_left'})  # the same start state
    assert obs.shape == (2,) and env.observation_space.contains(obs)
    np.testing.assert_array_equal(obs, full[:2])
    np.testing.assert_array_equal(env.unwrapped.state(), full)
    target = np.array([0.3, 0.2], np.float32)
    obs, reward, terminated, truncated, info = env.step(target)
    full, reward_full, *_, info_full = pusht.step(target)  # the same physics and reward
    np.testing.assert_array_equal(obs, full[:2])
    assert reward == reward_full and info['coverage'] == info_full['coverage']
    assert env.unwrapped.physics_step(target).shape == (2,)
    env.close()
    pusht.close()


def test_the_camera_draws_the_current_state_and_the_tasks_goal():
    from lwd_ros.envs import make_env
    from lwd_ros.envs.pusht import camera

    env = make_env('pusht_image')
    env.reset(seed=0, options={'task': 'classic'})
    u, block = env.unwrapped, _block()
    frame = u.camera_frame(block)
    state = u.state()
    assert frame.shape == (96, 96, 3) and frame.dtype == np.uint8
    np.testing.assert_array_equal(frame, camera.render(state[:2], state[2:], u.sim.goal_pose))
    u.set_task('goal_right')  # the goal moves, and with it the green T
    assert not np.array_equal(u.camera_frame(block), frame)
    np.testing.assert_array_equal(
        u.camera_frame(block), camera.render(state[:2], state[2:],
                                             u.config.tasks['goal_right']))
    for _ in range(5):
        env.step(np.array([0.45, 0.45], np.float32))  # the pusher moves, the frame follows
    moved = u.state()
    assert np.abs(moved[:2] - state[:2]).max() > 0.01
    np.testing.assert_array_equal(u.camera_frame(block),
                                  camera.render(moved[:2], moved[2:], u.sim.goal_pose))
    env.close()


def test_the_camera_honours_the_blocks_size_and_encoding():
    from PIL import Image

    from lwd_ros.envs.pusht_image.frames import camera_frame

    state, goal = np.array([0.1, 0.2, 0.3, 0.3, 1.0]), np.array([0.256, 0.256, np.pi / 4])
    rgb = camera_frame(_block(image_size=(48, 80)), state, goal)
    assert rgb.shape == (48, 80, 3) and rgb.dtype == np.uint8
    mono = camera_frame(_block(encoding='mono8'), state, goal)
    assert mono.shape == (96, 96, 1) and mono.dtype == np.uint8
    colour = camera_frame(_block(), state, goal)  # mono8 is the luma decode() would make
    np.testing.assert_array_equal(mono[..., 0], np.asarray(Image.fromarray(colour).convert('L')))


def test_the_markers_draw_the_t_from_the_sims_state():
    from lwd_ros.envs import env_hook, find_spec, make_env
    from lwd_ros.envs.pusht.markers import pusht_shapes
    from lwd_ros.envs.runner import EpisodeState

    env = make_env('pusht_image')
    env.reset(seed=1)
    u, state = env.unwrapped, EpisodeState(1, 1, 'classic')
    full = u.state()
    shapes = env_hook(find_spec('pusht_image'), 'markers')(env, [full[:2], None], state)
    assert shapes == pusht_shapes(full[2:], u.sim.goal_pose, full[:2], state)
    env.close()


def test_the_runner_splits_only_the_vector_blocks():
    from lwd_ros.envs import find_spec, make_env
    from lwd_ros.envs.runner import SimBridgeConfig, SimRunner

    spec = find_spec('pusht_image')
    runner = SimRunner(SimBridgeConfig(seed=2), spec.contract, make_env(spec))
    runner.reset()
    agent, cam = runner.blocks()  # the camera's entries are perception's, not the env's
    np.testing.assert_array_equal(agent, runner.env.unwrapped.state()[:2])
    assert cam.shape == (0,) and runner.vector_names == ('agent_x', 'agent_y')
    np.testing.assert_array_equal(runner.joint_positions(), agent)  # hold where it is
    np.testing.assert_array_equal(runner.action, agent.astype(runner.action.dtype))
    runner.env.close()


def test_image_demonstrations_are_pushts_expert_rows_as_the_camera_sees_them():
    from lwd_ros.envs.pusht import camera
    from lwd_ros.envs.pusht.config import load_pusht_config
    from lwd_ros.envs.pusht.env import PushTEnv
    from lwd_ros.envs.pusht.expert import MPCExpert, load_expert_config, run_episode
    from lwd_ros.envs.pusht_image.collect import observe

    cfg = load_pusht_config('config/envs/pusht.yaml')
    env = PushTEnv(config=cfg)
    expert = MPCExpert(cfg, load_expert_config('config/envs/pusht_expert.yaml'))
    for task, seed in (('goal_left', 4), ('classic', 5)):
        state, _ = run_episode(env, expert, task, seed, max_steps=3)
        demo = observe(state, cfg.tasks[task])
        assert demo.observations.shape == (4, 66) and set(demo.frames) == {'cam'}
        np.testing.assert_array_equal(demo.observations[:, :2], state.observations[:, :2])
        assert not demo.observations[:, 2:].any()  # the encoder's features, computed later
        np.testing.assert_array_equal(demo.actions, state.actions)
        assert (demo.task, demo.seed, demo.success) == (task, seed, state.success)
        frames = demo.frames['cam']
        assert frames.shape == (4, 96, 96, 3) and frames.dtype == np.uint8
        for row, frame in zip(state.observations, frames):  # each row's own state
            np.testing.assert_array_equal(frame, camera.render(row[:2], row[2:],
                                                               cfg.tasks[task]))
        assert not np.array_equal(frames[0], frames[-1])  # the pusher moved
    env.close()


def test_lwd_collect_writes_the_image_robots_dataset(tmp_path):
    from lwd_ros.cli import main
    from lwd_ros.data.minari_io import load_episodes, read_metadata
    from lwd_ros.envs.pusht import camera
    from lwd_ros.envs.pusht.config import TASKS

    args = ['--episodes', '2', '--seed', '0', '--tasks', 'classic,goal_left', '--no-progress']
    assert main(['collect', '--robot', 'pusht_image', '--out', str(tmp_path / 'image'),
                 *args]) == 0
    assert main(['collect', '--robot', 'pusht', '--out', str(tmp_path / 'state'), *args]) == 0
    images, states = load_episodes(tmp_path / 'image'), load_episodes(tmp_path / 'state')
    assert read_metadata(tmp_path / 'image')['lwd_ros']['robot']['name'] == 'pusht_image'
    assert [(e.task, e.seed) for e in images] == [('classic', 0), ('goal_left', 1)]
    for image, state in zip(images, states):  # the same expert episodes, seen by the camera
        assert image.success and image.observations.shape == (len(state) + 1, 66)
        np.testing.assert_array_equal(image.observations[:, :2], state.observations[:, :2])
        np.testing.assert_array_equal(image.actions, state.actions)
        goal = TASKS[state.task]
        for t in (0, len(state) // 2, len(state)):
            row = state.observations[t]
            np.testing.assert_array_equal(image.frames['cam'][t],
                                          camera.render(row[:2], row[2:], goal))


def test_the_image_sim_graph_runs_perception_between_camera_and_policy():
    from lwd_ros.ros.graphs import graphs

    image, state = graphs()['pusht_image_sim'], graphs()['pusht_sim']
    assert [n.executable for n in image.nodes] == ['mujoco_bridge', 'perception',
                                                   'policy_generator', 'lwd_controller']
    # the checkpoint's encoders are the perception node's (lwd export writes them)
    assert image.argument('checkpoint').sets == (('policy_generator', 'checkpoint'),
                                                 ('perception', 'encoder'))
    assert 'perception' not in [n.executable for n in state.nodes]  # no camera, no node
    assert state.argument('checkpoint').sets == (('policy_generator', 'checkpoint'),)
