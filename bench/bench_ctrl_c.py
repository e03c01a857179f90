# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Ctrl-C under the real ``ros2 launch``: tracebacks, non-zero exits and hangs over N runs.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group, and ``ros2 launch``
forwards SIGINT to its children as well, so every node gets two SIGINTs close together while
it may be inside a callback, a torch call or a MuJoCo step. The pip-only ``lwd launch`` has
its own launcher; this bench runs the real launch system (launch / launch_ros / ros2cli, e.g.
a colcon overlay) in a pseudo-terminal it owns, waits until policies flow, types Ctrl-C
(``\x03`` on the terminal; ``--signal killpg`` sends SIGINT to the process group instead)
and records what the output shows::

    python bench/bench_ctrl_c.py --setup /tmp/rosws/env.sh --runs 20 \
        --json results/ctrl_c_real_launch.json
    python bench/bench_ctrl_c.py --setup /tmp/rosws/env.sh --runs 5 \
        --launch-file pusht_record.launch.py --ready 'recording /' \
        --launch-arg 'output:=/tmp/rosws/demos/run_{run}' \
        --json results/ctrl_c_real_launch.json --merge
    # Ctrl-C at a uniformly random moment 0.3-15 s after the launch starts (imports, model
    # load, running alike), not relative to --ready:
    python bench/bench_ctrl_c.py --setup /tmp/rosws/env.sh --runs 20 --at 0.3 15 \
        --label pusht_sim_random --json results/ctrl_c_real_launch.json --merge

Target (issue 27): 0 tracebacks over 20 Ctrl-Cs. Per run: launch's exit code, each node's exit
code as launch reports it, tracebacks (verbatim), ``KeyboardInterrupt``, ``[ERROR]`` lines,
processes left behind, time to exit, launch's escalations (``sending signal 'SIGTERM'`` /
``'SIGKILL'`` to a node that outlived the SIGINT); a run that does not exit within
``--exit-timeout`` is killed and counted as a hang. ``--signal sigterm`` sends SIGTERM to the
``ros2 launch`` process alone (what a process manager does) instead of a Ctrl-C.
"""

import argparse
import fcntl
import json
import os
from pathlib import Path
import pty
import random
import re
import select
import shlex
import signal
import subprocess
import termios
import time

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
CLEAN = re.compile(r'\[INFO\] \[([\w.\-]+)\]: process has finished cleanly \[pid (\d+)\]')
DIED = re.compile(r'\[ERROR\] \[([\w.\-]+)\]: process has died \[pid (\d+), exit code (-?\d+)')
STARTED = re.compile(r'\[INFO\] \[([\w.\-]+)\]: process started with pid \[(\d+)\]')
ESCALATED = re.compile(r"\[([\w.\-]+)\]: sending signal '(SIGTERM|SIGKILL)' to process")
VERSIONS = ('launch', 'launch_ros', 'launch_xml', 'launch_yaml', 'ros2cli', 'ros2launch',
            'rclpy', 'osrf_pycommon')


def shell(setup: str, command: str) -> list[str]:
    """``bash -c`` that sources ``setup`` (if given) and then execs ``command``."""
    prefix = f'. {shlex.quote(setup)} && ' if setup else ''
    return ['bash', '-c', f'{prefix}exec {command}']


def system_info(args) -> dict:
    code = ('import importlib.metadata as m, json\n'
            'v = {}\n'
            f'for n in {VERSIONS!r}:\n'
            '    try:\n'
            '        v[n] = m.version(n)\n'
            '    except m.PackageNotFoundError:\n'
            '        v[n] = None\n'
            'import os\n'
            "v['RMW_IMPLEMENTATION'] = os.environ.get('RMW_IMPLEMENTATION')\n"
            'print(json.dumps(v))')
    env = dict(os.environ, ROS_DOMAIN_ID=str(args.domain_id))
    out = subprocess.run(shell(args.setup, f'python -c {shlex.quote(code)}'), env=env,
                         capture_output=True, text=True, timeout=60)
    versions = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {
        'error': out.stderr[-2000:]}
    prefix = subprocess.run(shell(args.setup, f'{args.ros2} pkg prefix {args.package}'),
                            env=env, capture_output=True, text=True, timeout=60)
    source = Path(args.source)
    git = ['git', '-C', str(source)]
    commit = subprocess.run([*git, 'rev-parse', 'HEAD'], capture_output=True, text=True)
    dirty = subprocess.run([*git, 'status', '--porcelain', '--untracked-files=no'],
                           capture_output=True, text=True)
    return {
        'versions': versions,
        'package_prefix': prefix.stdout.strip() or prefix.stderr.strip()[-500:],
        'source': str(source.resolve()),
        'commit': commit.stdout.strip() or None,
        'source_dirty': bool(dirty.stdout.strip()),
        'setup': args.setup,
        'cpus': os.cpu_count(),
        'loadavg_at_start': os.getloadavg(),
    }


def tracebacks(lines: list[str]) -> list[str]:
    """Every ``Traceback`` block: its line up to the exception line of the same prefix."""
    blocks = []
    for i, line in enumerate(lines):
        at = line.find('Traceback (most recent call last)')
        if at < 0:
            continue
        prefix = line[:at]
        if not re.fullmatch(r'\[[\w.\-]+\] ', prefix):
            prefix = ''  # launch's own output, after the terminal's echoed '^C'
        block = [line]
        for nxt in lines[i + 1:i + 200]:
            if prefix and not nxt.startswith(prefix):
                continue  # another process's line interleaved
            block.append(nxt)
            body = nxt[len(prefix):]
            if body and not body[0].isspace() and not body.startswith('Traceback'):
                break  # 'SomeError: ...' ends the block
        blocks.append('\n'.join(block))
    return blocks


def read_available(fd: int, chunks: list[bytes], timeout: float) -> bool:
    """Read what the terminal has within ``timeout``; False once it is closed."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO: every slave end is closed
        return False
    if not data:
        return False
    chunks.append(data)
    return True


def text_of(chunks: list[bytes]) -> str:
    return ANSI.sub('', b''.join(chunks).decode(errors='replace')).replace('\r', '')


def alive(pids) -> list[int]:
    left = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        except PermissionError:
            pass
        left.append(pid)
    return left


def group_members(pgid: int) -> list[int]:
    out = subprocess.run(['ps', '-e', '-o', 'pid=,pgid='], capture_output=True, text=True)
    return [int(p) for p, g in (line.split() for line in out.stdout.splitlines())
            if int(g) == pgid]


def one_run(args, index: int, cwd: Path, rng: random.Random) -> dict:
    command = ' '.join([args.ros2, 'launch', shlex.quote(args.package),
                        shlex.quote(args.launch_file),
                        *(shlex.quote(a.replace('{run}', str(index))) for a in args.launch_arg)])
    env = dict(os.environ, ROS_DOMAIN_ID=str(args.domain_id), PYTHONUNBUFFERED='1')
    master, slave = pty.openpty()

    def own_terminal():
        # new session whose controlling terminal is the pty: the launch is its foreground
        # process group, so the ^C typed below reaches every process of it, as in a shell
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    if args.at:
        hold = rng.uniform(*args.at)  # seconds after the launch starts
    else:
        hold = args.hold + rng.uniform(0.0, args.jitter)  # seconds after --ready
    t_start = time.monotonic()
    proc = subprocess.Popen(shell(args.setup, command), stdin=slave, stdout=slave, stderr=slave,
                            cwd=cwd, env=env, preexec_fn=own_terminal, close_fds=True)
    os.close(slave)
    pgid = proc.pid
    chunks: list[bytes] = []
    ready_re = re.compile(args.ready)
    open_ = True
    ready_at = None
    deadline = t_start + (hold if args.at else args.ready_timeout)
    while open_ and time.monotonic() < deadline and proc.poll() is None:
        open_ = read_available(master, chunks,
                               min(0.2, max(0.0, deadline - time.monotonic())))
        if ready_at is None and ready_re.search(text_of(chunks)):
            ready_at = time.monotonic()
            if not args.at:
                deadline = ready_at + hold
    before = text_of(chunks)
    pids = [int(pid) for _, pid in STARTED.findall(before)]
    exited_early = proc.poll() is not None
    t_int = time.monotonic()
    if not exited_early:
        if args.signal == 'tty':
            os.write(master, b'\x03')
        elif args.signal == 'sigterm':
            os.kill(proc.pid, signal.SIGTERM)  # bash exec'd ros2: this is the launch
        else:
            os.killpg(pgid, signal.SIGINT)
    hang = False
    while proc.poll() is None:
        if time.monotonic() - t_int > args.exit_timeout:
            hang = True
            os.killpg(pgid, signal.SIGKILL)
            proc.wait()
            break
        if open_:
            open_ = read_available(master, chunks, 0.1)
        else:
            time.sleep(0.1)
    t_exit = time.monotonic()
    # the nodes may still write after launch itself is gone
    drain = time.monotonic() + 2.0
    while open_ and time.monotonic() < drain:
        open_ = read_available(master, chunks, 0.1)
    os.close(master)
    left = sorted(set(alive(pids)) | set(group_members(pgid)))
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    text = text_of(chunks)
    lines = text.splitlines()
    after = text[len(before):].splitlines()
    nodes = {name: 0 for name, _ in CLEAN.findall(text)}
    nodes.update({name: int(code) for name, _, code in DIED.findall(text)})
    for name, _ in STARTED.findall(text):
        nodes.setdefault(name, None)  # started, exit never reported
    if args.log_dir:
        Path(args.log_dir).mkdir(parents=True, exist_ok=True)
        (Path(args.log_dir) / f'{args.label}_{index:02d}.log').write_text(text)
    blocks = tracebacks(lines)
    escalations = [f'{name} {sig}' for name, sig in ESCALATED.findall(text)]
    return {
        'run': index,
        'ready': ready_at is not None,
        'seconds_to_ready': None if ready_at is None else round(ready_at - t_start, 2),
        'hold_s': round(hold, 2),
        'ctrl_c_at_s': round(t_int - t_start, 2),
        'nodes_started_before_ctrl_c': len(pids),
        'exited_before_ctrl_c': exited_early,
        'launch_exit_code': proc.returncode,
        'seconds_to_exit': round(t_exit - t_int, 2),
        'hang': hang,
        'node_exit_codes': nodes,
        'nodes_nonzero': sorted(n for n, c in nodes.items() if c not in (0, None)),
        'nodes_exit_unreported': sorted(n for n, c in nodes.items() if c is None),
        'tracebacks': len(blocks),
        'traceback_text': blocks,
        'keyboard_interrupt': text.count('KeyboardInterrupt'),
        'process_has_died': text.count('process has died'),
        'escalations': escalations,
        'error_lines': [line for line in lines if '[ERROR]' in line],
        'processes_left_behind': left,
        'shutdown_output': after[-args.keep_lines:],
    }


def totals(runs: list[dict]) -> dict:
    return {
        'runs': len(runs),
        'runs_ready': sum(r['ready'] for r in runs),
        'runs_with_traceback': sum(r['tracebacks'] > 0 for r in runs),
        'tracebacks': sum(r['tracebacks'] for r in runs),
        'runs_with_keyboard_interrupt': sum(r['keyboard_interrupt'] > 0 for r in runs),
        'runs_with_error_line': sum(bool(r['error_lines']) for r in runs),
        'nodes_exiting_nonzero': sum(len(r['nodes_nonzero']) for r in runs),
        'nodes_exit_unreported': sum(len(r['nodes_exit_unreported']) for r in runs),
        'launch_nonzero_exits': sum(r['launch_exit_code'] not in (0, None) for r in runs),
        'hangs': sum(r['hang'] for r in runs),
        'escalations': sum(len(r['escalations']) for r in runs),
        'runs_with_escalation': sum(bool(r['escalations']) for r in runs),
        'runs_leaving_processes': sum(bool(r['processes_left_behind']) for r in runs),
        'max_seconds_to_exit': max((r['seconds_to_exit'] for r in runs), default=None),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--setup', default='',
                        help='shell file sourced before ros2 (e.g. /tmp/rosws/env.sh)')
    parser.add_argument('--ros2', default='ros2', help='the ros2 command')
    parser.add_argument('--package', default='lwd_ros')
    parser.add_argument('--launch-file', default='pusht_sim.launch.py')
    parser.add_argument('--launch-arg', action='append', default=[],
                        help='name:=value passed to the launch file (repeatable); {run} in it '
                        'becomes the run index (e.g. a fresh bag directory per run)')
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--ready', default=r'policy generation \d+ for task',
                        help='regex in the output after which the graph counts as running')
    parser.add_argument('--ready-timeout', type=float, default=120.0,
                        help='Ctrl-C anyway after this many seconds without --ready')
    parser.add_argument('--hold', type=float, default=3.0,
                        help='seconds to keep running after --ready before the Ctrl-C')
    parser.add_argument('--jitter', type=float, default=2.0,
                        help='plus a uniform random 0..jitter s, so the ^C lands in varied phases')
    parser.add_argument('--at', type=float, nargs=2, metavar=('LO', 'HI'), default=None,
                        help='Ctrl-C at a uniform random LO..HI s after the launch starts '
                        '(instead of --hold/--jitter after --ready)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--exit-timeout', type=float, default=30.0,
                        help='seconds after Ctrl-C before SIGKILL (counted as a hang)')
    parser.add_argument('--signal', choices=('tty', 'killpg', 'sigterm'), default='tty',
                        help="tty: type ^C on the launch's terminal; killpg: SIGINT to its "
                        "group; sigterm: SIGTERM to the ros2 launch process alone")
    parser.add_argument('--domain-id', type=int, default=77)
    parser.add_argument('--source', default=str(REPO),
                        help='lwd_ros source tree the overlay was built from (for its commit)')
    parser.add_argument('--cwd', default='', help='working directory of ros2 launch')
    parser.add_argument('--log-dir', default='', help='write each run\'s full output here')
    parser.add_argument('--keep-lines', type=int, default=40,
                        help='lines of output after the Ctrl-C kept per run in the JSON')
    parser.add_argument('--label', default='',
                        help='key of these runs in --json (default: the launch file)')
    parser.add_argument('--json', default='')
    parser.add_argument('--note', default='', help='free text stored with these runs')
    parser.add_argument('--merge', action='store_true',
                        help='keep the other launch files\' results already in --json')
    args = parser.parse_args()
    args.label = args.label or args.launch_file.removesuffix('.launch.py')
    rng = random.Random(args.seed)

    info = system_info(args)
    print(json.dumps(info, indent=1))
    cwd = Path(args.cwd or os.getcwd())
    runs = []
    for i in range(args.runs):
        run = one_run(args, i, cwd, rng)
        runs.append(run)
        print(f"run {i:2d}: ^C at {run['ctrl_c_at_s']} s, ready {run['seconds_to_ready']} s, "
              f"launch rc {run['launch_exit_code']}, exit {run['seconds_to_exit']} s, nodes "
              f"{run['node_exit_codes']}, tracebacks {run['tracebacks']}, hang {run['hang']}, "
              f"escalations {run['escalations']}, left {run['processes_left_behind']}",
              flush=True)
        for block in run['traceback_text']:
            print(block)
    result = {'launch_file': args.launch_file, 'launch_args': args.launch_arg,
              'signal': args.signal, 'ready': args.ready, 'hold_s': args.hold,
              'jitter_s': args.jitter, 'at_s': args.at, 'seed': args.seed,
              'exit_timeout_s': args.exit_timeout, 'note': args.note,
              'loadavg_at_start': info['loadavg_at_start'], 'system': info,
              'totals': totals(runs), 'runs': runs}
    print(json.dumps(result['totals'], indent=1))
    if args.json:
        path = Path(args.json)
        doc = json.loads(path.read_text()) if args.merge and path.exists() else {}
        doc.update({'system': info, 'target': (
            'issue 32: 20 Ctrl-Cs at random moments per graph (pusht_sim, arm7_sim, mt10_sim, '
            'pusht_record) with both cores busy: 0 tracebacks, 0 non-zero exits, '
            '0 escalations')})
        doc.setdefault('launches', {})[args.label] = result
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=1) + '\n')


if __name__ == '__main__':
    main()
