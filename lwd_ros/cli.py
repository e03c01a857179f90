# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The ``lwd`` command (also ``python -m lwd_ros``).

Subcommands live in their own modules, each exposing ``add_arguments(parser)`` and
``run(args) -> int``. Modules are imported only when their command runs, so ``lwd launch``
never pays for importing torch.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import importlib
import logging
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    'collect': ('', 'collect expert demonstrations into a Minari dataset'),
    'dagger': ('', 'expert continuations from the states a trained policy reaches'),
    'render': ('', 'render episodes to video (and pictures)'),
    'train': ('lwd_ros.learning.train_cli',
              'train the LWD VAE + latent diffusion (or a baseline)'),
    'eval': ('lwd_ros.evaluation.cli', 'closed-loop evaluation without ROS'),
    'export': ('lwd_ros.learning.export_cli', 'export the generator to ONNX'),
    'bag2dataset': ('lwd_ros.data.bag2dataset', 'convert rosbag2 recordings to a dataset'),
    'launch': ('lwd_ros.ros.bringup', 'start a node graph without ros2 launch'),
    'view': ('lwd_ros.ros.view', 'stream the running graph to Foxglove (WebSocket)'),
    'task': ('lwd_ros.ros.task_cli', "switch a running graph's task (ros2 topic pub /lwd/task)"),
    'mark': ('lwd_ros.ros.mark_cli', 'label the demonstration being recorded: success | fail'),
}
# Commands each sim implements itself (EnvSpec.collect/.dagger/.render), chosen by --robot.
SIM_COMMANDS = ('collect', 'dagger', 'render')


def _usage() -> str:
    width = max(map(len, COMMANDS))
    rows = '\n'.join(f'  {name:<{width}}  {text}' + (' (--robot)' if name in SIM_COMMANDS else '')
                     for name, (_, text) in COMMANDS.items())
    return f'usage: lwd <command> [options]\n\ncommands:\n{rows}\n\n`lwd <command> -h` for help.'


def _robot_of(rest: list[str]) -> str:
    """The ``--robot`` of a sim command's arguments (the default sim when absent).

    ``--env``, its name before the robot was called ``robot`` everywhere, still works.
    """
    from lwd_ros.envs import DEFAULT_ENV

    for flag in ('--robot', '--env'):
        given = next((a.split('=', 1)[1] for a in rest if a.startswith(flag + '=')), None)
        if given is None and flag in rest[:-1]:
            given = rest[rest.index(flag) + 1]
        if given:
            return given
    return DEFAULT_ENV


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help'):
        print(_usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f'lwd: unknown command {name!r}\n\n{_usage()}', file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog=f'lwd {name}', description=COMMANDS[name][1])
    if name in SIM_COMMANDS:
        from lwd_ros.envs import env_hook, get_spec

        try:
            module = env_hook(get_spec(_robot_of(rest)), name)
        except ValueError as e:
            print(f'lwd {name}: error: {e}', file=sys.stderr)
            return 2
        parser.add_argument('--robot', '--env', dest='robot', default=_robot_of([]),
                            help='the simulated robot (lwd_ros.envs.specs(); its own options '
                                 'follow)')
    else:
        module = importlib.import_module(COMMANDS[name][0])
    module.add_arguments(parser)
    args = parser.parse_args(rest)
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    return int(module.run(args) or 0)


if __name__ == '__main__':
    sys.exit(main())
