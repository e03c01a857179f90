# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""A simulator plugin: the code that stands in for a robot, beside the robot's contract.

The robot itself is its contract (``lwd_ros.contract``, a YAML file): data that travels in
every checkpoint. A sim package (``lwd_ros/envs/<name>/``) adds what only a simulator has:
a gymnasium env, an expert and its ``lwd collect``, video rendering, DAgger, what the shared
``mujoco_bridge`` draws in RViz (the bridge itself is the env behind the contract's topics;
its launch files live in ``launch/``, where ROS users look for them). ``EnvSpec`` names that
code by ``module:attribute`` references, as gymnasium's ``entry_point`` does: the launch
files and ``lwd launch`` read a plugin without importing mujoco, and the code loads when a
hook is used. ``test/test_refs.py`` resolves every one, so a moved target fails CI rather
than a user's command. None of them ever enters a checkpoint.

The robot's facts are the contract's (``spec.contract.obs_names``): the plugin does not
forward them, so grep finds every reader. Pure Python (no numpy).
"""

from __future__ import annotations

from dataclasses import dataclass

from lwd_ros.contract import RobotContract, get_contract


@dataclass(frozen=True)
class EnvSpec:
    """One simulator's plugin (module docstring).

    Args:
        name: registry key (``lwd_ros.envs.get_spec``).
        gym_id: gymnasium id of the simulated env.
        entry_point: ``module:Class`` of that env (registered lazily by ``make_env``).
        robot: the robot contract it simulates: a name under ``config/robots`` or a YAML
            path; '' = ``name``.
        augment: ``module:function`` ``(episodes, task_poses) -> extra episodes`` the
            env's symmetries allow (``data.augment`` turns it on); '' = none.
        step_signals: ``module:function`` ``(episode, goal_pose) -> {'rewards': (T,),
            info name: (T + 1,)}`` a dataset stores per step; '' = success at the end.
        collect: module of the env's ``lwd collect`` (``add_arguments``/``run``).
        render: module of its ``lwd render`` (episodes to video); '' = none.
        dagger: module of its ``lwd dagger`` (expert continuations); '' = none.
        markers: ``module:function`` ``(env, blocks, state) -> [Shape]`` the sim bridge
            draws on ``viz/markers`` (``lwd_ros.ros.markers``); '' = the contract's points
            and poses.
        teleop: ``module:function`` ``(TeleopConfig) -> TeleopExpert`` the ``expert_teleop``
            node drives the robot with; '' = no teleoperating expert.
        task_poses: ``module:function`` ``(env config path, overrides) -> {task: pose}`` for
            envs whose tasks are poses (datasets store them; ''= none).
        model: the shipped checkpoint (what ``lwd eval`` and the launch files default to).
        max_episode_steps: gymnasium's time limit; 0 = the contract's
            ``extra.max_episode_steps`` (none if it has none).
    """

    name: str
    gym_id: str
    entry_point: str
    robot: str = ''
    augment: str = ''
    step_signals: str = ''
    collect: str = ''
    render: str = ''
    dagger: str = ''
    markers: str = ''
    teleop: str = ''
    task_poses: str = ''
    model: str = ''
    max_episode_steps: int = 0

    @property
    def contract(self) -> RobotContract:
        """The robot this sim stands in for."""
        return get_contract(self.robot or self.name)
