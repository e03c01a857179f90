# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Which weights a stage ends with, and when it stops: selection on held-out episodes.

A lab's bag holds 50-200 demonstrations. On so few, a stage's last weights are often not its
best: the VAE's training loss kept falling to 0.005 while its held-out reconstruction rose to
0.12 (issue 33). ``Selection`` follows the stage's selection loss (``Stage.select``) at every
validation, keeps a copy of the weights at its best (``train.select_best``), stops the stage
after ``train.patience`` validations without a new best, and says afterwards whether the
stage overfit (``report``), so ``lwd train`` can tell the user what to try.

A resumed stage selects among the validations since the resume (the copy is not saved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import math

from torch import nn

OVERFIT = 0.10  # the held-out loss ended this much above its best: the stage overfit


@dataclass
class Selection:
    """The selection loss of one stage over its validations.

    Args:
        key: the validation result minimised ('' or absent: nothing to select on).
        keep_best: keep a copy of the weights at each new best (``train.select_best``).
        patience: validations without a new best before the stage stops (0: never).
    """

    key: str
    keep_best: bool = False
    patience: int = 0
    history: list[tuple[int, float]] = field(default_factory=list)
    best: float = math.inf
    best_step: int = 0
    best_val: dict = field(default_factory=dict)
    _since_best: int = 0
    _copy: list[dict] | None = None

    def update(self, step: int, val: dict, modules: list[nn.Module]) -> bool:
        """Record the validation at ``step``; True when the stage should stop now."""
        if not self.key or self.key not in val:
            return False
        value = float(val[self.key])
        self.history.append((step, value))
        if value < self.best:
            self.best, self.best_step, self._since_best = value, step, 0
            self.best_val = dict(val)
            if self.keep_best:
                self._copy = [{k: v.detach().clone() for k, v in m.state_dict().items()}
                              for m in modules]
        else:
            self._since_best += 1
        return 0 < self.patience <= self._since_best

    def restore(self, modules: list[nn.Module]) -> bool:
        """Load the best weights into ``modules``; False if there is nothing to restore."""
        if self._copy is None or not self.history or self.history[-1][0] == self.best_step:
            return False  # never kept, or the last weights are the best ones
        for module, state in zip(modules, self._copy):
            module.load_state_dict(state)
        return True

    def report(self, steps_run: int, steps_planned: int, kept_best: bool) -> dict:
        """What the validations say about this stage (``{}`` without any)."""
        if not self.history:
            return {}
        last_step, last = self.history[-1]
        rise = last / self.best - 1.0 if self.best > 0 else 0.0
        improving = len(self.history) >= 2 and self.best_step == last_step and \
            self.history[-2][1] > last * (1 + OVERFIT / 2)
        verdict = ('overfits' if rise > OVERFIT else
                   'still improving' if improving and steps_run == steps_planned else 'fits')
        return {'key': self.key, 'best': self.best, 'best_step': self.best_step,
                'last': last, 'last_step': last_step, 'rise_from_best': round(rise, 4),
                'stopped_early': steps_run < steps_planned, 'kept_best': kept_best,
                'verdict': verdict}


def advice(stage: str, report: dict) -> str:
    """One line for the user: what the stage's validations say and what to try."""
    head = (f'{stage}: {report["key"]} best {report["best"]:.4g} at step '
            f'{report["best_step"]}, {report["last"]:.4g} at step {report["last_step"]}')
    if report['verdict'] == 'overfits':
        kept = ('the best weights were kept' if report['kept_best'] else
                'the last weights were kept: train.select_best=true keeps the best')
        return (f'{head} (+{report["rise_from_best"]:.0%}): overfits; {kept}. To try: '
                'train.patience=3 (stop there), data.obs_noise=0.05, fewer steps or a smaller '
                'model, more demonstrations')
    if report['verdict'] == 'still improving':
        return f'{head}: still improving at the end; more steps may help'
    stopped = ' (stopped early: no new best)' if report['stopped_early'] else ''
    return f'{head}: fits{stopped}'
