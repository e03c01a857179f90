# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""fleet_host: N robots' nodes in one process keep their own namespace and parameters."""

from conftest import REPO
import pytest

rclpy = pytest.importorskip('rclpy')

from lwd_ros.nodes.fleet_host import main, node_class, robot_nodes  # noqa: E402


def test_each_robot_gets_its_namespace_seed_and_the_params_files(ros_env):
    files = [a for f in ('lwd.yaml', 'pusht_sim.yaml')
             for a in ('--params-file', str(REPO / 'config' / 'ros' / f))]
    rclpy.init(args=['fleet_host', '--ros-args', *files, '-p', 'seed:=5',
                     '-p', 'control_rate:=100'])
    try:
        bridges = robot_nodes('pusht_sim', 'mujoco_bridge', 2, 5)
        controllers = robot_nodes('pusht_sim', 'lwd_controller', 2, 5)
        assert [n.get_fully_qualified_name() for n in bridges + controllers] == [
            '/robot_0/mujoco_bridge', '/robot_1/mujoco_bridge',
            '/robot_0/lwd_controller', '/robot_1/lwd_controller']
        b = bridges[1]
        assert b.get_parameter('seed').value == 1005  # robot 1 over the -p seed:=5
        assert b.get_parameter('publish_clock').value is False
        assert b.get_parameter('video_path').value == ''
        assert b.get_parameter('env_config').value == 'config/envs/pusht.yaml'  # /**/ file key
        c = controllers[0]
        assert c.get_parameter('control_rate').value == 100
        assert c.get_parameter('obs_timeout').value == 0.2 and c.get_parameter('robot').value
        with pytest.raises(ValueError, match='shared by the fleet'):
            robot_nodes('pusht_sim', 'policy_generator', 2, 5)
        for n in bridges + controllers:
            n.destroy_node()
    finally:
        rclpy.try_shutdown()


def test_node_class_and_usage(capsys):
    assert node_class('lwd_controller').__name__ == 'LwdController'
    assert main(['fleet_host', 'pusht_sim', 'mujoco_bridge']) == 2
    assert 'usage: fleet_host GRAPH EXECUTABLE ROBOTS SEED' in capsys.readouterr().err


def test_a_fleet_host_of_sims_ends_when_the_last_sim_is_done(monkeypatch):
    import lwd_ros.nodes.fleet_host as host

    class Sim:  # a bridge: finish() ends the process when it runs alone
        def __init__(self, **node_options):
            pass

        def finish(self):
            raise SystemExit(0)
    monkeypatch.setattr(host, 'node_class', lambda executable: Sim)
    nodes = robot_nodes('pusht_sim', 'mujoco_bridge', 3, 0)
    nodes[0].finish()  # robot 0 is done: robots 1 and 2 go on
    nodes[2].finish()
    nodes[0].finish()  # a finished sim keeps saying so
    with pytest.raises(SystemExit):
        nodes[1].finish()
