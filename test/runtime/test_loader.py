# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``load_generator``'s ``auto``: a checkpoint's own ONNX export first, only if it is current."""

import json
import shutil

from conftest import REPO
import pytest

from lwd_ros.runtime.loader import bundled_export, load_generator

CHECKPOINT = REPO / 'models' / 'pusht'


def _checkpoint_with_export(tmp_path, **training):
    """A copy of models/pusht's meta with an ``onnx/meta.json`` as ``lwd export`` writes it."""
    ckpt = tmp_path / 'ckpt'
    ckpt.mkdir()
    meta = json.loads((CHECKPOINT / 'meta.json').read_text())
    (ckpt / 'meta.json').write_text(json.dumps(meta))
    (ckpt / 'model.safetensors').write_bytes(b'')
    (ckpt / 'onnx').mkdir()
    exported = {**meta, 'files': {'denoiser.onnx': '0', 'decoder.onnx': '0'},
                'training': {**meta['training'], 'opset': 18, 'exported_from': str(ckpt),
                             'ema': True, **training}}
    (ckpt / 'onnx' / 'meta.json').write_text(json.dumps(exported))
    return ckpt


def test_an_export_of_the_same_weights_is_preferred(tmp_path):
    ckpt = _checkpoint_with_export(tmp_path)
    assert bundled_export(ckpt) == ckpt / 'onnx'
    assert bundled_export(CHECKPOINT / 'nowhere') is None


@pytest.mark.parametrize('training', [{'ema': False}, {'wall_time_s': {'total': 1.0}}])
def test_an_export_of_other_weights_is_ignored(tmp_path, training):
    # raw instead of EMA weights, or the checkpoint retrained after the export
    assert bundled_export(_checkpoint_with_export(tmp_path, **training)) is None


def test_auto_opens_the_export_with_onnxruntime(tmp_path):
    pytest.importorskip('onnxruntime')
    export = pytest.importorskip('lwd_ros.learning.export_onnx')
    ckpt = tmp_path / 'pusht'
    shutil.copytree(CHECKPOINT, ckpt)
    export.export_onnx(ckpt, ckpt / 'onnx')
    assert load_generator(ckpt).backend == 'onnx'
    assert load_generator(ckpt, backend='torch').backend == 'torch'
    assert load_generator(ckpt, use_ema=False).backend == 'torch'


@pytest.mark.parametrize('model', ['pusht', 'mt10'])
def test_shipped_models_start_on_their_own_onnx_export(model):
    # Their generators load in ~1 s instead of ~5 s (torch): the first command of pusht_sim
    # comes 2.3 s after launch instead of 7.3 s (results/startup.json). The export must hold
    # the checkpoint's own weights, or auto would fall back to torch here.
    from lwd_ros.runtime.loader import load_generator

    assert load_generator(REPO / 'models' / model).backend == 'onnx'
