# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""lwd_controller: run the latest generated MLP at control rate (numpy only, never torch).

Subscribes  /joint_states (sensor_msgs/JointState), /pusht/object_pose (PoseStamped),
            /lwd/policy (lwd_ros/PolicyWeights, latched, own callback group)
Publishes   /forward_position_controller/commands (std_msgs/Float64MultiArray),
            /diagnostics (diagnostic_msgs/DiagnosticArray)
"""

from __future__ import annotations

import sys
import time

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from geometry_msgs.msg import PoseStamped
from rclpy.callback_groups import MutuallyExclusiveCallbackGroup
from rclpy.node import Node
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray

from lwd_ros.control.controller import ControllerConfig, Mode, PolicyController
from lwd_ros.control.rate_monitor import RateMonitor
from lwd_ros.msg import PolicyWeights
from lwd_ros.ros.convert import InvalidPolicy
from lwd_ros.ros.qos import LATCHED, SENSOR
from lwd_ros.ros.spin import run_node


class LwdController(Node):

    def __init__(self):
        super().__init__('lwd_controller')
        self.declare_parameter('control_rate', 1000.0)
        self.declare_parameter('joint_names', ['gantry_x', 'gantry_y'])
        self.declare_parameter('obs_names', list(ControllerConfig.obs_names))
        self.declare_parameter('action_low', [0.0, 0.0])
        self.declare_parameter('action_high', [0.512, 0.512])
        self.declare_parameter('obs_timeout', 0.2)
        self.declare_parameter('diagnostics_period', 1.0)
        p = self.get_parameter
        rate = p('control_rate').value
        if rate <= 0:
            raise ValueError(f'control_rate must be positive, got {rate}')
        self.core = PolicyController(ControllerConfig(
            joint_names=tuple(p('joint_names').value), obs_names=tuple(p('obs_names').value),
            action_low=tuple(p('action_low').value), action_high=tuple(p('action_high').value),
            obs_timeout_s=p('obs_timeout').value))
        self.monitor = RateMonitor(1.0 / rate)
        self._mode = None
        self._last_reject = ''

        self.cmd_pub = self.create_publisher(
            Float64MultiArray, '/forward_position_controller/commands', SENSOR)
        self.diag_pub = self.create_publisher(DiagnosticArray, '/diagnostics', 10)
        self.create_subscription(JointState, '/joint_states', self.on_joints, SENSOR)
        self.create_subscription(PoseStamped, '/pusht/object_pose', self.on_pose, SENSOR)
        self.create_subscription(PolicyWeights, '/lwd/policy', self.on_policy, LATCHED,
                                 callback_group=MutuallyExclusiveCallbackGroup())
        self.create_timer(1.0 / rate, self.on_tick,
                          callback_group=MutuallyExclusiveCallbackGroup())
        self.create_timer(p('diagnostics_period').value, self.publish_diagnostics)
        self.get_logger().info(f'controlling {self.core.config.joint_names} at {rate:g} Hz')

    def on_joints(self, msg: JointState) -> None:
        if not self.core.obs.update_joints(msg.name, msg.position, time.monotonic()):
            self.get_logger().warning(f'joint_states lacks {self.core.config.joint_names}',
                                      throttle_duration_sec=5.0)

    def on_pose(self, msg: PoseStamped) -> None:
        q = msg.pose.orientation
        self.core.obs.update_pose(msg.pose.position.x, msg.pose.position.y,
                                  (q.x, q.y, q.z, q.w), time.monotonic())

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
            self.cmd_pub.publish(Float64MultiArray(data=command.astype(float).tolist()))
        if mode is not self._mode:
            log = self.get_logger().info if mode is Mode.RUN else self.get_logger().warn
            log(f'mode {mode.value}')
            self._mode = mode

    def publish_diagnostics(self) -> None:
        now = time.monotonic()
        stats = self.monitor.stats()
        active = self.core.active
        values = {**{k: f'{v:.4g}' for k, v in stats.items()},
                  'mode': self._mode.value if self._mode else 'starting',
                  'policy_generation': str(active.generation if active else 0),
                  'policy_age_s': f'{now - active.received_at:.3f}' if active else 'inf',
                  'task': active.task if active else '',
                  'policies_swapped': str(self.core.swaps),
                  'policies_rejected': str(self.core.rejected),
                  'last_rejection': self._last_reject}
        ok = self._mode is Mode.RUN
        status = DiagnosticStatus(
            level=DiagnosticStatus.OK if ok else DiagnosticStatus.WARN,
            name=self.get_name(), hardware_id='lwd_ros',
            message=f'{stats["rate_hz"]:.1f} Hz, mode {values["mode"]}',
            values=[KeyValue(key=k, value=v) for k, v in values.items()])
        msg = DiagnosticArray(status=[status])
        msg.header.stamp = self.get_clock().now().to_msg()
        self.diag_pub.publish(msg)


def main(args=None) -> int:
    return run_node(LwdController, args)


if __name__ == '__main__':
    sys.exit(main())
