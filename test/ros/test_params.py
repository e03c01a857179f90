# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Node parameters come from the core dataclasses and accept what a user types."""

import pytest
from rclpy.node import Node
from rclpy.parameter import Parameter

from lwd_ros.contract import shipped_robots
from lwd_ros.ros.params import declare_config, field_docs
from lwd_ros.runtime.controller import ControllerConfig
from lwd_ros.runtime.generator import GeneratorConfig


def _node(context, **overrides):
    return Node('params_test', context=context, parameter_overrides=[
        Parameter(k, value=v) for k, v in overrides.items()])


def test_defaults_come_from_the_dataclass(rclpy_context):
    node = _node(rclpy_context, robot='pusht')
    assert declare_config(node, ControllerConfig) == ControllerConfig(robot='pusht')
    described = node.describe_parameter('obs_timeout').description
    assert described.startswith(field_docs(ControllerConfig)['obs_timeout'])
    assert 'hold' in described and described.endswith('(read-only)')
    node.destroy_node()


def test_integers_for_floats_and_lists_are_accepted(rclpy_context):
    # What `control_rate:=500` and `action_low:=[0, 0]` give a launch file: integers.
    node = _node(rclpy_context, robot='pusht', control_rate=500, action_low=[0, 0],
                 action_high=[0.5, 0.5], obs_timeout=1)
    cfg = declare_config(node, ControllerConfig)
    assert cfg.control_rate == 500.0 and isinstance(cfg.control_rate, float)
    assert cfg.action_low == (0.0, 0.0) and cfg.obs_timeout == 1.0
    node.destroy_node()


def test_bad_values_are_refused_naming_the_parameter_value_and_rule(rclpy_context):
    # In words a user typing `name:=value` reads: no `self.x=` Python in the message.
    for cls, given, message in (
            (GeneratorConfig, {'action_horizon': 'eight'},
             "parameter action_horizon = 'eight': expected int"),
            (GeneratorConfig, {'checkpoint': 'models/pusht', 'warm_start': 2.0},
             'parameter warm_start = 2.0: must be in [0, 1] (0: cold)'),
            (GeneratorConfig, {}, "parameter checkpoint = '': must name a trained checkpoint "
             'or ONNX export directory (e.g. models/<robot>)'),
            (ControllerConfig, {}, "parameter robot = '': must name the robot's contract (a YAML "
             f'file or a shipped robot: {", ".join(shipped_robots())})'),
            (ControllerConfig, {'robot': 'pusht', 'on_expired': 'bogus'},
             "parameter on_expired = 'bogus': must be one of keep, hold"),
            (ControllerConfig, {'robot': 'pusht', 'obs_timeout': -1.0},
             'parameter obs_timeout = -1.0: must be > 0 s')):
        node = _node(rclpy_context, **given)
        with pytest.raises(ValueError) as e:
            declare_config(node, cls)
        assert str(e.value) == f'{node.get_name()}: {message}'
        node.destroy_node()


def test_run_time_parameters_are_validated_and_applied_the_rest_read_only(rclpy_context):
    node = _node(rclpy_context, robot='pusht')
    seen = []
    cfg = declare_config(node, ControllerConfig, on_change=seen.append)
    ok = node.set_parameters([Parameter('obs_timeout', value=0.5)])[0]
    assert ok.successful and seen[-1].obs_timeout == 0.5 and seen[-1].robot == cfg.robot
    bad = node.set_parameters([Parameter('obs_timeout', value=-1.0)])[0]
    assert not bad.successful and len(seen) == 1
    assert bad.reason == 'parameter obs_timeout = -1.0: must be > 0 s'
    fixed = node.set_parameters([Parameter('control_rate', value=10.0)])[0]
    assert not fixed.successful and 'read-only' in fixed.reason
    assert node.get_parameter('control_rate').value == 0.0 and len(seen) == 1
    node.destroy_node()
