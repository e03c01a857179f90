# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The controller node's tick executor waits on no parameter service; they still answer.

The parameter services run on the policy thread (``PolicyReceiver``), so a ``ros2 param
set`` must still work from there; ``/diagnostics`` stays on the tick thread.
"""

import os
import threading
import time

import pytest

rclpy = pytest.importorskip('rclpy')

from diagnostic_msgs.msg import DiagnosticArray  # noqa: E402
from rcl_interfaces.msg import Parameter, ParameterType, ParameterValue  # noqa: E402
from rcl_interfaces.srv import SetParameters  # noqa: E402
from rclpy.executors import SingleThreadedExecutor  # noqa: E402


@pytest.fixture
def controller(monkeypatch):
    monkeypatch.setenv('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    monkeypatch.setenv('ROS_DOMAIN_ID', str(150 + os.getpid() % 50))
    from lwd_ros.nodes.lwd_controller import LwdController
    context = rclpy.Context()
    rclpy.init(context=context, args=['--ros-args', '-p', 'robot:=pusht',
                                      '-p', 'diagnostics_period:=0.2',
                                      '-r', '__node:=threads_ctl'])
    node = LwdController(context=context)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(node)
    thread = threading.Thread(target=executor.spin, daemon=True)
    thread.start()
    yield node, context
    executor.shutdown(timeout_sec=1.0)
    node.destroy_node()
    context.try_shutdown()


def test_services_answer_off_the_tick_thread_and_diagnostics_flow(controller):
    node, context = controller
    assert not list(node.services)  # the tick's executor waits on no service
    assert len(list(node.timers)) == 2  # the tick and the diagnostics
    # Not renamed by the context's `-r __node:=` (a global argument renames every node of
    # the context): renamed, the client's own parameter service answered the set, flakily.
    client = rclpy.create_node('threads_client', context=context, use_global_arguments=False)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(client)
    diags = []  # this controller's (other tests' nodes may share the domain)
    client.create_subscription(
        DiagnosticArray, '/diagnostics',
        lambda m: diags.extend(s for s in m.status if s.name == 'threads_ctl'), 10)
    set_params = client.create_client(SetParameters, '/threads_ctl/set_parameters')
    assert set_params.wait_for_service(timeout_sec=20.0)
    future = set_params.call_async(SetParameters.Request(parameters=[Parameter(
        name='obs_timeout', value=ParameterValue(type=ParameterType.PARAMETER_DOUBLE,
                                                 double_value=0.35))]))
    executor.spin_until_future_complete(future, timeout_sec=20.0)
    assert future.result() is not None and future.result().results[0].successful
    assert node.core.config.obs_timeout == 0.35
    deadline = time.monotonic() + 20.0
    while not diags and time.monotonic() < deadline:
        executor.spin_once(timeout_sec=0.1)
    assert diags
    rate = {kv.key: kv.value for kv in diags[-1].values}['rate_hz']
    assert float(rate) >= 0.0
    client.destroy_node()
