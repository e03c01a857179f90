# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Configuration of an experiment: one dataclass per YAML section, for any method.

This file declares what every method shares (``data:``, ``policy:``, the training loop's
keys of ``train:``) and names no method: a method's own sections and its stage budgets in
``train:`` are declared in its module (``lwd_ros.methods.<name>``) and registered in
``lwd_ros.methods``; ``TrainConfig`` and ``LwdConfig`` are composed here from every
registered method's, so one YAML loader (``lwd_ros.config.from_dict``) validates every key
and a checkpoint's ``config.yaml`` keeps every method's sections, as it always has.

Torch-free, so the ONNX-backed generator can read a checkpoint's ``config.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable
import dataclasses
from dataclasses import dataclass, field
import re
import typing
from typing import Any, ClassVar

from lwd_ros.methods import DEFAULT_METHOD, METHODS
from lwd_ros.runtime.mlp import ACTIVATIONS

DEVICES = r'auto|cpu|cuda(:\d+)?'  # what a device setting may name (train, eval, generator)


@dataclass
class DataConfig:
    """Which demonstrations and how they are cut.

    Args:
        dataset: path of a Minari dataset (read with ``lwd_ros.data.minari_io``); empty:
            ``datasets/<robot>_demos``, where the ``collect --robot <robot>`` command writes by
            default.
        extra_datasets: more datasets of the same env and goals, trained on together with
            ``dataset`` (e.g. noise-injected demonstrations, ``collect --action-noise``);
            validation episodes are drawn from the union.
        horizon: snippet length H in policy steps; 0 = one snippet per whole trajectory.
            Also the action horizon a checkpoint deploys at by default.
        horizons: train one model for several action horizons: snippets of each of these
            lengths, and a generator conditioned on the horizon, so a policy generated for
            H steps was learnt from H-step behaviour. Empty: ``horizon`` only.
        stride: steps between snippet starts.
        obs_history: observations (current one included) a generator is conditioned on.
        val_fraction: fraction of episodes per task held out for validation losses.
        robot: the robot contract the demonstrations come from (a shipped robot's name or a
            YAML file, ``lwd_ros.contract``): it names the observation entries, which are
            angles (every model sees their sine and cosine) and which are planar points, and
            their resolution (normalisation's floor); the checkpoint carries it. '' = the
            contract the dataset stores (every dataset this package writes stores one).
            Configs written before it was renamed call it ``env`` (``RENAMED``).
        goal_frame: learn in each task's frame (its goal pose from the dataset metadata):
            the spec's ``frame_points`` and ``action_points`` rotate and translate, its
            angles rotate. The generator folds the frame into every policy it emits.
        augment: add the robot's sim's symmetric copies of the training episodes (e.g.
            mirrored about the goal's axis); validation stays as recorded.
        relative_actions: learn position targets relative to the current position of the
            commanded joints (``a - q``: the spec's position feedback); the generator adds
            ``q`` back through an exact skip path in every emitted ReLU MLP.
        obs_noise: std of Gaussian noise added to the (normalised) observations of every
            training batch, a fresh draw per batch (0 = off): the actions stay the
            demonstrator's, so the model learns to act the same from nearby states, a
            sim-free stand-in for the states DART's noisy rollouts visit. Validation stays
            clean.
    """

    dataset: str = ''
    extra_datasets: tuple[str, ...] = ()
    horizon: int = 8
    horizons: tuple[int, ...] = ()
    stride: int = 1
    obs_history: int = 1
    val_fraction: float = 0.1
    robot: str = ''
    goal_frame: bool = False
    relative_actions: bool = False
    augment: bool = False
    obs_noise: float = 0.0

    RENAMED: ClassVar[dict[str, str]] = {'env': 'robot'}  # old key -> key (config.renamed)

    @property
    def snippet_length(self) -> int:
        """Steps cut per snippet: the longest trained horizon."""
        return max(self.horizons, default=self.horizon)

    def __post_init__(self):
        self.horizons = tuple(sorted({int(h) for h in self.horizons}))
        self.dataset = self.dataset or f'datasets/{self.robot}_demos'
        self.extra_datasets = tuple(str(p) for p in self.extra_datasets)
        if min(self.horizons, default=1) < 1:
            raise ValueError(f'{self.horizons=} must be positive step counts')
        if self.horizon < 0 or self.stride < 1 or self.obs_history < 1:
            raise ValueError(f'{self.horizon=} must be >= 0, {self.stride=} and '
                             f'{self.obs_history=} >= 1')
        if not 0.0 <= self.val_fraction < 1.0:
            raise ValueError(f'{self.val_fraction=} must be in [0, 1)')
        if self.obs_noise < 0:
            raise ValueError(f'data.obs_noise = {self.obs_noise}: must be >= 0 (0 = off)')


@dataclass
class PolicyConfig:
    """The deployed MLP ``obs -> action`` (generated, or trained directly by a baseline).

    Args:
        hidden_sizes: hidden layer widths; obs/action sizes come from the data.
        activation: one of ``lwd_ros.runtime.mlp.ACTIVATIONS`` (the numpy controller runs it).
    """

    hidden_sizes: tuple[int, ...] = (128, 128)
    activation: str = 'relu'

    def __post_init__(self):
        self.hidden_sizes = tuple(int(h) for h in self.hidden_sizes)
        if not self.hidden_sizes or min(self.hidden_sizes) < 1:
            raise ValueError(f'{self.hidden_sizes=} must be a non-empty list of positive ints')
        if self.activation not in ACTIVATIONS:
            raise ValueError(f'{self.activation=} must be one of {sorted(ACTIVATIONS)}')


@dataclass
class LoopConfig:
    """The training loop's keys of ``train:``: how every stage of every method is optimised.

    Each method adds its stage budgets (``<stage>_steps``, ``<stage>_lr``) to ``train:`` from
    its own module; ``TrainConfig`` below is the whole section.

    Args:
        seed: seeds the data split, initialisation and batch sampling.
        batch_size: samples (snippets, windows or single steps: the method's cut) per step.
        weight_decay: AdamW weight decay.
        warmup_steps: linear learning-rate warmup.
        grad_clip: max gradient norm.
        val_every: steps between validation losses.
        ckpt_every: steps between checkpoints (always one at the end of a stage).
        snapshot_every: steps between loadable copies kept under ``snapshots/`` (0 = none;
            never in a stage after which the checkpoint cannot act yet: ``Stage.snapshots``),
            for success-vs-compute.
        num_threads: torch CPU threads.
        device: where training runs: ``auto`` (this rank's GPU if torch sees CUDA, else the
            CPU), ``cpu``, ``cuda`` (under ``torchrun``: GPU ``LOCAL_RANK``) or ``cuda:N``.
            Checkpoints are written from CPU copies, so any of them loads anywhere.
        amp: bf16 autocast in the training forward passes (no loss scaling: bf16 has fp32's
            range). Off by default: its effect on a GPU has not been measured yet. On a CPU
            with AVX-512 BF16 it trained the default model 1.7x (first stage) and 2.4x (second)
            as many steps per second at the same loss (docs/training_on_gpus.md).
        compile: ``torch.compile`` the training losses. Off by default for the same reason;
            the first steps of every stage pay the compilation. Not with ``amp`` on the CPU
            (NaN gradients there, torch 2.13).
        select_best: end every stage with the weights of its best validation (the stage's
            selection loss, ``Stage.select``), not its last: on a
            small dataset the last ones are often overfit. Needs validation episodes.
        patience: stop a stage after this many validations in a row without a new best
            (0 = run every step); with ``select_best`` the best weights are kept.
        epochs: > 0 sizes every stage to the dataset: as many steps as this many passes
            over the stage's training samples take at ``batch_size``, at least
            ``min_steps`` and at most the stage's own ``*_steps`` (which become caps). A
            bag of 100 demonstrations then trains a few thousand steps and one of 1,000 the
            full count, with no override; 0 = every stage runs its ``*_steps``.
        min_steps: the fewest steps a stage sized by ``epochs`` runs.
    """

    seed: int = 0
    batch_size: int = 256
    weight_decay: float = 1e-4
    warmup_steps: int = 200
    grad_clip: float = 1.0
    val_every: int = 500
    ckpt_every: int = 2000
    snapshot_every: int = 0
    num_threads: int = 2
    device: str = 'auto'
    amp: bool = False
    compile: bool = False
    select_best: bool = False
    patience: int = 0
    epochs: float = 0.0
    min_steps: int = 500

    def __post_init__(self):
        if self.epochs < 0 or self.min_steps < 1:
            raise ValueError(f'train.epochs = {self.epochs}, train.min_steps = '
                             f'{self.min_steps}: need epochs >= 0 (0 = fixed steps) and '
                             'min_steps >= 1')
        if self.patience < 0:
            raise ValueError(f'train.patience = {self.patience}: must be >= 0 (0 = never stop '
                             'early)')
        if not re.fullmatch(DEVICES, self.device):
            raise ValueError(f'train.device={self.device!r} must be auto, cpu, cuda or cuda:N '
                             '(N: a GPU index)')
        if self.snapshot_every < 0:
            raise ValueError(f'{self.snapshot_every=} must be >= 0 (0 = no snapshots)')
        counts = (self.batch_size, self.val_every, self.ckpt_every, self.num_threads)
        if min(counts) < 1:
            raise ValueError(f'{counts=} (batch, val_every, ckpt_every, threads) must be >= 1')
        if self.warmup_steps < 0 or self.grad_clip <= 0:
            raise ValueError(f'{self.warmup_steps=} must be >= 0 and {self.grad_clip=} > 0')


def _fields(parts: Iterable[type]) -> list[tuple[str, Any, Any]]:
    """``make_dataclass`` specs of every field of the dataclasses ``parts``, in order."""
    specs, seen = [], {}
    for part in parts:
        hints = typing.get_type_hints(part)
        for f in dataclasses.fields(part):
            if seen.setdefault(f.name, part) is not part:
                raise TypeError(f'{part.__name__} and {seen[f.name].__name__} both declare '
                                f'{f.name!r}')
            default = (field(default=f.default) if f.default is not dataclasses.MISSING
                       else field(default_factory=f.default_factory))
            specs.append((f.name, hints[f.name], default))
    return specs


def _compose(name: str, doc: str, parts: list[type], extra: list[tuple[str, Any, Any]]) -> type:
    """A dataclass with every field of ``parts`` and then ``extra``, checked by each part.

    Why composed: each method declares its keys once, in its own module, and the YAML keeps
    one flat section for them (``train.vae_steps`` beside ``train.seed``), as every shipped
    config and checkpoint has it.
    """
    checks = [p.__post_init__ for p in parts if hasattr(p, '__post_init__')]

    def __post_init__(self):
        for check in checks:
            check(self)
    return dataclasses.make_dataclass(name, _fields(parts) + extra, namespace={
        '__post_init__': __post_init__, '__doc__': doc, '__module__': __name__,
        '__qualname__': name})


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(i for i in items if i is not None))


def method_sections() -> dict[str, type]:
    """Every registered method's own YAML sections, by name (shared ones once)."""
    sections: dict[str, type] = {}
    for m in METHODS.values():
        for name, cls in m.sections.items():
            if sections.setdefault(name, cls) is not cls:
                raise TypeError(f'section {name!r}: {m.name} declares {cls.__name__}, another '
                                f'method {sections[name].__name__}')
    return sections


@dataclass
class _Experiment:
    """What every experiment has (``LwdConfig`` has the args)."""

    method: str = DEFAULT_METHOD
    data: DataConfig = field(default_factory=DataConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f'{self.method=} must be one of {sorted(METHODS)}')


TrainConfig = _compose('TrainConfig', """The ``train:`` section: the loop's keys and every budget.

    ``LoopConfig`` has the loop's args, each method's ``train`` class (``Method.train``) those
    of its stage budgets.
    """, [LoopConfig, *_unique(m.train for m in METHODS.values())], [])

LwdConfig = _compose('LwdConfig', """A whole experiment, as stored (resolved) in a checkpoint.

    Every checkpoint's ``config.yaml`` holds it.

    Args:
        method: a registered method's name (``lwd_ros.methods.METHODS``).
        data: see ``DataConfig``.
        policy: see ``PolicyConfig`` (the MLP every method deploys or generates).
        <section>: every registered method's own sections, each its config class
            (``Method.sections``); a method reads its own and the rest keep their defaults.
        train: see ``TrainConfig``.
    """, [_Experiment], [(name, cls, field(default_factory=cls))
                         for name, cls in {**method_sections(), 'train': TrainConfig}.items()])
