# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
r"""Why the shipped PushT model collapses at long action horizons (issue 26, item 1).

Rolls the shipped LWD model out at H = 32 and H = 8 (the reference) on selection seeds
(300000+, clear of the bench's 100000+) and, at every ``--every``-th visited state, labels:

* ``a_mlp``: the action the *running* generated MLP took there, ``k`` steps after it was
  generated (k = 0 .. H - 1);
* ``a_fresh``: the action of an MLP generated *from that state* (k = 0), same model, own RNG
  (the rollout is not disturbed). Stale vs fresh at the same states separates "the policy
  is stale" (the latent encodes an 8-step snippet) from "the state is unfamiliar";
* ``a_expert``: the MPC expert's first action with its plan starting from that state
  (reset and seeded ``1000 * seed + t`` as ``lwd dagger`` continuations, pusher velocity from
  the env; forced past its pre-contact exploration so it returns its best plan, not a random
  good-enough one);
* ``a_expert2``: a second expert seed at every 2nd labelled state: the expert's own spread,
  the floor any imitation error sits on.

Distribution shift without the dataset: the raw observation against the checkpoint's
training range (``CheckpointMeta.obs_low/high`` widened as ``lwd_ros.runtime.training_range``
does for the nodes), and the task-frame features normalised by the training statistics
(``|z| > 3`` in any feature = outside the bulk of the demonstrations).

    python bench/analysis_horizon.py --episodes 30 \\
        --json results/ablation/horizon_failure_analysis.json \\
        --plot results/ablation/horizon_failure_analysis.png

Resumable: rollouts and labels are cached per episode under ``--cache`` (runs/, git-ignored).
"""

import argparse
import json
from pathlib import Path
import pickle
import time

import numpy as np

SEED = 300_000


def rollout(env, gen, horizon: int, seed: int, task: str) -> dict:
    """One episode of ``LwdSource`` at ``horizon``; per step k, the MLP action and state."""
    from lwd_ros.evaluation.rollout import LwdSource

    src = LwdSource(gen, horizon)
    obs, info = env.reset(seed=seed, options={'task': task})
    src.reset(task, seed)
    rec = {k: [] for k in ('obs', 'vel', 'k', 'action', 'coverage', 'block')}
    cur, k, success, t_success = None, 0, False, None
    for t in range(env.unwrapped.config.max_episode_steps):
        a = src.act(obs)
        if src._current is not cur:
            cur, k = src._current, 0
        rec['obs'].append(np.asarray(obs, np.float64))
        rec['vel'].append(np.asarray(info['agent_vel'], np.float64))
        rec['k'].append(k)
        rec['action'].append(np.asarray(a, np.float64))
        rec['block'].append(np.asarray(info['block_pose'], np.float64))
        rec['coverage'].append(float(info['coverage']))
        obs, _, terminated, truncated, info = env.step(a)
        k += 1
        if info['success'] and not success:
            success, t_success = True, t + 1
        if terminated or truncated:
            break
    out = {key: np.array(v) for key, v in rec.items()}
    out['final_block'] = np.asarray(info['block_pose'], np.float64)
    out.update(seed=seed, task=task, horizon=horizon, success=success, t_success=t_success,
               goal=np.asarray(info['goal_pose'], np.float64),
               max_coverage=float(max(out['coverage'].max(), info['coverage'])))
    return out


def label(ep: dict, expert, gen, every: int) -> dict:
    """Expert, second-expert and fresh-MLP actions at every ``every``-th state of ``ep``."""
    idx = np.arange(0, len(ep['k']), every)
    exp, exp2, fresh = [], [], []
    for j, t in enumerate(idx):
        obs, vel = ep['obs'][t], ep['vel'][t]
        acts = []
        for s in ([0, 1] if j % 2 == 0 else [0]):
            expert.reset(ep['task'], seed=1000 * ep['seed'] + int(t) + 7919 * s)
            expert.touched = True  # best plan, not a random pre-contact commitment
            acts.append(expert.act(obs, vel))
        exp.append(acts[0])
        exp2.append(acts[1] if len(acts) > 1 else np.full(2, np.nan))
        pol = gen.generate(obs.astype(np.float32), ep['task'],
                           np.random.default_rng([ep['seed'], int(t), 5])).policy()
        fresh.append(np.asarray(pol.act(obs.astype(np.float32)), np.float64))
    return {'idx': idx, 'expert': np.array(exp), 'expert2': np.array(exp2),
            'fresh': np.array(fresh)}


def cached(path: Path, fn):
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = fn()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix('.tmp')
    tmp.write_bytes(pickle.dumps(value))
    tmp.replace(path)
    return value


def quartiles(values: np.ndarray) -> dict:
    v = np.asarray(values, np.float64)
    v = v[np.isfinite(v)]
    if not len(v):
        return {'n': 0}
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    return {'n': int(len(v)), 'mean': float(v.mean()), 'q25': float(q1), 'median': float(med),
            'q75': float(q3)}


def by_k(k: np.ndarray, values: np.ndarray, horizon: int) -> list[dict]:
    return [{'k': int(i), **quartiles(values[k == i])} for i in range(horizon)]


def k_band(k: np.ndarray, values: np.ndarray, lo: int, hi: int) -> dict:
    return quartiles(values[(k >= lo) & (k < hi)])


def goal_frame(block: np.ndarray, goal: np.ndarray) -> np.ndarray:
    """Block poses ``(N, 3)`` -> ``(dx, dy, dyaw)`` in the goal frame (yaw wrapped)."""
    d = block[:, :2] - goal[:2]
    c, s = np.cos(-goal[2]), np.sin(-goal[2])
    dyaw = (block[:, 2] - goal[2] + np.pi) % (2 * np.pi) - np.pi
    return np.stack([c * d[:, 0] - s * d[:, 1], s * d[:, 0] + c * d[:, 1], dyaw], -1)


def analyse(episodes: dict, labels: dict, gen, bounds) -> tuple[dict, dict]:
    """Per-H statistics (JSON) and the arrays the figure needs."""
    meta = gen.meta
    out, arrays = {}, {}
    for H, eps in episodes.items():
        K, err, err_f, err_e, err_sf, cmd, cmd_e, oor, far, zmax = ([] for _ in range(10))
        kk_all, moved, kk_moved, poses = [], [], [], {'success': [], 'failure': []}
        gen_gain = []
        for ep, lab in zip(eps, labels[H]):
            i = lab['idx']
            k = ep['k'][i]
            K.append(k)
            err.append(np.linalg.norm(ep['action'][i] - lab['expert'], axis=1))
            err_f.append(np.linalg.norm(lab['fresh'] - lab['expert'], axis=1))
            err_e.append(np.linalg.norm(lab['expert2'] - lab['expert'], axis=1))
            err_sf.append(np.linalg.norm(ep['action'][i] - lab['fresh'], axis=1))
            cmd.append(np.linalg.norm(ep['action'][i] - ep['obs'][i, :2], axis=1))
            cmd_e.append(np.linalg.norm(lab['expert'] - ep['obs'][i, :2], axis=1))
            obs = ep['obs']
            kk_all.append(ep['k'])
            if bounds is not None:
                oor.append(((obs < bounds[0]) | (obs > bounds[1])).any(1))
            z = np.abs(meta.space.obs_in(obs.astype(np.float32), ep['task']))
            zmax.append(z.max(1))
            far.append(z.max(1) > 3.0)
            blocks = np.vstack([ep['block'], ep['final_block'][None]])
            moved.append(np.linalg.norm(np.diff(blocks[:, :2], axis=0), axis=1))
            kk_moved.append(ep['k'])
            poses['success' if ep['success'] else 'failure'].append(
                goal_frame(ep['block'], ep['goal']))
            cov = np.r_[ep['coverage'], ep['coverage'][-1]]
            starts = np.flatnonzero(ep['k'] == 0)
            for s in starts:
                gen_gain.append((int(s), float(cov[min(s + H, len(cov) - 1)] - cov[s]),
                                 bool(ep['success'])))
        K, err, err_f, err_e, err_sf, cmd, cmd_e = map(
            np.concatenate, (K, err, err_f, err_e, err_sf, cmd, cmd_e))
        per_ep_far = list(far)
        kk_all, far, zmax = map(np.concatenate, (kk_all, far, zmax))
        moved, kk_moved = np.concatenate(moved), np.concatenate(kk_moved)
        oor = np.concatenate(oor) if oor else np.zeros_like(far)
        succ = np.array([ep['success'] for ep in eps])
        t_succ = [ep['t_success'] for ep in eps if ep['success']]
        gg = np.array(gen_gain, dtype=object)
        t_gen = np.array([g[0] for g in gen_gain])
        gain = np.array([g[1] for g in gen_gain])
        bins = [0, 64, 128, 192, 300]
        gen_stats = [{'generated_at_steps': [lo, hi],
                      **quartiles(gain[(t_gen >= lo) & (t_gen < hi)]),
                      'policies': int(((t_gen >= lo) & (t_gen < hi)).sum()),
                      'policies_in_successful_episodes': int(sum(
                          1 for g in gg if lo <= g[0] < hi and g[2]))}
                     for lo, hi in zip(bins[:-1], bins[1:])]
        still = np.array([lo for lo in range(0, 300, 32)])
        alive = [{'step': int(s), 'episodes_running': int(sum(
            1 for ep in eps if len(ep['k']) > s)), 'succeeded_by': int(sum(
                1 for t in t_succ if t <= s))} for s in still]
        bands = [(0, 8)] + ([(8, 16), (16, 24), (24, 32)] if H > 8 else [])
        out[f'H{H}'] = {
            'episodes': len(eps), 'success_rate': float(succ.mean()),
            'mean_max_coverage': float(np.mean([ep['max_coverage'] for ep in eps])),
            'labelled_states': int(len(K)),
            'action_error_m_by_k_band': [
                {'k': [lo, hi], 'stale_mlp_vs_expert': k_band(K, err, lo, hi),
                 'fresh_mlp_vs_expert': k_band(K, err_f, lo, hi),
                 'stale_vs_fresh_mlp': k_band(K, err_sf, lo, hi),
                 'expert_vs_expert_seed': k_band(K, err_e, lo, hi),
                 'mlp_target_offset_m': k_band(K, cmd, lo, hi),
                 'expert_target_offset_m': k_band(K, cmd_e, lo, hi),
                 'task_frame_z_gt_2': float((zmax > 2)[(kk_all >= lo) & (kk_all < hi)].mean()),
                 'out_of_raw_range': float(oor[(kk_all >= lo) & (kk_all < hi)].mean()),
                 'task_frame_z_gt_3': float(far[(kk_all >= lo) & (kk_all < hi)].mean()),
                 'block_moved_m_per_step': k_band(kk_moved, moved, lo, hi)}
                for lo, hi in bands],
            'action_error_m_by_k': by_k(K, err, H),
            'fresh_error_m_by_k': by_k(K, err_f, H),
            'expert_floor_m': quartiles(err_e),
            'block_moved_m_by_k': by_k(kk_moved, moved, H),
            'out_of_raw_range_fraction': float(oor.mean()),
            'task_frame_z_gt_3_fraction': float(far.mean()),
            'task_frame_z_gt_2_fraction': float((zmax > 2).mean()),
            'task_frame_z_gt_3_by_outcome': {
                key: float(np.mean([f.mean() for f, ep in zip(per_ep_far, eps)
                                    if ep['success'] == (key == 'success')] or [np.nan]))
                for key in ('success', 'failure')},
            'coverage_gain_per_policy_by_generation_time': gen_stats,
            'success_by_step': alive,
        }
        arrays[H] = {'K': K, 'err': err, 'err_f': err_f, 'err_e': err_e, 'kk': kk_all,
                     'cmd': cmd, 'cmd_e': cmd_e, 'far': far, 'zmax': zmax, 'oor': oor,
                     'moved': moved, 'kk_moved': kk_moved, 'poses': poses}
    return out, arrays


def plot(arrays: dict, path: str, stats: dict) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 2, figsize=(12, 9))
    colors = {8: 'tab:blue', 32: 'tab:red'}

    def band(a, k, v, H, color, label, style='-', fill=True):
        ks = np.arange(H)
        q = np.array([np.nanpercentile(v[k == i], [25, 50, 75]) if np.isfinite(v[k == i]).any()
                      else [np.nan] * 3 for i in ks])
        m = np.array([np.nanmean(v[k == i]) if np.isfinite(v[k == i]).any() else np.nan
                      for i in ks])
        a.plot(ks, m, style, color=color, label=label)
        if style == '-' and fill:
            a.fill_between(ks, q[:, 0], q[:, 2], color=color, alpha=0.15)

    for H, d in arrays.items():
        c = colors.get(H, 'k')
        band(ax[0, 0], d['K'], d['err'], H, c, f'H = {H}: running MLP vs expert (mean, IQR)')
        band(ax[0, 0], d['K'], d['err_f'], H, c, f'H = {H}: MLP generated at this state',
             '--')
        band(ax[0, 1], d['kk_moved'], d['moved'] * 1e3, H, c, f'H = {H}')
        band(ax[1, 0], d['kk'], d['far'].astype(float), H, c,
             f'H = {H}: task-frame |z| > 3', '-', fill=False)
        band(ax[1, 0], d['kk'], (d['zmax'] > 2).astype(float), H, c,
             f'H = {H}: task-frame |z| > 2', '--')
    d = arrays[max(arrays)]
    band(ax[0, 0], d['K'], d['cmd'], max(arrays), 'tab:purple',
         f'H = {max(arrays)}: running MLP target - pusher (its step)', ':')
    band(ax[0, 0], d['K'], d['cmd_e'], max(arrays), 'tab:grey',
         f'H = {max(arrays)}: expert target - pusher, same states', '-.')
    floor = np.nanmean(np.concatenate([d['err_e'] for d in arrays.values()]))
    ax[0, 0].axhline(floor, color='grey', ls=':',
                     label=f'expert vs expert (other seed) {floor:.3f}')
    ax[0, 0].axvline(8, color='k', lw=0.5)
    ax[0, 0].set(xlabel='k = steps since the policy was generated',
                 ylabel='metres', title='action error ||a - a_expert|| vs k')
    ax[0, 0].legend(fontsize=7)
    ax[0, 1].axvline(8, color='k', lw=0.5)
    ax[0, 1].set(xlabel='k', ylabel='block displacement per step (mm)',
                 title='block motion vs k (mean, IQR)')
    ax[0, 1].legend(fontsize=8)
    ax[1, 0].axvline(8, color='k', lw=0.5)
    ax[1, 0].set(xlabel='k', ylabel='fraction of visited states',
                 title='states outside the training bulk vs k\n(raw range: '
                 + ', '.join(f"H = {H}: {stats[f'H{H}']['out_of_raw_range_fraction']:.3f}"
                             for H in arrays) + ')')
    ax[1, 0].legend(fontsize=8)
    a = ax[1, 1]
    H = max(arrays)
    for key, col in (('failure', 'tab:red'), ('success', 'tab:green')):
        p = arrays[H]['poses'][key]
        if p:
            p = np.concatenate(p)
            a.scatter(p[:, 0] * 100, p[:, 1] * 100, s=2, c=col, alpha=0.25,
                      label=f'H = {H} {key} ({len(arrays[H]["poses"][key])} episodes)')
    a.scatter([0], [0], marker='+', c='k', s=30, label='goal')
    a.set(xlabel='block x in goal frame (cm)', ylabel='block y in goal frame (cm)',
          title=f'visited block positions, H = {H}', aspect='equal')
    a.legend(fontsize=7, markerscale=3)
    fig.suptitle('Shipped PushT LWD (trained on 8-step snippets): failure analysis at H = 32')
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--checkpoint', default='models/pusht')
    p.add_argument('--horizons', type=int, nargs='+', default=[32, 8])
    p.add_argument('--episodes', type=int, default=30)
    p.add_argument('--seed', type=int, default=SEED)
    p.add_argument('--every', type=int, default=3,
                   help='label every N-th state (odd: every k = t mod H gets labels)')
    p.add_argument('--cache', default='runs/analysis_horizon')
    p.add_argument('--json', default='results/ablation/horizon_failure_analysis.json')
    p.add_argument('--plot', default='results/ablation/horizon_failure_analysis.png')
    args = p.parse_args()

    from lwd_ros.envs import get_spec, make_env
    from lwd_ros.envs.pusht.expert import MPCExpert, load_expert_config
    from lwd_ros.runtime.loader import load_generator
    from lwd_ros.runtime.training_range import widened

    t0 = time.perf_counter()
    env = make_env('pusht')
    gen = load_generator(args.checkpoint)
    expert = MPCExpert(env.unwrapped.config, load_expert_config())
    tasks = env.unwrapped.tasks
    cache = Path(args.cache)
    episodes, labels = {}, {}
    for H in args.horizons:
        episodes[H], labels[H] = [], []
        for i in range(args.episodes):
            seed, task = args.seed + i, tasks[i % len(tasks)]
            ep = cached(cache / f'H{H}' / f'rollout_{seed}.pkl',
                        lambda H=H, seed=seed, task=task: rollout(env, gen, H, seed, task))
            lab = cached(cache / f'H{H}' / f'label_{seed}_every{args.every}.pkl',
                         lambda ep=ep: label(ep, expert, gen, args.every))
            episodes[H].append(ep)
            labels[H].append(lab)
            print(f'H={H} ep {i} seed {seed} {task} success={ep["success"]} '
                  f'steps={len(ep["k"])} t={time.perf_counter() - t0:.0f}s', flush=True)
    try:
        resolution = get_spec('pusht').contract.obs_resolution()
    except Exception:  # noqa: BLE001 - older specs: no resolution, plain range
        resolution = [0.0] * gen.meta.obs_dim
    bounds = widened(gen.meta.obs_low, gen.meta.obs_high, resolution)
    stats, arrays = analyse(episodes, labels, gen, bounds)
    result = {'checkpoint': args.checkpoint, 'trained_snippet_horizon': gen.default_horizon,
              'seeds': [args.seed, args.seed + args.episodes - 1], 'label_every': args.every,
              'expert': 'MPCExpert, reset and seeded 1000 * seed + t at each labelled state, '
                        'touched forced (best plan); second seed +7919 at every 2nd label',
              'fresh_mlp': 'policy generated from the labelled state itself (k = 0)',
              'task_frame_z': 'task-frame features normalised by the training stats; '
                              'far = any |z| > 3',
              'raw_range': 'obs_low/high widened by training_range.widened',
              **stats, 'wall_time_s': round(time.perf_counter() - t0, 1),
              'wall_time_note': 'this invocation; cached rollouts/labels are not re-run '
                                '(uncached, 40 + 40 episodes took 189 s on 2 CPU cores)'}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1) + '\n')
    plot(arrays, args.plot, stats)
    print(json.dumps({k: v for k, v in result.items() if not k.startswith('H')}, indent=1))


if __name__ == '__main__':
    main()
