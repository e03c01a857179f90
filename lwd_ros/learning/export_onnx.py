# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Export a trained LWD checkpoint to ONNX and check it against torch.

Graphs and their contracts are documented in ``lwd_ros.runtime.onnx_generator``. The export
directory is a self-contained checkpoint for ``lwd_ros.runtime.loader.load_generator(dir)``
(``meta.json`` with
the graphs' digests, ``config.yaml``); it needs onnxruntime and numpy, not torch.
"""

from __future__ import annotations

import logging
from pathlib import Path
import shutil

import numpy as np
import torch
from torch import nn

from lwd_ros.learning.checkpoint_io import LoadedCheckpoint, load_checkpoint
from lwd_ros.learning.image_encoder import export_encoder
from lwd_ros.learning.torch_generator import TorchPolicyGenerator
from lwd_ros.observations import get_kind, image
from lwd_ros.runtime.checkpoint import CONFIG_FILE, sha256, write_meta
from lwd_ros.runtime.onnx_generator import DECODER_FILE, DENOISER_FILE, OnnxPolicyGenerator

log = logging.getLogger(__name__)
DEFAULT_OPSET = 18


class DecoderGraph(nn.Module):
    """Standardised latent -> normalised-space policy weights (what ``decoder.onnx`` runs)."""

    def __init__(self, ckpt: LoadedCheckpoint):
        super().__init__()
        self.decoder = ckpt.module('vae').decoder
        self.register_buffer('latent_mean', ckpt.module('diffusion').latent_mean.clone())
        self.register_buffer('latent_std', ckpt.module('diffusion').latent_std.clone())

    def forward(self, u: torch.Tensor, task: torch.Tensor) -> torch.Tensor:
        return self.decoder(u * self.latent_std + self.latent_mean, task)


def _export(module: nn.Module, args: tuple, names: list[str], path: Path, opset: int) -> None:
    batch = torch.export.Dim('batch', min=1, max=4096)
    shapes = tuple({0: batch} for _ in names)  # positional: parameter names differ
    module.eval()
    program = torch.onnx.export(module, args, dynamo=True, external_data=False,
                                input_names=names, output_names=['out'],
                                dynamic_shapes=shapes, opset_version=opset, optimize=True,
                                verbose=False)
    program.save(str(path))


def export_onnx(checkpoint: str | Path, out_dir: str | Path, opset: int = DEFAULT_OPSET,
                use_ema: bool = True) -> Path:
    """Write ``denoiser.onnx``, ``decoder.onnx``, ``config.yaml`` and ``meta.json``.

    A checkpoint of a robot with cameras adds ``encoder_<key>.onnx`` per camera (what the
    perception node runs: ``lwd_ros.runtime.perception.encoder_file``).
    """
    ckpt = load_checkpoint(checkpoint, use_ema=use_ema)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    L, C = ckpt.meta.latent_dim, ckpt.meta.cond_dim
    u, cond = torch.zeros(2, L), torch.zeros(2, C)
    t, task = torch.zeros(2, dtype=torch.int64), torch.zeros(2, dtype=torch.int64)
    _export(ckpt.module('diffusion').denoiser, (u, t, cond, task), ['u', 't', 'cond', 'task'],
            out / DENOISER_FILE, opset)
    _export(DecoderGraph(ckpt), (u, task), ['u', 'task'], out / DECODER_FILE, opset)
    files = [DENOISER_FILE, DECODER_FILE]
    if 'cameras' in ckpt.modules:  # each camera's encoder, for the perception node
        blocks = {image.key(b): b for b in ckpt.meta.robot.observation
                  if get_kind(b.kind).frames}
        for key, encoder in ckpt.module('cameras').encoders.items():
            b = blocks[key]
            files.append(f'encoder_{key}.onnx')
            export_encoder(encoder, out / files[-1], tuple(b.image_size),
                           image.ENCODINGS[b.encoding], opset)
    shutil.copyfile(Path(checkpoint) / CONFIG_FILE, out / CONFIG_FILE)
    meta = ckpt.meta
    meta.files = {name: sha256(out / name) for name in files}
    meta.training = {**meta.training, 'exported_from': str(checkpoint), 'opset': opset,
                     'ema': use_ema}
    write_meta(out, meta)
    return out


def parity(checkpoint: str | Path, onnx_dir: str | Path, samples: int = 8, seed: int = 0,
           sampler: str = 'ddim', num_steps: int | None = None,
           use_ema: bool = True) -> dict[str, float]:
    """Generate from both backends with identical seeds; report the largest differences.

    Observations are drawn uniformly over the training range. Returns the
    max absolute weight difference, the max relative one (to the weights' scale) and the
    max latent difference.
    """
    th = TorchPolicyGenerator.load(checkpoint, use_ema=use_ema, sampler=sampler,
                                   num_steps=num_steps)
    ox = OnnxPolicyGenerator.load(onnx_dir, sampler=sampler, num_steps=num_steps)
    rng = np.random.default_rng(seed)
    observations = th.meta.sample_observations(rng, samples)
    worst = {'max_abs_weight_diff': 0.0, 'max_rel_weight_diff': 0.0, 'max_latent_diff': 0.0}
    for i in range(samples):
        obs = observations[i]
        task = th.tasks[i % len(th.tasks)]
        a = th.generate(obs, task, np.random.default_rng(seed + i))
        b = ox.generate(obs, task, np.random.default_rng(seed + i))
        diff = float(np.abs(a.weights - b.weights).max())
        worst['max_abs_weight_diff'] = max(worst['max_abs_weight_diff'], diff)
        worst['max_rel_weight_diff'] = max(worst['max_rel_weight_diff'],
                                           diff / float(np.abs(a.weights).max()))
        worst['max_latent_diff'] = max(worst['max_latent_diff'],
                                       float(np.abs(a.latent - b.latent).max()))
    return worst
