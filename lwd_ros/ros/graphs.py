# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The node graphs, declared once for ``launch/*.launch.py`` and ``lwd launch`` alike.

A launch file turns a ``Graph`` into launch_ros ``Node`` actions; ``lwd launch`` starts the
same executables with the same params file and overrides on machines without ``ros2 launch``.
Pure data (no rclpy, no launch imports), so tests can check every graph without ROS.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Argument:
    """A launch argument: its default and the node parameters it sets."""

    name: str
    default: str
    description: str
    sets: tuple[tuple[str, str], ...] = ()  # (node, parameter) pairs it sets
    remaps: tuple[tuple[str, str], ...] = ()  # (node, topic) pairs it renames


@dataclass(frozen=True)
class NodeSpec:
    """One node of a graph and how the graph supervises it.

    ``respawn``: restarted when it dies (a crashed generator comes back; the controller runs
    the last policy meanwhile). ``ends_graph``: its clean exit ends the graph (the sim bridge
    after ``episodes:=N``); a crash of it is respawned if ``respawn``. No node's death ever
    stops the controller: only the graph's end does.
    """

    executable: str
    sim_time: bool = True  # follows /clock when use_sim_time; the controller stays on wall time
    respawn: bool = False
    ends_graph: bool = False


@dataclass(frozen=True)
class Graph:
    params_files: tuple[str, ...]  # under share/lwd_ros/config, applied in order
    nodes: tuple[NodeSpec, ...]
    arguments: tuple[Argument, ...] = field(default=())
    episode_topic: str = 'pusht/episode'  # where the sim reports episodes (lwd launch prints)

    @property
    def bridge(self) -> str:
        """The sim node (the one whose exit ends the graph); '' on hardware."""
        return next((n.executable for n in self.nodes if n.ends_graph), '')

    def argument(self, name: str) -> Argument:
        return next(a for a in self.arguments if a.name == name)

    def fleet_parameters(self, executable: str, robot: int, seed: int) -> dict | None:
        """Parameters robot ``robot`` of a fleet adds to ``executable``; None: not per robot.

        The generator is shared; every other node runs once per robot under ``/robot_i``.
        The robots run on wall time (one ``/clock`` cannot serve N sims) from seeds ``seed``,
        ``seed + 1000``, ...; sim videos are off (N writers would share one path).
        """
        if executable == 'policy_generator':
            return None
        if executable != self.bridge:
            return {}
        extra = {'publish_clock': False, 'use_sim_time': False, 'seed': seed + 1000 * robot}
        if executable == 'mujoco_bridge':
            extra['video_path'] = ''
        return extra


_TASK = Argument('task', 'classic', 'initial task (PushT goal pose name)',
                 (('mujoco_bridge', 'task'), ('policy_generator', 'task')))
_CHECKPOINT = Argument('checkpoint', 'models/pusht',
                       'LWD checkpoint dir (torch) or ONNX export dir',
                       (('policy_generator', 'checkpoint'),))
_HORIZON = Argument('action_horizon', '0', 'policy steps between generations (0: trained)',
                    (('policy_generator', 'action_horizon'),))
_RATE = Argument('control_rate', '1000.0', 'controller loop rate, Hz',
                 (('lwd_controller', 'control_rate'),))
_SIM_TIME = Argument('use_sim_time', 'true', 'follow the bridge /clock (sim graphs)')
_RTF = Argument('real_time_factor', '1.0', 'sim speed relative to wall time',
                (('mujoco_bridge', 'real_time_factor'),))
_SEED = Argument('seed', '0', 'seed of the first episode', (('mujoco_bridge', 'seed'),))
_EPISODES = Argument('episodes', '0', 'stop the sim after this many episodes (0: never)',
                     (('mujoco_bridge', 'max_episodes'),))
_ROBOTS = Argument('robots', '0', 'a fleet: N namespaced sims + controllers (/robot_i) and '
                   'one generator batching their generations (0: one robot)',
                   (('policy_generator', 'robots'),))
_VIDEO = Argument('video', '', 'write episode videos here (.mp4/.gif; empty: none)',
                  (('mujoco_bridge', 'video_path'),))

GRAPHS: dict[str, Graph] = {
    # Simulation: bridge + generator + controller.
    'pusht_sim': Graph(
        params_files=('ros/lwd.yaml', 'ros/pusht_sim.yaml'),
        nodes=(NodeSpec('mujoco_bridge', respawn=True, ends_graph=True),
               NodeSpec('policy_generator', respawn=True),
               NodeSpec('lwd_controller', sim_time=False)),
        arguments=(_CHECKPOINT, _TASK, _HORIZON, _RATE, _SIM_TIME, _RTF, _SEED, _EPISODES,
                   _VIDEO, _ROBOTS)),
    # Hardware: ros2_control's joint_state_broadcaster and forward_command_controller provide
    # /joint_states and consume the commands; a mocap/camera node publishes the object pose.
    'pusht_hardware': Graph(
        params_files=('ros/lwd.yaml', 'ros/pusht_hardware.yaml'),
        nodes=(NodeSpec('policy_generator', sim_time=False, respawn=True),
               NodeSpec('lwd_controller', sim_time=False)),
        arguments=(_CHECKPOINT,
                   Argument('task', 'classic', 'initial task', (('policy_generator', 'task'),)),
                   _HORIZON, _RATE,
                   Argument('object_pose_topic', '/pusht/object_pose',
                            'PoseStamped source of the object (mocap, camera)',
                            remaps=(('policy_generator', '/pusht/object_pose'),
                                    ('lwd_controller', '/pusht/object_pose'))),
                   Argument('command_topic', '/forward_position_controller/commands',
                            'Float64MultiArray command topic of the position controller',
                            remaps=(('lwd_controller',
                                     '/forward_position_controller/commands'),)))),
    # MT10 on the simulated Sawyer: one task-conditioned generator, live task switching.
    'mt10_sim': Graph(
        params_files=('ros/lwd.yaml', 'ros/mt10_sim.yaml'),
        nodes=(NodeSpec('mt10_bridge', respawn=True, ends_graph=True),
               NodeSpec('policy_generator', respawn=True),
               NodeSpec('lwd_controller', sim_time=False)),
        arguments=(Argument('checkpoint', 'models/mt10', 'LWD MT10 checkpoint or ONNX export',
                            (('policy_generator', 'checkpoint'),)),
                   Argument('task', 'reach-v3', 'initial task (an MT10 task name)',
                            (('mt10_bridge', 'task'), ('policy_generator', 'task'))),
                   _HORIZON,
                   Argument('control_rate', '500.0', 'controller loop rate, Hz',
                            (('lwd_controller', 'control_rate'),)),
                   _SIM_TIME,
                   Argument('real_time_factor', '1.0', 'sim speed relative to wall time',
                            (('mt10_bridge', 'real_time_factor'),)),
                   Argument('seed', '100000', 'seed of the first episode',
                            (('mt10_bridge', 'seed'),)),
                   Argument('episodes', '0', 'stop the sim after this many episodes (0: never)',
                            (('mt10_bridge', 'max_episodes'),)),
                   _ROBOTS),
        episode_topic='mt10/episode'),
    # Demonstrations: the MPC expert drives the sim through the command topic while the
    # recorder writes a rosbag2 bag of the topics `lwd bag2dataset` turns into a dataset.
    'record_demos': Graph(
        params_files=('ros/pusht_sim.yaml', 'ros/expert_teleop.yaml', 'ros/demo_recorder.yaml'),
        nodes=(NodeSpec('mujoco_bridge', ends_graph=True), NodeSpec('expert_teleop'),
               NodeSpec('demo_recorder')),
        arguments=(_SIM_TIME, _RTF, _SEED, _EPISODES,
                   Argument('task', 'classic', 'task of every episode',
                            (('mujoco_bridge', 'task'), ('expert_teleop', 'task'))),
                   Argument('output', '', "bag directory ('' = ./demos_<date>)",
                            (('demo_recorder', 'output'),)),
                   Argument('storage', 'mcap', 'mcap | sqlite3',
                            (('demo_recorder', 'storage'),)),
                   Argument('action_noise', '0.0', 'DART: std (m) of correlated noise on the '
                            'executed command; the clean one is recorded too (0: off)',
                            (('expert_teleop', 'action_noise'),)))),
}
