# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""lwd_controller: run the latest generated MLP at control rate (numpy only, never torch).

Topics follow the robot contract (``robot`` parameter: a shipped robot's name or a YAML):
Subscribes  its observation topics (sensor_msgs/JointState, geometry_msgs/PoseStamped),
            /lwd/policy (lwd_ros/PolicyWeights, latched; taken on a thread of its own)
Publishes   its command (std_msgs/Float64MultiArray to a ros2_control forward command
            controller, or a TwistStamped for a Cartesian servo),
            /diagnostics (diagnostic_msgs/DiagnosticArray)
Parameters  the fields of ``lwd_ros.runtime.controller.ControllerConfig``
"""

from __future__ import annotations

import inspect
import sys
import threading
import time

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
import rclpy
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node
from rclpy.serialization import deserialize_message

from lwd_ros.msg import PolicyWeights
from lwd_ros.ros.commands import CommandPublisher
from lwd_ros.ros.observation_topics import subscribe_observation
from lwd_ros.ros.params import declare_config
from lwd_ros.ros.qos import LATCHED
from lwd_ros.ros.spin import print_help, run_node, wants_help
from lwd_ros.runtime.controller import ControllerConfig, Mode, PolicyController
from lwd_ros.runtime.policy_msg import InvalidPolicy
from lwd_ros.runtime.rate_monitor import RateMonitor


class PolicyReceiver:
    """Policies arrive on a thread of their own, off the control loop's.

    Taking a policy message (deserialising a few hundred kB, or megabytes from a faulty or
    hostile publisher) and validating it (timed forward passes) ran between two ticks and
    delayed commands by as long. Here a helper node with its own executor takes them on a
    thread; the controller core swaps a validated policy in with one reference assignment,
    which the next tick reads. Python's thread switch interval bounds how long the tick
    thread waits for the interpreter meanwhile.

    The helper node is named ``<controller>_policies`` in the controller's namespace and gets
    the process's remappings, so ``lwd/policy`` resolves as the controller's own would.

    The same thread answers the controller's parameter services (``services``: ``ros2 param
    set``), so the tick thread's executor does not walk them on every wake (rclpy's executor
    visits each entity of its wait set in Python, ~1-3 k wakes a second at 1 kHz). What
    stays: the QoS event handlers (moved here, rclpy 9.1's executor found them ready on
    every wait and this thread spun at 0.3-0.6 of a core) and the diagnostics (here they
    read RateMonitor's ring while the tick writes it: a torn read gave rates of -4e6 Hz).
    """

    def __init__(self, node: Node, on_policy, on_oversized, max_bytes, services=()):
        self.node = rclpy.create_node(
            f'{node.get_name()}_policies', namespace=node.get_namespace(),
            context=node.context,
            cli_args=['--ros-args', '-r', f'__node:={node.get_name()}_policies'])

        def on_raw(data: bytes) -> None:
            # A message too big for any policy the controller would accept is refused
            # before it is deserialised: a flood of megabyte messages costs a size check.
            if len(data) > max_bytes():
                on_oversized(len(data))
            else:
                on_policy(deserialize_message(data, PolicyWeights))
        self.node.create_subscription(PolicyWeights, 'lwd/policy', on_raw, LATCHED, raw=True)
        group = self.node.default_callback_group
        for service in services:
            service.callback_group = group  # not the tick's group: no lock across threads
            group.add_entity(service)
        self.services = list(services)
        if self.services:
            self.node._services.extend(self.services)  # what Node.services yields
        self.executor = SingleThreadedExecutor(context=node.context)
        self.executor.add_node(self.node)
        self.thread = threading.Thread(target=self._spin, name='policies', daemon=True)
        self.thread.start()

    def _spin(self) -> None:
        try:
            self.executor.spin()
        except (ExternalShutdownException, KeyboardInterrupt):
            pass
        except Exception:  # noqa: BLE001 - the context went away under us: shutdown
            if rclpy.ok(context=self.node.context):
                raise

    def close(self) -> None:
        self.executor.shutdown(timeout_sec=1.0)
        self.thread.join(timeout=2.0)
        for service in self.services:  # the controller's own: it destroys them
            self.node._services.remove(service)
        self.node.destroy_node()


class LwdController(Node):

    def __init__(self, **node_options):
        super().__init__('lwd_controller', **node_options)  # namespace, overrides: fleet_host
        cfg = declare_config(self, ControllerConfig, on_change=self.on_config)
        self.core = PolicyController(cfg)
        contract, rate = self.core.contract, cfg.rate
        self.bad_inputs = 0
        self.monitor = RateMonitor(1.0 / rate)
        self._mode = None
        self._last_reject = ''
        self._out_of_range = 0  # core.out_of_range at the last diagnostics

        self.commands = CommandPublisher(self, contract.command, period=1.0 / contract.policy_rate)
        self.diag_pub = self.create_publisher(DiagnosticArray, '/diagnostics', 10)
        subscribe_observation(self, self.core.obs, on_bad=self._bad_input)

        def tick() -> None:
            # rclpy's executor reads the timer callback's signature on every call (to pass
            # a TimerInfo to callbacks that take one): ~20 us a tick for a bound method,
            # ~2 us for a function that carries its signature.
            self.on_tick()
        tick.__signature__ = inspect.Signature()
        self.create_timer(1.0 / rate, tick)
        # The tick thread gets the interpreter back within 0.5 ms of a policy thread's work
        # (Python's default is 5 ms: five missed ticks at 1 kHz).
        sys.setswitchinterval(5e-4)
        self.create_timer(cfg.diagnostics_period, self.publish_diagnostics)
        # Off the tick's executor: the parameter services (7 of the wait set's 24 entities).
        # rclpy keeps them in Node._services (what Node.services yields); on a release that
        # does not, they stay on the tick thread. Handed back in destroy_node.
        owned = getattr(self, '_services', None)
        self._moved_services = list(owned) if isinstance(owned, list) else []
        for service in self._moved_services:
            owned.remove(service)
        self._policies = PolicyReceiver(
            self, self.on_policy, self.on_oversized, self.max_bytes,
            services=self._moved_services)
        self.get_logger().info(f'controlling {contract.name} {list(contract.action_names)} at '
                               f'{rate:g} Hz')

    def max_bytes(self) -> int:
        """The largest policy message worth deserialising (read at each message).

        The float32 weights of the largest MLP the FLOP budget admits (2 FLOPs a weight),
        plus the names and the rest of the message.
        """
        return 2 * self.core.config.max_policy_flops + 65536

    def on_config(self, cfg: ControllerConfig) -> None:
        """A run-time parameter changed (validated): the next tick and policy use it."""
        self.core.config = cfg
        self.get_logger().info('parameters updated')

    def destroy_node(self) -> None:
        self._policies.close()
        if self._moved_services:
            self._services.extend(self._moved_services)  # destroyed with the node
        super().destroy_node()

    def _bad_input(self, what: str) -> None:
        self.bad_inputs += 1
        self.get_logger().warning(f'dropped {what} (total {self.bad_inputs})',
                                  throttle_duration_sec=5.0)

    def on_oversized(self, size: int) -> None:
        self.core.rejected += 1
        self._last_reject = f'a {size:,}-byte policy message: larger than any within budget'
        self.get_logger().error(f'rejected {self._last_reject}; keeping the last good policy',
                                throttle_duration_sec=2.0)

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
    if wants_help(args):
        return print_help(__doc__, 'lwd_controller', [ControllerConfig])
    return run_node(LwdController, args)


if __name__ == '__main__':
    sys.exit(main())
