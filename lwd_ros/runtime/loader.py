# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One entry point for generators: ``load_generator(path)`` picks the backend by content.

Why a module of its own: the backends subclass ``PolicyGenerator``, so a ``load`` on the
base class would import its own subclasses (a cycle). Here the dependency runs one way, and
torch is imported only when a training checkpoint is opened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from lwd_ros.contract import RobotContract
from lwd_ros.runtime.checkpoint import META_FILE, MODEL_FILE, read_meta

if TYPE_CHECKING:
    from lwd_ros.runtime.baseline import FixedPolicyGenerator
    from lwd_ros.runtime.generator import PolicyGenerator

BACKENDS = ('auto', 'torch', 'onnx')
EXPORT_DIR = 'onnx'  # an ONNX export kept inside its checkpoint: what ``auto`` opens first
EXPORT_ONLY = ('opset', 'exported_from', 'ema')  # what an export adds to the training record


def backend_of(path: str | Path) -> str:
    """``torch`` for a training checkpoint (``model.safetensors``), else ``onnx``."""
    return 'torch' if (Path(path) / MODEL_FILE).exists() else 'onnx'


def bundled_export(path: str | Path) -> Path | None:
    """``<checkpoint>/onnx`` if it holds an ONNX export of exactly this checkpoint's weights.

    Why ``auto`` prefers it: onnxruntime opens a shipped generator in ~0.2 s where torch takes
    ~3 s (its import alone ~1.2 s), the difference between a first command ~3 s and ~7 s
    after launch on a busy 2-core machine (results/startup.json); both backends share the
    sampler, and ``lwd export`` checks their parity. An export of other weights (the
    checkpoint retrained since: another training record; raw instead of EMA weights) is
    ignored. Made with ``lwd export --checkpoint DIR --onnx DIR/onnx``.
    """
    path = Path(path)
    export = path / EXPORT_DIR
    if not (path / MODEL_FILE).exists() or not (export / META_FILE).exists():
        return None
    try:
        mine = json.loads((path / META_FILE).read_text())
        theirs = json.loads((export / META_FILE).read_text())
    except (OSError, ValueError):
        return None
    training = dict(theirs.get('training') or {})
    if not training.pop('ema', False):
        return None
    for key in EXPORT_ONLY:
        training.pop(key, None)

    def weights(meta: dict) -> dict:
        out = {k: v for k, v in meta.items() if k not in ('files', 'training')}
        if out.get('robot'):  # as parsed: a field a newer contract adds has its default
            out['robot'] = RobotContract.from_dict(out['robot']).to_dict()
        return out
    same = weights(mine) == weights(theirs) and training == mine.get('training')
    return export if same else None


def load_generator(path: str | Path, backend: str = 'auto', device: str = 'cpu',
                   **kwargs) -> PolicyGenerator | FixedPolicyGenerator:
    """Open a checkpoint (``torch``) or ONNX export (``onnx``); ``auto`` picks by content.

    ``auto`` opens a checkpoint's own up-to-date export (``bundled_export``) with onnxruntime
    when the generator runs on the CPU: same policies, a tenth of the start-up.

    A baseline checkpoint (``bc``: no latent) opens as a ``FixedPolicyGenerator`` (numpy):
    one policy per task, the sampling arguments unused.

    ``device`` (torch only): ``cpu`` | ``auto`` | ``cuda`` | ``cuda:N``. Other keyword
    arguments go to the backend: ``sampler``, ``num_steps``, ``warm_start``, ``seed``,
    ``num_threads`` (default 1: generation runs beside a controller), and for torch
    ``use_ema`` (default True).
    """
    if backend not in BACKENDS:
        raise ValueError(f'{backend=} must be one of {BACKENDS}')
    meta = read_meta(path) if (Path(path) / META_FILE).is_file() else None
    if meta is not None and meta.latent_dim < 1:  # a baseline: its policies, nothing sampled
        from lwd_ros.runtime.baseline import FixedPolicyGenerator, bc_weights
        return FixedPolicyGenerator(meta, bc_weights(path, meta))
    if backend == 'auto':
        export = (bundled_export(path) if device == 'cpu' and kwargs.get('use_ema', True)
                  else None)
        if export:
            path, backend = export, 'onnx'
            kwargs.pop('use_ema', None)  # EMA weights: what the export holds
        else:
            backend = backend_of(path)
    if backend == 'torch':
        from lwd_ros.learning.torch_generator import TorchPolicyGenerator
        return TorchPolicyGenerator.load(path, device=device, **kwargs)
    if device != 'cpu':
        raise ValueError(f'device={device!r}: the onnx backend runs on the CPU '
                         '(onnxruntime); use the training checkpoint for a GPU')
    from lwd_ros.runtime.onnx_generator import OnnxPolicyGenerator
    return OnnxPolicyGenerator.load(path, **kwargs)
