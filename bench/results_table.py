# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Render bench JSON as the results tables of docs/results.md (and rewrite them in place).

docs/results.md holds each generated table between ``<!-- results:NAME -->`` and
``<!-- /results:NAME -->``; ``--update docs/results.md`` replaces what is between them, so the
figures people read are the figures a bench printed.

    python bench/results_table.py --horizon results/pusht_horizon.json --update docs/results.md
"""

import argparse
import json
from pathlib import Path
import re

NAMES = {'lwd': 'LWD (generated MLP)', 'dp': 'Diffusion Policy (peer)',
         'bc': 'multi-task MLP', 'lwd_same_data': "LWD on the DP's demonstrations",
         'lwd_h32': 'LWD trained for H = 32 (`models/pusht_h32`)'}


def _fmt_flops(x: float) -> str:
    return f'{x / 1e6:.2f} M' if x >= 1e5 else f'{x / 1e3:.1f} k'


def horizon_table(result: dict) -> str:
    """One row per (method, H): success and coverage with s.e., FLOPs and time per step."""
    lines = ['| method | H | success ± s.e. | mean max coverage ± s.e. | FLOPs / control step '
             '| wall time / control step |', '|---|---|---|---|---|---|']
    for method, info in result['methods'].items():
        name = NAMES.get(method, method) + (', DDPM 100' if info.get('sampler') == 'ddpm'
                                            else '')
        for h, row in info['by_horizon'].items():
            if 'success_rate' not in row:
                lines.append(f'| {name} | {h} | n/a (more steps than '
                             'one sampled sequence holds) | | | |')
                continue
            lines.append(
                f"| {name} | {h} | {row['success_rate']:.2f} ± "
                f"{row['success_se']:.2f} | {row['mean_max_coverage']:.3f} ± "
                f"{row['coverage_se']:.3f} | {_fmt_flops(row['flops_per_step'])} | "
                f"{row['wall_s_per_step'] * 1e3:.3f} ms |")
    n = ', '.join(f"{NAMES.get(m, m)} {i['episodes_per_task']}"
                  for m, i in result['methods'].items())
    lines.append('')
    lines.append(f"Held-out episodes per goal (3 goals): {n}; reset seeds from "
                 f"{result['seed']}, the same for every method.")
    reused = [NAMES.get(m, m) for m, i in result['methods'].items()
              if i.get('reused_from') and not i.get('checkpoint_absent')]
    absent = [NAMES.get(m, m) for m, i in result['methods'].items() if i.get('checkpoint_absent')]
    if reused:
        lines[-1] += (f" Cells of {', '.join(reused)} are copied from an earlier run of the "
                      "byte-identical checkpoint (deterministic per seed; their wall times are "
                      "from that run).")
    if absent:
        lines[-1] += (f" Cells of {', '.join(absent)} are copied from an earlier run: the "
                      "checkpoint is not on this machine, so they are not re-verified (their "
                      "wall times are from that run).")
    return '\n'.join(lines)


def mt10_table(result: dict) -> str:
    """Per-task success of the experts and every method, then size and cost per method."""
    methods = result['methods']
    cols = ['expert (ceiling)'] + [NAMES[m] for m in methods]
    lines = ['| task | ' + ' | '.join(cols) + ' |', '|---|' + '---|' * len(cols)]
    rows = [result['expert']] + list(methods.values())
    for task in result['expert']['per_task']:
        cells = [f"{r['per_task'][task]['success_rate']:.2f}" if task in r['per_task'] else '—'
                 for r in rows]
        lines.append(f'| {task} | ' + ' | '.join(cells) + ' |')
    lines.append('| **mean ± s.e.** | ' + ' | '.join(
        f"**{r['success_rate']:.3f}** ± {r['success_se']:.3f}" for r in rows) + ' |')
    lines.append('| episodes | ' + ' | '.join(str(r['episodes']) for r in rows) + ' |')

    def params(m, r):
        if m == 'bc':
            return f"{r['multitask_params']:,} ({r['policy_params']:,} per task, folded)"
        if m == 'dp':
            return f"{r['params']:,}"
        return f"{r['policy_params']:,} (generated per episode)"
    lines.append('| deployed parameters | — | ' + ' | '.join(
        params(m, r) for m, r in methods.items()) + ' |')
    lines.append('| FLOPs / control step | — | ' + ' | '.join(
        _fmt_flops(r['flops_per_step']) for r in methods.values()) + ' |')
    lines.append('')
    lines.append(f"Held-out scenes: reset seeds from {result['seed']} (demonstrations come "
                 "from seeds counted up from 0), tasks cycling. LWD's FLOPs include one "
                 "generation per episode "
                 f"({_fmt_flops(methods['lwd']['generation_flops'])}) amortised over its "
                 f"steps; its MLP alone is {_fmt_flops(methods['lwd']['policy_flops_per_step'])}"
                 ' per step.' if 'lwd' in methods else '')
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
    parser.add_argument('--mt10', help='bench_mt10.py JSON')
    parser.add_argument('--update', metavar='README', help='rewrite the tables in this file')
    args = parser.parse_args()
    if args.horizon:
        table = horizon_table(json.loads(Path(args.horizon).read_text()))
        print(table)
        if args.update:
            update(Path(args.update), 'pusht_horizon', table)
    if args.mt10:
        table = mt10_table(json.loads(Path(args.mt10).read_text()))
        print(table)
        if args.update:
            update(Path(args.update), 'mt10', table)


if __name__ == '__main__':
    main()
