# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""What an image policy costs per camera frame, per policy step and per controller tick: JSON.

LWD with a camera (ours, ``docs/cameras.md``) against Diffusion Policy's image PushT
(Chi et al. 2023), counted with ``torch.utils.flop_counter.FlopCounterMode`` on the same
machine and timed on one thread in the same run.

- **LWD**: per frame, the keypoint encoder (``lwd_ros.learning.image_encoder``) on one
  96 x 96 camera; per controller tick, the generated MLP (2 agent + 64 features -> the
  hidden sizes of ``config/train/pusht.yaml`` -> 2 actions); every ``--horizon`` policy
  steps, one generation: the latent denoiser x the DDIM steps of that config, then the
  hypernetwork decode, at the sizes the 66-input MLP needs.
- **DP image, at the paper's size**: its PushT image config
  (``image_pusht_diffusion_policy_cnn.yaml``, ``DiffusionUnetHybridImagePolicy``): per
  frame a ResNet-18 from scratch with GroupNorm for BatchNorm, its global average pool and
  fc replaced by robomimic's spatial softmax (32 keypoints) and a linear layer to 64
  features, on the 96 x 96 frame centre-cropped to 84 x 84; two frames per inference
  (``n_obs_steps``), global condition 2 x (64 + 2); ``ConditionalUnet1D``
  (``lwd_ros.learning.diffusion_policy``) with ``down_dims`` 512-1024-2048, step embedding
  128, kernel 5, horizon 16, 100 DDPM steps (the paper) or 16 / 10 DDIM steps, 8 actions run
  per inference. The ResNet-18 is written here: torchvision does not import beside our torch.
- **DP as issue 35 sized it** (``dp_issue_sizing``): the state-PushT UNet (256-512-1024,
  step embedding 256) on 2 x (512 + 2), the width of an average-pooled ResNet-18. FLOPs only:
  it is not the paper's image model, which is the one compared.

Units: FLOPs as ``FlopCounterMode`` counts them, 2 per multiply-accumulate, of matrix
products and convolutions only (norms, activations, softmax and the samplers' elementwise
updates are not counted, for either method); every figure gives both ``flops`` and ``macs``
(= flops / 2). Rates: the policy at ``--policy-hz``, the controller at ``--control-hz``
(the MLP runs every tick, closed loop on the latest features), one camera frame per policy
step (``--camera-hz``), LWD regenerating and DP inferring every 8 policy steps.

Latency: torch eager on one thread, p50 over a few repetitions (DP's 100-step inference
takes seconds), LWD's MLP in numpy as the controller runs it. The cores may be shared with
other work: ``loadavg`` records it.

    python bench/bench_image_cost.py --json results/cameras/image_cost.json \
        --plot results/cameras/image_cost.png
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from lwd_ros.learning.image_encoder import SpatialSoftmax
from lwd_ros.report import emit_json

RESNET18_PARAMS_NO_FC = 11_176_512  # torchvision's resnet18: 11,689,512 less the fc's 513,000
RESNET18_MACS_224 = 1.814e9  # torchvision's resnet18 at 224 x 224 ("1.81 GFLOPS": MACs)
FRAME = 96  # the camera frame's side, for both methods (gym-pusht's pixel observation)
DP_CROP, DP_KEYPOINTS, DP_FEATURES = 84, 32, 64
DP_HORIZON, DP_OBS_STEPS, DP_ACTION_STEPS, AGENT_DIMS = 16, 2, 8, 2
DP_SAMPLERS = ('ddpm-100', 'ddim-16', 'ddim-10')


def count_flops(fn) -> int:
    """Count the FLOPs of one call of ``fn`` (matmuls and convolutions, 2 per MAC)."""
    with FlopCounterMode(display=False) as counter, torch.inference_mode():
        fn()
    return int(counter.get_total_flops())


def cost(flops: float) -> dict:
    return {'flops': round(flops), 'macs': round(flops / 2)}


def timed(fn, reps: int, unit: float = 1e3, warm: bool = True) -> dict:
    """Median and minimum wall time of ``fn`` over ``reps`` calls (after a warm-up call)."""
    with torch.inference_mode():
        if warm:
            fn()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    key = 'ms' if unit == 1e3 else 'us'
    return {f'p50_{key}': round(unit * float(np.median(times)), 3),
            f'min_{key}': round(unit * min(times), 3), 'reps': reps}


# --- Diffusion Policy's image encoder: ResNet-18 + GroupNorm + spatial softmax -------------

def _norm(channels: int) -> nn.GroupNorm:
    """Return a GroupNorm of 16 channels a group: what DP puts in place of BatchNorm2d."""
    return nn.GroupNorm(channels // 16, channels)


class BasicBlock(nn.Module):
    """ResNet's two 3 x 3 convolutions with a shortcut (He et al. 2016), GroupNorm'd."""

    def __init__(self, c_in: int, c_out: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), _norm(c_out), nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), _norm(c_out))
        self.shortcut = (nn.Identity() if stride == 1 and c_in == c_out else nn.Sequential(
            nn.Conv2d(c_in, c_out, 1, stride, bias=False), _norm(c_out)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.body(x) + self.shortcut(x))


class ResNet18Trunk(nn.Sequential):
    """ResNet-18 up to its last conv stage: ``(B, 3, H, W) -> (B, 512, H/32, W/32)``.

    What robomimic's ``ResNet18Conv`` keeps of torchvision's ``resnet18`` (no average pool,
    no fc), with DP's GroupNorm.
    """

    def __init__(self):
        layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), _norm(64), nn.ReLU(),
                  nn.MaxPool2d(3, 2, 1)]
        c_in = 64
        for c_out, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [BasicBlock(c_in, c_out, stride), BasicBlock(c_out, c_out, 1)]
            c_in = c_out
        super().__init__(*layers)


class DpImageEncoder(nn.Module):
    """Frames ``(B, 96, 96, 3)`` uint8 -> ``(B, features)``: DP's per-frame encoder.

    The centre 84 x 84 crop (DP's ``eval_fixed_crop``), the trunk, a 1 x 1 conv to 32
    keypoint maps, the spatial softmax and robomimic's ``VisualCore`` linear layer.
    """

    def __init__(self, features: int = DP_FEATURES):
        super().__init__()
        self.trunk = ResNet18Trunk()
        side = (DP_CROP + 31) // 32
        self.keypoints = nn.Conv2d(512, DP_KEYPOINTS, 1)
        self.softmax = SpatialSoftmax(side, side)
        self.out = nn.Linear(2 * DP_KEYPOINTS, features)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        m = (FRAME - DP_CROP) // 2
        x = frames[:, m:m + DP_CROP, m:m + DP_CROP].permute(0, 3, 1, 2).float() / 255.0
        return self.out(self.softmax(self.keypoints(self.trunk(x))))  # (B, features)


class DpImagePolicy(nn.Module):
    """Two frames and two agent positions -> a 16-step action sequence, DP's inference."""

    def __init__(self, down_dims: tuple[int, ...], step_embed: int, features: int):
        from lwd_ros.learning.diffusion_policy import ConditionalUnet1D
        from lwd_ros.methods.dp import DpConfig

        super().__init__()
        self.encoder = DpImageEncoder(features)
        cfg = DpConfig(horizon=DP_HORIZON, n_obs_steps=DP_OBS_STEPS,
                       n_action_steps=DP_ACTION_STEPS, down_dims=down_dims,
                       diffusion_step_embed_dim=step_embed)
        self.cond_dim = DP_OBS_STEPS * (features + AGENT_DIMS)
        self.unet = ConditionalUnet1D(AGENT_DIMS, self.cond_dim, cfg)

    def forward(self, frames: torch.Tensor, agent: torch.Tensor, scheduler) -> torch.Tensor:
        """``frames (2, 96, 96, 3)`` uint8, ``agent (2, 2)`` oldest first -> ``(1, 16, 2)``."""
        cond = torch.cat([self.encoder(frames), agent], -1).reshape(1, -1)  # (1, cond_dim)
        x = torch.randn(1, DP_HORIZON, AGENT_DIMS)
        for t in scheduler.timesteps:
            x = scheduler.step(self.unet(x, t.expand(1), cond), t, x).prev_sample
        return x


def dp_scheduler(name: str):
    """Return DP's noise schedule (100 steps, squared cosine, epsilon, clipped) as ``name``."""
    from diffusers import DDIMScheduler, DDPMScheduler

    kind, steps = name.split('-')
    schedule = {'num_train_timesteps': 100, 'beta_schedule': 'squaredcos_cap_v2',
                'prediction_type': 'epsilon', 'clip_sample': True}
    scheduler = (DDPMScheduler if kind == 'ddpm' else DDIMScheduler)(**schedule)
    scheduler.set_timesteps(int(steps))
    return scheduler


def dp_costs(policy: DpImagePolicy, frames, agent) -> dict:
    """Per frame, per UNet pass and per inference with every sampler."""
    frame = count_flops(lambda: policy.encoder(frames[:1]))
    cond = torch.zeros(1, policy.cond_dim)
    x, t = torch.zeros(1, DP_HORIZON, AGENT_DIMS), torch.tensor([1])
    unet = count_flops(lambda: policy.unet(x, t, cond))
    out = {'per_frame': cost(frame), 'unet_pass': cost(unet),
           'unet_params': sum(p.numel() for p in policy.unet.parameters()),
           'encoder_params': sum(p.numel() for p in policy.encoder.parameters()),
           'global_cond_dim': policy.cond_dim, 'per_inference': {}}
    for name in DP_SAMPLERS:
        scheduler = dp_scheduler(name)
        total = count_flops(lambda s=scheduler: policy(frames, agent, s))
        out['per_inference'][name] = cost(total)
    return out


# --- LWD with a camera ----------------------------------------------------------------------

class LwdImage:
    """The image encoder, the generated MLP and the generator at ``config/train/pusht.yaml``."""

    def __init__(self, config: str, obs_dim: int, num_tasks: int = 3):
        from lwd_ros.config import load_config
        from lwd_ros.experiment import LwdConfig
        from lwd_ros.learning.diffusion import LatentDiffusion
        from lwd_ros.learning.image_encoder import ImageEncoder
        from lwd_ros.learning.vae import HyperDecoder
        from lwd_ros.runtime.sampler import make_plan

        cfg = load_config(LwdConfig, config)
        d = cfg.diffusion
        self.layer_sizes = (obs_dim, *cfg.policy.hidden_sizes, AGENT_DIMS)
        self.activation = cfg.policy.activation
        self.encoder = ImageEncoder((FRAME, FRAME), 3, 64).eval()
        self.diffusion = LatentDiffusion(cfg.vae.latent_dim, obs_dim * cfg.data.obs_history,
                                         num_tasks, d).eval()
        self.decoder = HyperDecoder(self.layer_sizes, num_tasks, cfg.vae).eval()
        self.plan = make_plan(d.num_train_timesteps, d.beta_schedule, d.prediction_type,
                              d.sampler, d.num_inference_steps, d.timestep_spacing)
        self.cond = torch.zeros(1, obs_dim * cfg.data.obs_history)
        self.task = torch.zeros(1, dtype=torch.long)
        self.latent_dim = cfg.vae.latent_dim

    def generate(self) -> torch.Tensor:
        """One generation: ``plan`` denoiser steps, then the hypernetwork -> ``(1, P)``."""
        u = torch.randn(1, self.latent_dim)
        u0 = self.diffusion.sample(self.plan, u, self.cond, self.task)
        return self.decoder(self.diffusion.unstandardize(u0), self.task)

    def mlp(self) -> nn.Module:
        sizes = self.layer_sizes
        layers = [m for i, o in zip(sizes[:-1], sizes[1:]) for m in (nn.Linear(i, o), nn.ReLU())]
        return nn.Sequential(*layers[:-1])

    def costs(self) -> dict:
        from lwd_ros.runtime.mlp import flops_per_step, num_params

        frames = torch.zeros(1, FRAME, FRAME, 3, dtype=torch.uint8)
        mlp, obs = self.mlp(), torch.zeros(1, self.layer_sizes[0])
        u = torch.zeros(1, self.latent_dim)
        return {
            'per_frame': cost(count_flops(lambda: self.encoder(frames))),
            'encoder_params': sum(p.numel() for p in self.encoder.parameters()),
            'mlp_forward': cost(count_flops(lambda: mlp(obs))),
            'mlp_layer_sizes': list(self.layer_sizes), 'mlp_params': num_params(self.layer_sizes),
            'mlp_controller_budget_flops': flops_per_step(self.layer_sizes),
            'generation': cost(count_flops(self.generate)),
            'denoiser_steps': len(self.plan), 'sampler': self.plan.name,
            'hypernetwork_decode': cost(count_flops(lambda: self.decoder(u, self.task))),
            'generator_params': sum(p.numel() for m in (self.diffusion, self.decoder)
                                    for p in m.parameters()),
        }


def shipped_generation_flops(checkpoint: str) -> int:
    """One generation of a shipped checkpoint, through ``PolicyGenerator.generate``."""
    from lwd_ros.runtime.loader import load_generator

    gen = load_generator(checkpoint, backend='torch')
    obs = gen.meta.sample_observations(np.random.default_rng(0), 1)[0]
    return count_flops(lambda: gen.generate(obs, gen.tasks[0], np.random.default_rng(0)))


# --- per policy step and per controller tick ------------------------------------------------

def per_step(lwd: dict, dp: dict, rates: dict) -> dict:
    """Costs per policy step and per controller tick, and LWD / DP per policy step."""
    ticks = rates['control_hz'] / rates['policy_hz']  # controller ticks a policy step
    frames = rates['camera_hz'] / rates['policy_hz']  # camera frames a policy step
    lwd_step = (frames * lwd['per_frame']['flops'] + ticks * lwd['mlp_forward']['flops']
                + lwd['generation']['flops'] / rates['horizon'])
    out = {'lwd': {'per_policy_step': cost(lwd_step),
                   'per_controller_tick': cost(lwd_step / ticks),
                   'parts_per_policy_step': {
                       'encoder': cost(frames * lwd['per_frame']['flops']),
                       'mlp': cost(ticks * lwd['mlp_forward']['flops']),
                       'generation': cost(lwd['generation']['flops'] / rates['horizon'])}},
           'dp': {}, 'lwd_over_dp_per_policy_step': {}, 'dp_over_lwd_per_policy_step': {},
           'per_frame_dp_over_lwd': round(dp['per_frame']['flops'] / lwd['per_frame']['flops'],
                                          2)}
    for name, call in dp['per_inference'].items():
        step = call['flops'] / DP_ACTION_STEPS
        out['dp'][name] = {'per_policy_step': cost(step),
                           'per_controller_tick': cost(step / ticks)}
        out['lwd_over_dp_per_policy_step'][name] = round(lwd_step / step, 5)
        out['dp_over_lwd_per_policy_step'][name] = round(step / lwd_step, 1)
    return out


def latencies(lwd: LwdImage, dp: DpImagePolicy, frames, agent, reps: int,
              rates: dict) -> dict:
    """One thread, the same run: what each method spends per frame, call and policy step."""
    from lwd_ros.runtime.mlp import MlpPolicy, num_params

    rng = np.random.default_rng(0)
    weights = rng.standard_normal(num_params(lwd.layer_sizes)).astype(np.float32) * 0.1
    policy = MlpPolicy(lwd.layer_sizes, weights, lwd.activation)
    obs = rng.standard_normal(lwd.layer_sizes[0]).astype(np.float32)
    ours = {'encoder_per_frame': timed(lambda: lwd.encoder(frames[:1]), 20 * reps),
            'generation': timed(lwd.generate, 10 * reps),
            'mlp_forward_numpy': timed(lambda: policy.act(obs), 1000 * reps, unit=1e6)}
    theirs = {'encoder_per_frame': timed(lambda: dp.encoder(frames[:1]), 3 * reps),
              'inference': {}}
    for name in reversed(DP_SAMPLERS):  # the DDIM ones warm up what the 100 steps reuse
        ddpm, scheduler = name.startswith('ddpm'), dp_scheduler(name)
        theirs['inference'][name] = timed(lambda s=scheduler: dp(frames, agent, s),
                                          max(1, reps - 1) if ddpm else reps, warm=not ddpm)
    ticks = rates['control_hz'] / rates['policy_hz']
    frames_a_step = rates['camera_hz'] / rates['policy_hz']
    lwd_step = (frames_a_step * ours['encoder_per_frame']['p50_ms']
                + ours['generation']['p50_ms'] / rates['horizon']
                + ticks * ours['mlp_forward_numpy']['p50_us'] / 1e3)
    budget_ms = DP_ACTION_STEPS * 1e3 / rates['policy_hz']  # one inference per 8 steps
    return {'lwd': ours, 'dp_paper': theirs,
            'lwd_compute_ms_per_policy_step': round(lwd_step, 3),
            'dp_compute_ms_per_policy_step': {
                name: round(r['p50_ms'] / DP_ACTION_STEPS, 1)
                for name, r in theirs['inference'].items()},
            'dp_inference_within_8_steps_budget_ms': budget_ms,
            'dp_keeps_up_on_one_thread': {name: r['p50_ms'] <= budget_ms
                                          for name, r in theirs['inference'].items()}}


def plot(result: dict, path: str) -> None:
    """Plot MACs and one-thread compute time per policy step, LWD against DP (log x)."""
    from matplotlib.figure import Figure

    cmp, lat = result['compare'], result['latency_1_thread']
    labels = ['LWD image (ours)', *(f'DP image, {n}' for n in DP_SAMPLERS)]
    macs = [cmp['lwd']['per_policy_step']['macs'],
            *(cmp['dp'][n]['per_policy_step']['macs'] for n in DP_SAMPLERS)]
    ms = [lat['lwd_compute_ms_per_policy_step'],
          *(lat['dp_compute_ms_per_policy_step'][n] for n in DP_SAMPLERS)]
    fig = Figure(figsize=(11, 3.2))
    colours = ['tab:green'] + ['tab:grey'] * len(DP_SAMPLERS)
    for ax, values, unit in zip(fig.subplots(1, 2), (macs, ms),
                                ('MACs per policy step', 'ms per policy step, 1 CPU thread')):
        ax.barh(labels, values, color=colours)
        ax.set_xscale('log')
        ax.invert_yaxis()
        ax.set_xlabel(unit)
        ax.grid(axis='x', alpha=0.3)
        for y, v in enumerate(values):
            ax.text(v, y, f' {v / values[0]:.0f}x' if y else ' 1x', va='center')
    fig.axes[1].axvline(1e3 / result['rates']['policy_hz'], color='tab:red', ls='--', lw=1,
                        label='one policy step of wall time')
    fig.axes[1].legend(loc='upper right', fontsize=8)
    fig.axes[1].set_yticklabels([])
    fig.suptitle('Image PushT: cost per 10 Hz policy step (LWD: 1 frame, 100 MLP ticks, '
                 'a generation every 8 steps; DP: 2 frames + UNet every 8 steps)', fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default='config/train/pusht.yaml')
    parser.add_argument('--checkpoint', default='models/pusht',
                        help='a shipped state model: checks the generator built here')
    parser.add_argument('--policy-hz', type=float, default=10.0)
    parser.add_argument('--control-hz', type=float, default=1000.0)
    parser.add_argument('--camera-hz', type=float, default=10.0)
    parser.add_argument('--horizon', type=int, default=8, help='LWD policy steps a policy')
    parser.add_argument('--reps', type=int, default=3, help='timed DP inferences (DDIM)')
    parser.add_argument('--json', default='results/cameras/image_cost.json')
    parser.add_argument('--plot', default='results/cameras/image_cost.png')
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    load_before = os.getloadavg()
    rates = {'policy_hz': args.policy_hz, 'control_hz': args.control_hz,
             'camera_hz': args.camera_hz, 'horizon': args.horizon,
             'dp_action_steps': DP_ACTION_STEPS}
    frames = torch.randint(0, 256, (DP_OBS_STEPS, FRAME, FRAME, 3), dtype=torch.uint8)
    agent = torch.zeros(DP_OBS_STEPS, AGENT_DIMS)

    lwd = LwdImage(args.config, obs_dim=AGENT_DIMS + 64)
    lwd_costs = lwd.costs()
    state = LwdImage(args.config, obs_dim=6)  # the shipped state model's sizes
    check = {'checkpoint': args.checkpoint,
             'generation_flops_built_here': state.costs()['generation']['flops'],
             'generation_flops_checkpoint': shipped_generation_flops(args.checkpoint)}
    check['equal'] = check['generation_flops_built_here'] == check['generation_flops_checkpoint']

    paper = DpImagePolicy((512, 1024, 2048), 128, DP_FEATURES).eval()
    dp = dp_costs(paper, frames, agent)
    trunk = ResNet18Trunk()
    dp['resnet18_check'] = {
        'trunk_params': sum(p.numel() for p in trunk.parameters()),
        'torchvision_params_without_fc': RESNET18_PARAMS_NO_FC,
        'trunk_macs_at_224': cost(count_flops(
            lambda: trunk(torch.zeros(1, 3, 224, 224))))['macs'],
        'torchvision_macs_at_224_with_fc': RESNET18_MACS_224}
    dp['resnet18_check']['params_equal'] = (dp['resnet18_check']['trunk_params']
                                            == RESNET18_PARAMS_NO_FC)
    issue = DpImagePolicy((256, 512, 1024), 256, 512).eval()
    issue_costs = dp_costs(issue, frames, agent)

    result = {
        'benchmark': 'image_cost', 'machine': f'{platform.machine()} {os.cpu_count()} cpu',
        'torch': torch.__version__, 'threads': 1,
        'units': 'flops: FlopCounterMode (matmuls and convolutions, 2 per MAC); macs = flops/2',
        'rates': rates,
        'lwd_image': lwd_costs, 'lwd_generator_check': check,
        'dp_image_paper': dp, 'dp_issue_sizing': issue_costs,
        'compare': per_step(lwd_costs, dp, rates),
        'compare_dp_issue_sizing': per_step(lwd_costs, issue_costs, rates)['dp'],
        'latency_1_thread': latencies(lwd, paper, frames, agent, args.reps, rates),
        'loadavg': {'before': [round(v, 2) for v in load_before],
                    'after': [round(v, 2) for v in os.getloadavg()]},
    }
    emit_json(result, args.json)
    if args.plot:
        plot(result, args.plot)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
