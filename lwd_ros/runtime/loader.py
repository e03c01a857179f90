# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One entry point for generators: ``load_generator(path)`` picks the backend by content.

Why a module of its own: the backends subclass ``PolicyGenerator``, so a ``load`` on the
base class would import its own subclasses (a cycle). Here the dependency runs one way, and
torch is imported only when a training checkpoint is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lwd_ros.runtime.checkpoint import MODEL_FILE

if TYPE_CHECKING:
    from lwd_ros.runtime.generator import PolicyGenerator

BACKENDS = ('auto', 'torch', 'onnx')


def backend_of(path: str | Path) -> str:
    """``torch`` for a training checkpoint (``model.safetensors``), else ``onnx``."""
    return 'torch' if (Path(path) / MODEL_FILE).exists() else 'onnx'


def load_generator(path: str | Path, backend: str = 'auto', device: str = 'cpu',
                   **kwargs) -> PolicyGenerator:
    """Open a checkpoint (``torch``) or ONNX export (``onnx``); ``auto`` picks by content.

    ``device`` (torch only): ``cpu`` | ``auto`` | ``cuda`` | ``cuda:N``. Other keyword
    arguments go to the backend: ``sampler``, ``num_steps``, ``warm_start``, ``seed``,
    ``num_threads`` (default 1: generation runs beside a controller), and for torch
    ``use_ema`` (default True).
    """
    if backend not in BACKENDS:
        raise ValueError(f'{backend=} must be one of {BACKENDS}')
    if backend == 'auto':
        backend = backend_of(path)
    if backend == 'torch':
        from lwd_ros.learning.torch_generator import TorchPolicyGenerator
        return TorchPolicyGenerator.load(path, device=device, **kwargs)
    if device != 'cpu':
        raise ValueError(f'device={device!r}: the onnx backend runs on the CPU '
                         '(onnxruntime); use the training checkpoint for a GPU')
    from lwd_ros.runtime.onnx_generator import OnnxPolicyGenerator
    return OnnxPolicyGenerator.load(path, **kwargs)
