#!/usr/bin/env bash
# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
#
# One-GPU check of `lwd train` (docs/training_on_gpus.md): time the default PushT LWD
# training on the GPU in fp32 and with bf16 autocast, then train the paper-size Diffusion
# Policy peer (down_dims 256-512-1024) for the minutes left, evaluate each on a few held-out
# episodes on the GPU, and write $OUT/device_check.json. Needs no network: it collects its
# own clean demonstrations with the scripted expert. Bounded by `timeout`s to 8 minutes.
#
#   scripts/device_check.sh                    # OUT=outputs
#   CHECK=image scripts/device_check.sh        # image PushT instead: $OUT/device_check_image.json
#   OUT=/tmp/out PYTHON=/opt/cuda-venv/bin/python scripts/device_check.sh
#
# Without CUDA (e.g. a CPU-only torch in .venv) it prints so, writes {"cuda": false, ...}
# and exits 0. DEVICE_CHECK_FORCE=1 runs the GPU path anyway on DEVICE (e.g. cpu), with
# EXTRA overrides (e.g. "train.vae_steps=50 train.diffusion_steps=50"): a dry run of this
# script on a machine without a GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-outputs}
PY=${PYTHON:-.venv/bin/python}
DEVICE=${DEVICE:-cuda}
DEMOS=${DEMOS:-200}          # clean expert episodes to train on (the shipped run had 800+)
EPISODES=${EPISODES:-8}      # held-out evaluation episodes per run
T_COLLECT=${T_COLLECT:-60}   # seconds; the limits sum to 480 s
T_TRAIN=${T_TRAIN:-120}      # per LWD run (fp32, bf16): the target is 2 minutes
T_DP=${T_DP:-90}             # the paper-size DP peer: as many steps as this allows
T_EVAL=${T_EVAL:-30}         # per run
EXTRA=${EXTRA:-}             # overrides for the LWD runs
DP_EXTRA=${DP_EXTRA:-}       # overrides for the DP run
# `python -m lwd_ros` from the repository root runs this tree's code, not an installed copy.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$OUT"

cuda=$("$PY" -c 'import torch; print(torch.cuda.is_available())')
echo "torch.cuda.is_available(): $cuda"
"$PY" -c 'import torch; print("torch", torch.__version__, "built for CUDA", torch.version.cuda)'
if [[ "$cuda" != True && "${DEVICE_CHECK_FORCE:-0}" != 1 ]]; then
  "$PY" - "$OUT/device_check.json" <<'EOF'
import json, sys
import torch
record = {'cuda': False, 'torch': torch.__version__, 'torch_cuda_build': torch.version.cuda,
          'note': 'no CUDA device visible to torch: nothing measured'}
open(sys.argv[1], 'w').write(json.dumps(record, indent=1) + '\n')
print(json.dumps(record))
EOF
  exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/device_check.XXXXXX")
echo "work directory (logs, checkpoints): $WORK"

if [[ "${CHECK:-state}" == image ]]; then
  # Image PushT (issue 35): config/train/pusht_image.yaml on clean demonstrations only (no
  # DART or DAgger here) at the GPU's batch size. The camera encoder's own first stage is
  # where a GPU pays; 8 minutes in all.
  IMAGE_DEMOS=${IMAGE_DEMOS:-200}; T_IMAGE=${T_IMAGE:-300}; IMAGE_BATCH=${IMAGE_BATCH:-256}
  echo "collecting $IMAGE_DEMOS image PushT demonstrations"
  timeout "$T_COLLECT" "$PY" -m lwd_ros collect --robot pusht_image --out "$WORK/image_demos" \
    --episodes "$IMAGE_DEMOS" --workers "$(nproc)" --seed 0 --no-progress > "$WORK/collect.log" 2>&1
  echo "collect rc $?"
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  timeout "$T_IMAGE" "$PY" -m lwd_ros train --config config/train/pusht_image.yaml \
    --out "$WORK/image" --dataset "$WORK/image_demos" --no-progress \
    --json "$WORK/image.train.json" "train.device=$DEVICE" "train.batch_size=$IMAGE_BATCH" \
    "data.extra_datasets=[]" "train.camera_batch_size=$IMAGE_BATCH" \
    train.amp=true $EXTRA > "$WORK/image.train.log" 2>&1
  rc=$?
  wall=$(( ($(date +%s%N) - start) / 1000000 ))
  timeout "$T_EVAL" "$PY" -m lwd_ros eval --checkpoint "$WORK/image" --robot pusht_image \
    --episodes "$EPISODES" --device "$DEVICE" --no-progress --json "$WORK/image.eval.json" \
    > "$WORK/image.eval.log" 2>&1
  "$PY" - "$WORK" "$OUT/device_check_image.json" "$rc" "$wall" "$IMAGE_BATCH" <<'EOF'
"""The image run's record: throughput from its train_log.jsonl, the eval's summary."""
import json
from pathlib import Path
import sys

import torch

work, out, rc, wall_ms, batch = Path(sys.argv[1]), Path(sys.argv[2]), *map(int, sys.argv[3:])
log_file = work / 'image' / 'train_log.jsonl'
log = [json.loads(x) for x in log_file.read_text().splitlines()] if log_file.is_file() else []
last = {r['stage']: r for r in log if 'time_s' in r}
ev = work / 'image.eval.json'
record = {'cuda': torch.cuda.is_available(),
          'gpu': torch.cuda.get_device_name() if torch.cuda.is_available() else None,
          'config': 'config/train/pusht_image.yaml', 'batch_size': batch, 'train_rc': rc,
          'timed_out': rc == 124, 'train_wall_s': wall_ms / 1000,
          'steps_per_s': {s: round(r['step'] / r['time_s'], 2) for s, r in last.items()
                          if r['time_s'] > 0},
          'eval': json.loads(ev.read_text()) if ev.is_file() else None,
          'train_log_tail': (work / 'image.train.log').read_text()[-1500:]}
out.write_text(json.dumps(record, indent=1) + '\n')
print(json.dumps({k: v for k, v in record.items() if k != 'train_log_tail'}, indent=1))
EOF
  exit 0
fi
echo "collecting $DEMOS PushT demonstrations"
timeout "$T_COLLECT" "$PY" -m lwd_ros collect --robot pusht --out "$WORK/pusht_demos" \
  --episodes "$DEMOS" --workers "$(nproc)" --seed 0 --no-progress > "$WORK/collect.log" 2>&1
echo $? > "$WORK/collect.rc"

evaluate() {  # $1: the run; on the training device (the DP UNet is a GPU's job)
  echo "evaluating $1 on $EPISODES held-out episodes"
  timeout "$T_EVAL" "$PY" -m lwd_ros eval --checkpoint "$WORK/$1" --episodes "$EPISODES" \
    --device "$DEVICE" --no-progress --json "$WORK/$1.eval.json" > "$WORK/$1.eval.log" 2>&1
  echo $? > "$WORK/$1.eval.rc"
}

for run in fp32 bf16; do
  amp=false; [[ $run == bf16 ]] && amp=true
  echo "training $run (timeout ${T_TRAIN}s)"
  start=$(date +%s%N)
  # shellcheck disable=SC2086  # EXTRA is a list of KEY=VALUE words
  timeout "$T_TRAIN" "$PY" -m lwd_ros train --config config/train/pusht.yaml \
    --out "$WORK/$run" --dataset "$WORK/pusht_demos" --no-progress --json "$WORK/$run.train.json" \
    'data.extra_datasets=[]' "train.device=$DEVICE" "train.amp=$amp" $EXTRA \
    > "$WORK/$run.train.log" 2>&1
  echo $? > "$WORK/$run.train.rc"
  echo $(( $(date +%s%N) - start )) > "$WORK/$run.train.wall_ns"
  evaluate "$run"
done

# The paper-size DP peer (bf16; the paper trains ~2x10^5 steps: this is a throughput and
# plumbing check, its success is what T_DP buys). A checkpoint every 500 steps survives the
# timeout; the run directory is evaluated as it stands.
echo "training dp (down_dims 256-512-1024, timeout ${T_DP}s)"
start=$(date +%s%N)
# shellcheck disable=SC2086
timeout "$T_DP" "$PY" -m lwd_ros train --config config/train/pusht_dp.yaml \
  --out "$WORK/dp" --dataset "$WORK/pusht_demos" --no-progress --json "$WORK/dp.train.json" \
  'dp.down_dims=[256,512,1024]' "train.device=$DEVICE" train.amp=true train.ckpt_every=500 \
  $DP_EXTRA > "$WORK/dp.train.log" 2>&1
echo $? > "$WORK/dp.train.rc"
echo $(( $(date +%s%N) - start )) > "$WORK/dp.train.wall_ns"
evaluate dp

"$PY" - "$WORK" "$OUT/device_check.json" "$DEVICE" "$DEMOS" "$EXTRA" <<'EOF'
"""Gather the runs' records into one JSON; throughput from each train_log.jsonl."""
import json
from pathlib import Path
import sys

import torch

work, out, device, demos, extra = Path(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:]


def read(path, default=None):
    return json.loads(path.read_text()) if path.is_file() else default


def tail(path, n=1500):
    return path.read_text()[-n:] if path.is_file() else ''


record = {'cuda': torch.cuda.is_available(), 'torch': torch.__version__,
          'torch_cuda_build': torch.version.cuda,
          'gpu': torch.cuda.get_device_name() if torch.cuda.is_available() else None,
          'bf16_supported': torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
          'device': device, 'config': 'config/train/pusht.yaml', 'demos': int(demos),
          'overrides': ['data.extra_datasets=[]', *extra.split()],
          'collect_rc': int((work / 'collect.rc').read_text()), 'runs': {}}
if record['collect_rc']:
    record['collect_log'] = tail(work / 'collect.log')
for run in ('fp32', 'bf16', 'dp'):
    rc = int((work / f'{run}.train.rc').read_text())
    log = [json.loads(x) for x in tail(work / run / 'train_log.jsonl', 10**7).splitlines()]
    last = {r['stage']: r for r in log}  # each stage's last logged step (1000s)
    train = read(work / f'{run}.train.json', {})
    ev = read(work / f'{run}.eval.json', {})
    entry = {
        'train_rc': rc, 'timed_out': rc == 124,
        'train_wall_s': round(int((work / f'{run}.train.wall_ns').read_text()) / 1e9, 1),
        'steps_per_s': {s: round(r['step'] / r['time_s'], 1) for s, r in last.items()
                        if r['time_s'] > 0},
        'steps_logged': {s: r['step'] for s, r in last.items()},
        'wall_time_s': train.get('wall_time_s'), 'val': train.get('val'),
        'eval_rc': int((work / f'{run}.eval.rc').read_text()),
        'success_rate': ev.get('success_rate'), 'mean_max_coverage': ev.get('mean_max_coverage'),
        'eval_episodes': ev.get('episodes'),
        'flops_per_step': ev.get('flops_per_step', ev.get('policy_flops_per_step'))}
    if rc:
        entry['train_log'] = tail(work / f'{run}.train.log')
    record['runs'][run] = entry
fp32, bf16 = (record['runs'][r]['steps_per_s'] for r in ('fp32', 'bf16'))
record['bf16_over_fp32_steps_per_s'] = {s: round(bf16[s] / fp32[s], 2)
                                        for s in fp32 if s in bf16}
out.write_text(json.dumps(record, indent=1) + '\n')
print(json.dumps(record, indent=1))
EOF
