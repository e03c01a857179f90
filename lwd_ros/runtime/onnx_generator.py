# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The onnxruntime backend of ``PolicyGenerator``: numpy + onnxruntime, no torch.

An export directory (``lwd export``) holds two graphs, both with a dynamic batch axis:

- ``denoiser.onnx``: ``(u (B, L) f32, t (B,) i64, cond (B, cond_dim) f32, task (B,) i64)
  -> out (B, L)``, one denoiser evaluation (the "step graph"); ``cond`` the model-space
  observation (``lwd_ros.runtime.features.ModelSpace.obs_in``);
- ``decoder.onnx``: ``(u (B, L) f32, task (B,) i64) -> weights (B, P)``, the hypernetwork on
  the un-standardised latent, normalised-space weights.

The sampling loop is the numpy ``SamplerPlan`` shared with the torch backend, so any sampler
(DDIM with any step count, full DDPM, warm starts) works from the same two graphs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from lwd_ros.runtime.checkpoint import CheckpointError, read_config, read_meta, verify_file
from lwd_ros.runtime.generator import PolicyGenerator
from lwd_ros.runtime.sampler import SamplerPlan

DENOISER_FILE = 'denoiser.onnx'
DECODER_FILE = 'decoder.onnx'


def make_session(path: Path, num_threads: int | None) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    if num_threads is not None:
        opts.intra_op_num_threads = int(num_threads)
        opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    try:
        return ort.InferenceSession(str(path), opts, providers=['CPUExecutionProvider'])
    except Exception as e:  # noqa: BLE001 - onnxruntime raises its own exception types
        raise CheckpointError(path, f'onnxruntime cannot load the graph ({e})') from e


class OnnxPolicyGenerator(PolicyGenerator):
    """``PolicyGenerator`` on ``denoiser.onnx`` + ``decoder.onnx`` (module docstring)."""

    backend = 'onnx'

    def __init__(self, directory: str | Path, num_threads: int | None = 1, **kwargs):
        directory = Path(directory)
        meta = read_meta(directory)
        super().__init__(meta, read_config(directory).diffusion, **kwargs)
        self.directory = directory
        self.denoiser = make_session(verify_file(directory, meta, DENOISER_FILE), num_threads)
        self.decoder = make_session(verify_file(directory, meta, DECODER_FILE), num_threads)
        self._check_io()

    def _check_io(self) -> None:
        names = {'denoiser': ({i.name for i in self.denoiser.get_inputs()},
                              {'u', 't', 'cond', 'task'}),
                 'decoder': ({i.name for i in self.decoder.get_inputs()}, {'u', 'task'})}
        for graph, (got, want) in names.items():
            if got != want:
                raise CheckpointError(self.directory / f'{graph}.onnx',
                                      f'graph inputs {sorted(got)} are not {sorted(want)}')

    @classmethod
    def load(cls, path: str | Path, num_threads: int | None = 1,
             **kwargs) -> OnnxPolicyGenerator:
        """Open an export directory; ``num_threads`` is onnxruntime's intra-op thread count."""
        return cls(path, num_threads=num_threads, **kwargs)

    def _sample(self, plan: SamplerPlan, u: np.ndarray, cond: np.ndarray, task: np.ndarray,
                noise: np.ndarray | None) -> np.ndarray:
        feed = {'u': u, 't': None, 'cond': cond, 'task': task}
        # Python floats keep the arithmetic in float32, as in the torch backend.
        a, b, s = plan.coef_sample.tolist(), plan.coef_model.tolist(), plan.coef_noise.tolist()
        ts = np.repeat(plan.timesteps.reshape(-1, 1), len(u), axis=1)  # (K, B)
        for k in range(len(plan)):
            feed['u'], feed['t'] = u, ts[k]
            m = self.denoiser.run(None, feed)[0]
            u = a[k] * u + b[k] * m
            if s[k] > 0.0:
                u = u + s[k] * noise[k]
        return u

    def _decode(self, u: np.ndarray, task: np.ndarray) -> np.ndarray:
        return self.decoder.run(None, {'u': u, 'task': task})[0]
