# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``lwd train`` under ``torchrun``: two gloo processes train like one at the same global batch.

The launched processes run ``lwd train`` itself (``lwd_ros.cli.main``) on the toy
demonstrations, swapped in for the dataset reader as ``test_training.test_cli_train_eval``
does, so no dataset is written.
"""

import json
import os
import socket
import subprocess
import sys
import types

from conftest import REPO
import pytest
from safetensors.torch import load_file
import torch

from lwd_ros.cli import main as lwd_main
from lwd_ros.evaluation.toy import toy_demonstrations
from lwd_ros.learning import distributed
from lwd_ros.runtime.checkpoint import read_meta

NUM_DEMOS = 30
LAUNCH = f'''
import sys, types
from lwd_ros.evaluation.toy import toy_demonstrations
fake = types.ModuleType('lwd_ros.data.minari_io')
fake.load_episodes = lambda path: toy_demonstrations({NUM_DEMOS}, seed=0)
fake.load_training_set = lambda paths: (fake.load_episodes(paths[0]), {{}})
fake.dataset_contract = lambda paths: None
sys.modules['lwd_ros.data.minari_io'] = fake
from lwd_ros.cli import main
sys.exit(main(sys.argv[1:]))
'''
TRAIN = ['train', '--config', 'config/train/toy.yaml', '--no-progress']
LWD = ['train.vae_steps=200', 'train.diffusion_steps=300', 'train.val_every=100',
       'train.ckpt_every=200', 'train.snapshot_every=100', 'data.horizons=[2, 8]',
       'data.horizon=8']
BC = ['method=bc', 'train.bc_steps=200', 'train.val_every=100']


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _torchrun(tmp_path, out, overrides) -> list[dict]:
    """Train in two processes; the JSON records they printed."""
    script = tmp_path / 'launch.py'
    script.write_text(LAUNCH)
    env = {**os.environ, 'OMP_NUM_THREADS': '1',
           'PYTHONPATH': os.pathsep.join([str(REPO), os.environ.get('PYTHONPATH', '')])}
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc-per-node', '2',
         '--master-addr', '127.0.0.1', '--master-port', str(_free_port()), str(script),
         *TRAIN, '--out', str(out), *overrides],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=150)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'rank 1 of 2, backend gloo' in proc.stderr
    return [json.loads(text) for text in _json_objects(proc.stdout)]


def _json_objects(stdout: str) -> list[str]:
    """The top-level JSON objects ``emit_json`` printed (``{`` ... ``}`` at column 0)."""
    blocks, current = [], None
    for line in stdout.splitlines():
        if line == '{':
            current = [line]
        elif current is not None:
            current.append(line)
            if line == '}':
                blocks.append('\n'.join(current))
                current = None
    return blocks


def _one_process(monkeypatch, out, overrides) -> None:
    fake = types.ModuleType('lwd_ros.data.minari_io')
    fake.load_episodes = lambda path: toy_demonstrations(NUM_DEMOS, seed=0)
    fake.load_training_set = lambda paths: (fake.load_episodes(paths[0]), {})
    fake.dataset_contract = lambda paths: None
    monkeypatch.setitem(sys.modules, 'lwd_ros.data.minari_io', fake)
    assert lwd_main([*TRAIN, '--out', str(out), *overrides]) == 0


def _log(out) -> list[dict]:
    return [json.loads(line) for line in (out / 'train_log.jsonl').read_text().splitlines()]


def test_two_processes_train_bc_like_one(monkeypatch, tmp_path):
    # BC draws no noise: with the same global batches the averaged gradients are the
    # single-process ones up to float rounding, so the weights agree closely.
    one, two = tmp_path / 'one', tmp_path / 'two'
    _one_process(monkeypatch, one, BC)
    records = _torchrun(tmp_path, two, BC)
    assert len(records) == 1 and records[0]['steps'] == {'bc': 200}
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())
    a, b = load_file(str(one / 'model.safetensors')), load_file(str(two / 'model.safetensors'))
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(b[k], a[k], rtol=1e-4, atol=1e-5, msg=k)
    log_one, log_two = _log(one), _log(two)
    assert [r['step'] for r in log_two] == [r['step'] for r in log_one] == [100, 200]
    for r1, r2 in zip(log_one, log_two):
        assert r2['loss'] == pytest.approx(r1['loss'], rel=1e-4)  # global-batch mean
        assert r2['val_mse'] == pytest.approx(r1['val_mse'], rel=1e-4)


def test_two_processes_train_lwd_and_write_once(monkeypatch, tmp_path):
    # Each rank draws its own VAE and diffusion noise, so LWD matches one process only
    # within noise; the checkpoint, the snapshots and the log are written once, by rank 0.
    one, two = tmp_path / 'one', tmp_path / 'two'
    _one_process(monkeypatch, one, LWD)
    records = _torchrun(tmp_path, two, LWD)
    assert len(records) == 1 and records[0]['steps'] == {'vae': 200, 'diffusion': 300}
    assert sorted(p.name for p in two.iterdir()) == ['config.yaml', 'meta.json',
                                                     'model.safetensors', 'snapshots',
                                                     'train_log.jsonl']
    assert sorted(p.name for p in (two / 'snapshots').iterdir()) == [
        'diffusion-000100', 'diffusion-000200', 'diffusion-000300']
    log_two = _log(two)
    assert [(r['stage'], r['step']) for r in log_two] == [(r['stage'], r['step'])
                                                          for r in _log(one)]
    val_one, val_two = read_meta(one).training['val'], read_meta(two).training['val']
    assert val_two['vae']['val_recon'] == pytest.approx(val_one['vae']['val_recon'], rel=0.1)
    assert val_two['diffusion']['val_diffusion'] == pytest.approx(
        val_one['diffusion']['val_diffusion'], rel=0.2)
    assert val_two['diffusion']['val_generated_mse'] == pytest.approx(
        val_one['diffusion']['val_generated_mse'], rel=0.1)


def test_shards_split_the_global_batch(monkeypatch):
    idx = torch.arange(8)
    parts = [distributed.shard(idx, r, 4) for r in range(4)]
    assert torch.equal(torch.cat(parts), idx)
    assert torch.equal(distributed.shard(idx), idx)  # one process: everything
    with pytest.raises(ValueError, match='split evenly'):
        distributed.shard(idx, 0, 3)
    monkeypatch.setattr(distributed, 'world_size', lambda: 2)
    assert distributed.local_batch(64) == 32
    with pytest.raises(ValueError, match='batch_size=63'):
        distributed.local_batch(63)
