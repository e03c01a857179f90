# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Render bench JSON as the README's results tables (and rewrite them in place).

README.md holds each generated table between ``<!-- results:NAME -->`` and
``<!-- /results:NAME -->``; ``--update README.md`` replaces what is between them, so the
figures people read are the figures a bench printed.

    python bench/results_table.py --horizon results/pusht_horizon.json --update README.md
"""

import argparse
import json
from pathlib import Path
import re

NAMES = {'lwd': 'LWD (generated MLP)', 'dp': 'Diffusion Policy (peer)'}


def _fmt_flops(x: float) -> str:
    return f'{x / 1e6:.2f} M' if x >= 1e5 else f'{x / 1e3:.1f} k'


def horizon_table(result: dict) -> str:
    """One row per (method, H): success and coverage with s.e., FLOPs and time per step."""
    lines = ['| method | H | success ± s.e. | mean max coverage ± s.e. | FLOPs / control step '
             '| wall time / control step |', '|---|---|---|---|---|---|']
    for method, info in result['methods'].items():
        for h, row in info['by_horizon'].items():
            if 'success_rate' not in row:
                lines.append(f'| {NAMES.get(method, method)} | {h} | n/a (more steps than '
                             'one sampled sequence holds) | | | |')
                continue
            lines.append(
                f"| {NAMES.get(method, method)} | {h} | {row['success_rate']:.2f} ± "
                f"{row['success_se']:.2f} | {row['mean_max_coverage']:.3f} ± "
                f"{row['coverage_se']:.3f} | {_fmt_flops(row['flops_per_step'])} | "
                f"{row['wall_s_per_step'] * 1e3:.3f} ms |")
    n = ', '.join(f"{NAMES.get(m, m)} {i['episodes_per_task']}"
                  for m, i in result['methods'].items())
    lines.append('')
    lines.append(f"Held-out episodes per goal (3 goals): {n}; reset seeds from "
                 f"{result['seed']}, the same for every method.")
    return '\n'.join(lines)


def update(readme: Path, name: str, table: str) -> None:
    text = readme.read_text()
    pattern = re.compile(rf'(<!-- results:{name} -->\n).*?(\n<!-- /results:{name} -->)',
                         re.S)
    if not pattern.search(text):
        raise SystemExit(f'{readme} has no <!-- results:{name} --> block')
    readme.write_text(pattern.sub(lambda m: m.group(1) + table + m.group(2), text))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--horizon', help='bench_horizon.py JSON')
    parser.add_argument('--update', metavar='README', help='rewrite the tables in this file')
    args = parser.parse_args()
    if args.horizon:
        table = horizon_table(json.loads(Path(args.horizon).read_text()))
        print(table)
        if args.update:
            update(Path(args.update), 'pusht_horizon', table)


if __name__ == '__main__':
    main()
