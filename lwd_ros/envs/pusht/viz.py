# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Pictures of PushT episodes: MuJoCo frames, MP4/GIF files and a trajectory PNG.

Everything works from observation sequences ``(T + 1, 5)`` (``Episode.observations``), so
expert demonstrations, datasets and policy rollouts are drawn the same way without
re-simulating: frames are rendered by placing the simulator in each observed state.
Matplotlib is used through ``Figure`` (no pyplot, no GUI backend), so this runs headless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import math
import os
from pathlib import Path

import numpy as np

from lwd_ros.envs.pusht import geometry as geom

GOAL_COLOR = '#90ee90'  # the original's LightGreen
BLOCK_COLOR = '#778899'  # LightSlateGray
AGENT_COLOR = '#4169e1'  # RoyalBlue


def render_observations(observations: np.ndarray, goal_pose: Sequence[float], sim=None,
                        width: int = 256, height: int = 256) -> list[np.ndarray]:
    """RGB frames ``(H, W, 3)`` of PushT states ``(T, 5)`` seen from the top camera.

    Args:
        observations: rows ``[agent_x, agent_y, block_x, block_y, block_yaw]``.
        goal_pose: the goal drawn under the block.
        sim: a ``PushTSim`` to draw with (one is created, and closed, if omitted).
        width: frame width in pixels.
        height: frame height in pixels.
    """
    from lwd_ros.envs.pusht.sim import PushTSim  # mujoco only when frames are wanted

    own = sim is None
    sim = sim or PushTSim()
    try:
        sim.set_goal(goal_pose)
        frames = []
        for row in np.asarray(observations, np.float64):
            sim.reset_state(row[:2], row[2:5])
            frames.append(sim.render(width, height).copy())
        return frames
    finally:
        if own:
            sim.close()


def write_video(frames: Iterable[np.ndarray], path: str | os.PathLike, fps: float = 10) -> Path:
    """Write frames to ``.mp4`` (H.264 via imageio-ffmpeg) or ``.gif``, chosen by suffix."""
    import imageio.v2 as imageio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = list(frames)
    if path.suffix.lower() == '.gif':
        imageio.mimsave(path, frames, duration=1000 / fps, loop=0)
    elif path.suffix.lower() == '.mp4':
        # macro_block_size=1 keeps odd sizes; yuv420p plays everywhere.
        with imageio.get_writer(path, fps=fps, codec='libx264', macro_block_size=1,
                                ffmpeg_params=['-pix_fmt', 'yuv420p']) as writer:
            for frame in frames:
                writer.append_data(frame)
    else:
        raise ValueError(f'unsupported video suffix {path.suffix!r}; use .mp4 or .gif')
    return path


def draw_t(ax, pose: Sequence[float], **kwargs) -> None:
    """Draw the T at ``pose`` on a matplotlib axes (``kwargs`` go to ``Polygon``)."""
    from matplotlib.patches import Polygon as PolygonPatch

    ax.add_patch(PolygonPatch(geom.to_world(np.asarray(pose, np.float64), geom.T_OUTLINE),
                              closed=True, **kwargs))


def plot_trajectories(episodes: Sequence, path: str | os.PathLike,
                      goal_poses: dict[str, Sequence[float]], title: str | None = None,
                      cols: int = 4) -> Path:
    """Save a PNG with one panel per episode: goal, start and end T, pusher path over time.

    Args:
        episodes: ``Episode`` records (``observations``, ``task``, ``seed``, ``success``).
        path: output ``.png``.
        goal_poses: task name -> goal pose, to draw each episode's goal.
        title: figure title.
        cols: panels per row.
    """
    from matplotlib.figure import Figure

    n = max(1, len(episodes))
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(3.0 * cols, 3.0 * rows + (0.4 if title else 0)), dpi=100)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, ep in zip(axes.flat, episodes):
        obs = np.asarray(ep.observations, np.float64)
        ax.set_axis_on()
        draw_t(ax, goal_poses[ep.task], facecolor=GOAL_COLOR, edgecolor='none')
        draw_t(ax, obs[0, 2:5], facecolor='none', edgecolor=BLOCK_COLOR, linestyle='--')
        draw_t(ax, obs[-1, 2:5], facecolor=BLOCK_COLOR, edgecolor='none', alpha=0.8)
        draw_t(ax, goal_poses[ep.task], facecolor='none', edgecolor='#2e8b57', lw=0.8)
        t = np.linspace(0.0, 1.0, len(obs))
        ax.scatter(obs[:, 0], obs[:, 1], c=t, cmap='viridis', s=4, zorder=3)
        ax.plot(obs[:, 0], obs[:, 1], color=AGENT_COLOR, lw=0.6, alpha=0.5, zorder=2)
        ax.plot(obs[:, 2], obs[:, 3], color='k', lw=0.6, alpha=0.6, zorder=2)
        ax.add_patch(_circle(obs[0, :2], facecolor='none', edgecolor=AGENT_COLOR))
        ax.set_xlim(0, geom.WORKSPACE)
        ax.set_ylim(0, geom.WORKSPACE)
        ax.set_aspect('equal')
        ax.set_xticks([])
        ax.set_yticks([])
        status = 'ok' if ep.success else 'fail'
        ax.set_title(f'{ep.task} seed={ep.seed} {len(ep)} steps {status}', fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def _circle(xy, **kwargs):
    from matplotlib.patches import Circle

    return Circle(tuple(xy), geom.AGENT_RADIUS, **kwargs)
