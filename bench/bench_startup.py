# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Cold start of each node and of the pusht_sim graph: the seconds before a first command.

A Ctrl-C'd and relaunched graph, a respawned generator, a user's first ``lwd launch``: each
waits for interpreters to import, a model to load and a sim to compile before the robot gets a
command. Stages, each from the ``Popen`` of a fresh process (wall clock, p50 and max over
``--runs``):

- ``imports_s``: ``import lwd_ros.nodes.<node>`` done (interpreter start included);
- ``ready_s``: the node built and spinning (its start-up log line: the generator has loaded
  its model, the bridge compiled its sim), with the pusht_sim parameters;
- ``stop_s``: from a SIGINT once ready to the process's exit;
- ``first_command_s`` (graph): ``lwd launch pusht_sim`` started -> the first message on the
  robot's command topic, seen by a subscriber of this process started before the graph.

``--checkpoint`` runs the generator on another checkpoint or ONNX export (``lwd export``), to
compare backends; ``--label`` files the figures under a name in ``--json`` so runs before and
after a change sit side by side::

    python bench/bench_startup.py --runs 3 --label after --json results/startup.json
    python bench/bench_startup.py --runs 3 --label onnx --checkpoint /tmp/pusht_onnx \
        --nodes policy_generator --json results/startup.json

Target (issue 32): first command within ~5 s of launch for pusht_sim on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = Path(__file__).resolve().parents[1]
PARAMS = ('lwd.yaml', 'pusht_sim.yaml')
READY = {'policy_generator': 'generator from', 'mujoco_bridge': 'x real time',
         'lwd_controller': 'controlling'}
COMMAND_TOPIC = '/forward_position_controller/commands'  # the pusht contract's


def _env(domain: int) -> dict:
    """This checkout's code and share files (launch, config, models), not an install's."""
    prefix = Path(tempfile.mkdtemp(prefix='lwd_startup_'))
    (prefix / 'share').mkdir()
    (prefix / 'share' / 'lwd_ros').symlink_to(REPO)
    return {**os.environ, 'ROS_DOMAIN_ID': str(domain), 'ROS_AUTOMATIC_DISCOVERY_RANGE':
            'LOCALHOST', 'PYTHONPATH': os.pathsep.join([str(REPO),
                                                        os.environ.get('PYTHONPATH', '')]),
            'AMENT_PREFIX_PATH': os.pathsep.join([str(prefix),
                                                  os.environ.get('AMENT_PREFIX_PATH', '')])}


def _wait_line(proc: subprocess.Popen, text: str, timeout: float) -> bool:
    """Wait until ``text`` shows in the process's output; False (tail printed) if it does not."""
    found = threading.Event()
    lines: list[str] = []

    def read():
        for line in proc.stdout:
            lines.append(line)
            if text in line:
                found.set()
                break
    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout):
        print(''.join(lines[-20:]), file=sys.stderr)
    return found.is_set()


def _stop(proc: subprocess.Popen, timeout: float = 20.0) -> float:
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return time.monotonic() - t0


def imports(node: str, env: dict) -> float:
    t0 = time.monotonic()
    subprocess.run([sys.executable, '-c', f'import lwd_ros.nodes.{node}'], env=env, cwd=REPO,
                   check=True)
    return time.monotonic() - t0


def ready_and_stop(node: str, env: dict, extra: list[str]) -> tuple[float, float]:
    files = [a for f in PARAMS for a in ('--params-file', str(REPO / 'config' / 'ros' / f))]
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, '-m', f'lwd_ros.nodes.{node}', '--ros-args',
                             *files, *extra], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not _wait_line(proc, READY[node], 120):
        proc.kill()
        raise RuntimeError(f'{node} never became ready')
    ready = time.monotonic() - t0
    time.sleep(0.3)
    return ready, _stop(proc)


def first_command(env: dict, launch_args: list[str]) -> float:
    """``lwd launch pusht_sim`` -> first command message, seen from this process."""
    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.qos import qos_profile_sensor_data
    from std_msgs.msg import Float64MultiArray

    context = rclpy.Context()
    rclpy.init(context=context, domain_id=int(env['ROS_DOMAIN_ID']))
    node = rclpy.create_node('startup_probe', context=context)
    got: list[float] = []
    node.create_subscription(Float64MultiArray, COMMAND_TOPIC,  # best effort matches any
                             lambda _: got or got.append(time.monotonic()),
                             qos_profile_sensor_data)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(node)
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, '-m', 'lwd_ros.cli', 'launch', 'pusht_sim',
                             *launch_args], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    try:
        while not got and time.monotonic() - t0 < 120 and proc.poll() is None:
            executor.spin_once(timeout_sec=0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        executor.shutdown()
        node.destroy_node()
        context.try_shutdown()
    if not got:
        raise RuntimeError('no command within 120 s:\n' + ''.join(lines[-30:]))
    return got[0] - t0


def summary(values: list[float]) -> dict:
    return {'p50': round(statistics.median(values), 3), 'max': round(max(values), 3),
            'runs': [round(v, 3) for v in values]}


def _merged(old: dict, new: dict) -> dict:
    """``new``'s figures with ``old``'s runs added: summaries over all of them."""
    def merge(a, b):
        if isinstance(b, dict) and 'runs' in b:
            return summary([*a['runs'], *b['runs']])
        if isinstance(b, dict):
            return {k: merge(a[k], v) if k in a else v for k, v in b.items()}
        return b
    merged = merge(old, new)
    merged['n_runs'] = old['n_runs'] + new['n_runs']
    merged['load_avg_1min'] = [*([old['load_avg_1min']] if not isinstance(
        old['load_avg_1min'], list) else old['load_avg_1min']), new['load_avg_1min']]
    return merged


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--nodes', nargs='*', default=list(READY))
    ap.add_argument('--no-graph', action='store_true', help='skip the pusht_sim graph')
    ap.add_argument('--checkpoint', default='', help='the generator\'s (default: params file)')
    ap.add_argument('--label', default='current')
    ap.add_argument('--append', action='store_true',
                    help='add these runs to the label\'s (interleave labels run by run)')
    ap.add_argument('--json', type=Path, default=REPO / 'results' / 'startup.json')
    ap.add_argument('--domain', type=int, default=150)
    args = ap.parse_args(argv)
    env = _env(args.domain)
    extra = ['-p', f'checkpoint:={args.checkpoint}'] if args.checkpoint else []
    out: dict = {'nodes': {}}
    for node in args.nodes:
        rows = [(imports(node, env), *ready_and_stop(
            node, env, extra if node == 'policy_generator' else []))
            for _ in range(args.runs)]
        out['nodes'][node] = {k: summary([r[i] for r in rows])
                              for i, k in enumerate(('imports_s', 'ready_s', 'stop_s'))}
        print(node, {k: (v['p50'], v['max']) for k, v in out['nodes'][node].items()},
              flush=True)
    if not args.no_graph:
        launch = [f'checkpoint:={args.checkpoint}'] if args.checkpoint else []
        out['graph'] = {'pusht_sim': {'first_command_s': summary(
            [first_command(env, launch) for _ in range(args.runs)])}}
        print('pusht_sim first command', out['graph']['pusht_sim'], flush=True)
    out.update(checkpoint=args.checkpoint or 'models/pusht (params file)', n_runs=args.runs,
               cpus=os.cpu_count(), load_avg_1min=round(os.getloadavg()[0], 2),
               date=time.strftime('%Y-%m-%d %H:%M'))
    data = json.loads(args.json.read_text()) if args.json.exists() else {}
    data.setdefault('doc', 'bench/bench_startup.py: cold start per node and for the pusht_sim '
                    'graph, seconds from process start (p50/max over runs), by label')
    labels = data.setdefault('labels', {})
    if args.append and args.label in labels:  # interleaved runs of several labels
        out = _merged(labels[args.label], out)
    labels[args.label] = out
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=1) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
