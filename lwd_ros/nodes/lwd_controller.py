# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""lwd_controller: run the latest generated MLP at control rate (numpy only, never torch).

Topics follow the env spec (``env`` parameter):
Subscribes  its observation topics (sensor_msgs/JointState, geometry_msgs/PoseStamped),
            /lwd/policy (lwd_ros/PolicyWeights, latched, own callback group)
Publishes   its command (std_msgs/Float64MultiArray to a ros2_control forward command
            controller, or a TwistStamped for a Cartesian servo),
            /diagnostics (diagnostic_msgs/DiagnosticArray)
Parameters  the fields of ``lwd_ros.runtime.controller.ControllerConfig``
"""

from __future__ import annotations

import sys
import time

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rclpy.callback_groups import MutuallyExclusiveCallbackGroup
from rclpy.node import Node

from lwd_ros.msg import PolicyWeights
from lwd_ros.ros.commands import CommandPublisher
from lwd_ros.ros.observation_topics import subscribe_observation
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import LATCHED
from lwd_ros.ros.spin import run_node
from lwd_ros.runtime.controller import ControllerConfig, Mode, PolicyController
from lwd_ros.runtime.policy_msg import InvalidPolicy
from lwd_ros.runtime.rate_monitor import RateMonitor


class LwdController(Node):

    def __init__(self, **node_options):
        super().__init__('lwd_controller', **node_options)  # namespace, overrides: fleet_host
        cfg = declare_config(self, ControllerConfig)
        self.core = PolicyController(cfg)
        spec, rate = self.core.spec, cfg.rate
        self.bad_inputs = 0
        self.monitor = RateMonitor(1.0 / rate)
        self._mode = None
        self._last_reject = ''
        self._out_of_range = 0  # core.out_of_range at the last diagnostics

        self.commands = CommandPublisher(self, spec.command, period=1.0 / spec.policy_rate)
        self.diag_pub = self.create_publisher(DiagnosticArray, '/diagnostics', 10)
        subscribe_observation(self, self.core.obs, on_bad=self._bad_input)
        self.create_subscription(PolicyWeights, 'lwd/policy', self.on_policy, LATCHED,
                                 callback_group=MutuallyExclusiveCallbackGroup())
        self.create_timer(1.0 / rate, self.on_tick,
                          callback_group=MutuallyExclusiveCallbackGroup())
        self.create_timer(cfg.diagnostics_period, self.publish_diagnostics)
        self.get_logger().info(f'controlling {spec.name} {list(spec.action_names)} at '
                               f'{rate:g} Hz')

    def _bad_input(self, what: str) -> None:
        self.bad_inputs += 1
        self.get_logger().warning(f'dropped {what} (total {self.bad_inputs})',
                                  throttle_duration_sec=5.0)

    def on_policy(self, msg: PolicyWeights) -> None:
        try:
            active = self.core.offer_policy(msg, time.monotonic())
        except InvalidPolicy as e:
            self._last_reject = str(e)
            self.get_logger().error(f'rejected policy generation {msg.generation}: {e}; '
                                    'keeping the last good policy')
            return
        self.get_logger().info(f'policy generation {active.generation} for task '
                               f'{active.task!r} ({active.policy.layer_sizes})',
                               throttle_duration_sec=2.0)

    def on_tick(self) -> None:
        now = time.monotonic()
        self.monitor.tick(now)
        command, mode = self.core.tick(now)
        if command is not None:
            self.commands.publish(command)
        if mode is not self._mode:
            # Two call sites: rclpy refuses one site logging at two severities.
            if mode is Mode.RUN:
                self.get_logger().info(f'mode {mode.value}')
            else:
                self.get_logger().warning(f'mode {mode.value}')
            self._mode = mode

    def publish_diagnostics(self) -> None:
        now = time.monotonic()
        stats = self.monitor.stats()
        active = self.core.active
        outside = (self.core.outside_training(self.core.last_obs)
                   if self.core.out_of_range > self._out_of_range else ())
        self._out_of_range = self.core.out_of_range
        values = {**{k: f'{v:.4g}' for k, v in stats.items()},
                  'mode': self._mode.value if self._mode else 'starting',
                  'policy_generation': str(active.generation if active else 0),
                  'policy_age_s': f'{now - active.received_at:.3f}' if active else 'inf',
                  'task': active.task if active else '',
                  'policies_swapped': str(self.core.swaps),
                  'policies_rejected': str(self.core.rejected),
                  'policy_expired': str(active is not None and now > active.expires_at),
                  'nonfinite_actions': str(self.core.faults),
                  'inputs_dropped': str(self.bad_inputs),
                  'ticks_outside_training_range': str(self.core.out_of_range),
                  'outside_training_range': ' '.join(outside),
                  'last_rejection': self._last_reject}
        ok = self._mode is Mode.RUN and not outside
        status = DiagnosticStatus(
            level=DiagnosticStatus.OK if ok else DiagnosticStatus.WARN,
            name=self.get_fully_qualified_name().lstrip('/'), hardware_id='lwd_ros',
            message=f'{stats["rate_hz"]:.1f} Hz, mode {values["mode"]}'
            + (f', inputs outside the training range: {" ".join(outside)}' if outside else ''),
            values=[KeyValue(key=k, value=v) for k, v in values.items()])
        msg = DiagnosticArray(status=[status])
        msg.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(msg)


def main(args=None) -> int:
    return run_node(LwdController, args)


if __name__ == '__main__':
    sys.exit(main())
