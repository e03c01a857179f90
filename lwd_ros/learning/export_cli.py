# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd export``: write an LWD checkpoint as ONNX graphs and check parity with torch.

Example::

    lwd export --checkpoint runs/lwd --onnx runs/lwd_onnx

The export directory loads with ``lwd_ros.runtime.loader.load_generator(dir)``
(onnxruntime backend, no torch)
and with ``lwd eval --checkpoint dir``.
"""

from __future__ import annotations

import argparse
import json
import logging

from lwd_ros.config import resolve_path

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--checkpoint', required=True, help='trained LWD checkpoint directory')
    parser.add_argument('--onnx', required=True, metavar='DIR', help='output directory')
    parser.add_argument('--opset', type=int, default=18)
    parser.add_argument('--no-ema', action='store_true', help='export the raw denoiser weights')
    parser.add_argument('--tolerance', type=float, default=1e-4,
                        help='max relative weight difference torch vs onnxruntime')
    parser.add_argument('--no-verify', action='store_true', help='skip the parity check')


def run(args: argparse.Namespace) -> int:
    from lwd_ros.learning.export_onnx import export_onnx, parity

    logging.getLogger('torch.onnx').setLevel(logging.ERROR)
    checkpoint = resolve_path(args.checkpoint)
    out = export_onnx(checkpoint, args.onnx, opset=args.opset, use_ema=not args.no_ema)
    print(f'exported {checkpoint} -> {out}')
    if args.no_verify:
        return 0
    report = {sampler: parity(checkpoint, out, samples=4 if sampler == 'ddim' else 1,
                              sampler=sampler, use_ema=not args.no_ema)
              for sampler in ('ddim', 'ddpm')}
    print(json.dumps({'parity': report, 'tolerance': args.tolerance}, indent=1))
    bad = [s for s, r in report.items() if r['max_rel_weight_diff'] > args.tolerance]
    if bad:
        log.error('torch and onnxruntime disagree beyond %g for %s', args.tolerance, bad)
        return 1
    return 0
