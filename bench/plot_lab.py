# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Plot the sim-free lab benchmark (issue 33 item 1): every ``results/lab/<robot>_<N>.json``.

Left: each robot's 100-episode bag, every method's success beside its demonstrator's (the
noisy operator that recorded the bag; the target is LWD >= 0.9x that). Right: arm7 by bag size
(50 / 100 / 200 episodes). ``<robot>_<N>_min3k.json`` (``config/train/robot.yaml`` as
shipped) and ``<robot>_<N>_sized.json`` (60 epochs, at least 500 steps) add its step sizing
(``train.epochs``) beside the bench's WARPD row. The rows come from
``bench/bench_lab.py`` (arm7, planar2) and the PushT row's own JSON, whose layouts differ a
little; ``success`` reads both::

    python bench/plot_lab.py            # -> results/lab/lab.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import re

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
METHODS = ('warpd_min3k', 'warpd_sized', 'warpd', 'lwd', 'bc', 'dp')
LABELS = {'demonstrator': 'demonstrator',
          'warpd_min3k': 'WARPD, robot.yaml (60 epochs, >= 3k steps)',
          'warpd_sized': 'WARPD, 60 epochs, >= 500 steps',
          'warpd': 'WARPD, VAE 2k / diffusion 8k', 'lwd': "LWD (the robot's recipe)",
          'bc': 'BC', 'dp': 'DP peer'}
COLORS = {'demonstrator': '0.6', 'warpd_min3k': 'midnightblue', 'warpd_sized': 'tab:purple',
          'warpd': 'tab:blue', 'lwd': 'tab:cyan',
          'bc': 'tab:orange', 'dp': 'tab:red'}


def success(row: dict) -> float | None:
    """A method's success rate in either layout (``eval.success_rate`` or ``success_rate``)."""
    if 'eval' in row and 'success_rate' in row['eval']:
        return float(row['eval']['success_rate'])
    return float(row['success_rate']) if 'success_rate' in row else None


def demonstrator(result: dict) -> float | None:
    """The noisy operator's success on the evaluation starts (what recorded the bag)."""
    expert = result.get('methods', {}).get('expert') or result.get('expert') or {}
    for key in ('operator', 'noisy_operator'):
        if key in expert and 'success_rate' in expert[key]:
            return float(expert[key]['success_rate'])
    return None


def load(folder: Path) -> dict[tuple[str, int], dict[str, float]]:
    """``(robot, episodes) -> {method: success}`` for every ``<robot>_<N>.json``."""
    rows = {}
    for path in sorted(folder.glob('*.json')):
        m = re.fullmatch(r'([a-z0-9]+)_(\d+)(_sized|_min3k)?', path.stem)
        if not m:
            continue
        result = json.loads(path.read_text())
        if m.group(3):  # robot.yaml's step sizing (train.epochs), beside the bench's WARPD
            row = rows.setdefault((m.group(1), int(m.group(2))), {})
            row['warpd' + m.group(3)] = success(result['methods']['warpd'])
            continue
        row = {k: success(v) for k, v in result.get('methods', {}).items() if k in METHODS}
        row = {k: v for k, v in row.items() if v is not None}
        demo = demonstrator(result)
        if demo is not None:
            row['demonstrator'] = demo
        rows.setdefault((m.group(1), int(m.group(2))), {}).update(row)
    return rows


def bars(ax, groups: list[str], rows: list[dict[str, float]], title: str) -> None:
    keys = [k for k in ('demonstrator', *METHODS) if any(k in r for r in rows)]
    width = 0.8 / len(keys)
    for i, key in enumerate(keys):
        for g, row in enumerate(rows):
            if key not in row:
                continue
            x = g + (i - (len(keys) - 1) / 2) * width
            ax.bar(x, row[key], width, color=COLORS[key],
                   label=LABELS[key] if g == next(j for j, r in enumerate(rows) if key in r)
                   else None)
            ax.text(x, row[key] + 0.01, f'{row[key]:.2f}', ha='center', va='bottom',
                    fontsize=7)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel('success (150 held-out episodes)')
    ax.set_title(title, fontsize=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--results', type=Path, default=REPO / 'results/lab')
    parser.add_argument('--out', type=Path, default=REPO / 'results/lab/lab.png')
    args = parser.parse_args()
    rows = load(args.results)
    if not rows:
        raise SystemExit(f'no <robot>_<N>.json in {args.results}')
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2), width_ratios=[3, 2])
    robots = sorted(r for r, n in rows if n == 100)
    bars(left, robots, [rows[r, 100] for r in robots],
         '100 noisy demonstrations recorded through ROS, no simulator in training')
    sizes = sorted(n for r, n in rows if r == 'arm7')
    bars(right, [f'{n} episodes' for n in sizes], [rows['arm7', n] for n in sizes],
         'arm7 by bag size')
    handles = {h.get_label(): h for ax in (left, right)
               for h in ax.get_legend_handles_labels()[0]}
    fig.legend(handles.values(), handles.keys(), loc='upper center', ncol=4,
               fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.88))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(args.out)


if __name__ == '__main__':
    main()
