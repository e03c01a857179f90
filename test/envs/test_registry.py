# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The env registry: packages are found, hooks name what an env can do, gaps are explained."""

from conftest import REPO
import pytest

from lwd_ros.cli import main as lwd_main
from lwd_ros.contract import get_contract, shipped_robots
from lwd_ros.data.bags import DemoTopics
from lwd_ros.envs import DEFAULT_ENV, env_hook, get_spec, specs
from lwd_ros.ros.graphs import graphs


def test_every_env_package_is_registered_by_its_spec():
    # No list of envs here: adding a sim package must keep this test green.
    packages = {p.parent.name for p in (REPO / 'lwd_ros' / 'envs').glob('*/spec.py')}
    assert DEFAULT_ENV in packages and packages <= set(specs())
    for name in packages:
        spec = get_spec(name)
        assert spec.name == name and spec.contract is get_contract(spec.robot or name)
    assert packages <= set(shipped_robots())
    assert get_spec(get_spec('mt10').gym_id) is get_spec('mt10')
    assert get_spec().name == DEFAULT_ENV


def test_unknown_env_and_missing_hook_are_named():
    with pytest.raises(ValueError, match=r"unknown env 'ur5'.*'mt10'.*'pusht'"):
        get_spec('ur5')
    with pytest.raises(ValueError, match=r"env 'toy' has no markers"):
        env_hook(get_spec('toy'), 'markers')
    assert callable(env_hook(get_spec('pusht'), 'teleop'))


def test_sim_commands_dispatch_on_the_robot(capsys):
    assert lwd_main(['dagger', '--robot', 'mt10', '--out', 'x']) == 2
    assert "env 'mt10' has no dagger" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        lwd_main(['render', '--robot=mt10', '--help'])
    assert '--tasks' in capsys.readouterr().out and 'mt10' in get_spec('mt10').render
    # --env, the flag's name before the robot was `robot` everywhere, still picks it
    assert lwd_main(['dagger', '--env', 'mt10', '--out', 'x']) == 2
    assert "env 'mt10' has no dagger" in capsys.readouterr().err


def test_every_graph_drives_a_registered_env_on_its_topics():
    for name, graph in graphs().items():
        if not graph.robot:  # the policy graph: any robot, from its contract file
            assert name == 'policy' and graph.episode_topic == '' and not graph.bridge
            assert {'robot', 'checkpoint'} <= {a.name for a in graph.arguments}
            continue
        spec = get_spec(graph.robot)
        assert name in (f'{spec.name}_sim', f'{spec.name}_record', f'{spec.name}_hardware')
        assert graph.episode_topic == spec.contract.episode_topic
        model = graph.argument('checkpoint').default if any(
            a.name == 'checkpoint' for a in graph.arguments) else spec.model
        assert model == spec.model and (REPO / model).is_dir()


def test_bag_topics_follow_every_contract():
    pusht = DemoTopics.for_contract(get_contract('pusht'))
    assert (pusht.object_pose, pusht.episode) == ('/pusht/object_pose', '/pusht/episode')
    # MT10 (three points, a gripper joint, a servo twist and a gripper command) fits too
    layout = DemoTopics().resolve(get_contract('mt10'))
    assert layout.observation == ('/ee_pose', '/joint_states', '/mt10/object_pose',
                                  '/mt10/goal')
    assert layout.types['/servo_node/delta_twist_cmds'] == 'geometry_msgs/msg/TwistStamped'
    assert layout.roles['command_aux'] == '/gripper_controller/commands'


def test_eval_draws_videos_through_the_env_render_module(tmp_path):
    # models/pusht's meta.json predates the render hook: the registry's spec supplies it.
    video = tmp_path / 'eval.gif'
    assert lwd_main(['eval', '--episodes', '1', '--max-steps', '3', '--video', str(video),
                     '--no-progress']) == 0
    assert video.stat().st_size > 1000


def test_gymnasium_knows_every_sim_after_importing_lwd_ros_envs():
    import subprocess
    import sys
    code = ('import sys, lwd_ros.envs; assert "gymnasium" not in sys.modules;'
            'import gymnasium as gym; from lwd_ros.envs import get_spec, specs;'
            'ids = [get_spec(n).gym_id for n in specs()];'
            'assert all(i in gym.registry for i in ids), ids;'
            'assert gym.make("lwd_ros/PushT-v0").spec.max_episode_steps == 300')
    subprocess.run([sys.executable, '-c', code], check=True, cwd=REPO)
