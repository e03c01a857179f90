# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One config system: dataclasses filled from ``config/*.yaml`` and ``key.sub=value`` overrides.

Unknown keys are errors (a typo in a YAML file should never be silently ignored), and nested
dataclasses are built recursively so a YAML section maps to a config class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import dataclasses
import os
from pathlib import Path
import sys
import typing
from typing import Any, TypeVar

import yaml

T = TypeVar('T')


def share_dir() -> Path:
    """Locate ``share/lwd_ros`` (config, launch, models) in ament prefixes, env or checkout.

    Why this order: a colcon/distro install registers its prefix in ``AMENT_PREFIX_PATH``; a
    pip install puts data files under ``sys.prefix``; a source checkout has them at its root.
    """
    prefixes = [p for p in os.environ.get('AMENT_PREFIX_PATH', '').split(os.pathsep) if p]
    candidates = [Path(p) / 'share' / 'lwd_ros' for p in prefixes]
    candidates += [Path(sys.prefix) / 'share' / 'lwd_ros', Path(__file__).resolve().parents[1]]
    for c in candidates:
        if (c / 'config').is_dir():
            return c
    raise FileNotFoundError(f'lwd_ros share directory not found; looked in {candidates}')


def load_ref(ref: str) -> Any:
    """The object a ``"package.module:attribute"`` reference names (imported on demand).

    Why references rather than imports: sim plugins, methods and augmentations name code that
    pulls in heavy dependencies (mujoco, torch); a reference costs nothing until it is used.
    """
    import importlib

    module, sep, attr = ref.partition(':')
    if not sep or not module or not attr:
        raise ValueError(f'{ref!r} is not a "module:attribute" reference')
    return getattr(importlib.import_module(module), attr)


def resolve_path(path: str | os.PathLike) -> Path:
    """Resolve a user path, falling back to ``share/lwd_ros`` for relative shipped files."""
    p = Path(path).expanduser()
    if p.exists() or p.is_absolute():
        return p
    shipped = share_dir() / p
    return shipped if shipped.exists() else p


def check(ok: bool, name: str, value: Any, rule: str) -> None:
    """Raise the error a user reads for a bad setting: its name, the value given, the rule.

    Why not ``f'{self.x=}'``: that prints Python (``self.on_expired='bogus'``) to someone who
    typed ``on_expired:=bogus`` on a command line; this prints ``on_expired = 'bogus': must
    be one of keep, hold``, which a node prefixes with its name.
    """
    if not ok:
        raise ValueError(f'{name} = {value!r}: {rule}')


def _coerce(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ValueError(f'{where}: expected a mapping for {tp.__name__}, got {value!r}')
        return from_dict(tp, value, where)
    if origin in (tuple, list) and value is not None:
        args = typing.get_args(tp)
        inner = args[0] if args else Any
        items = [_coerce(inner, v, f'{where}[{i}]') for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if value is None else _coerce(args[0], value, where)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp in (int, float, str, bool) and not isinstance(value, tp):
        raise ValueError(f'{where} = {value!r}: expected {tp.__name__}')
    return value


def renamed(cls: type, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """``data`` with the old names of ``cls``'s keys replaced by their new ones.

    Why: files written before a key was renamed (every checkpoint's ``config.yaml``) must
    load unchanged, and so must old-name overrides. A class lists its renames as ``RENAMED =
    {'old': 'new'}`` (a ClassVar). Given both names, the later one wins, as YAML's later key
    and ``apply_overrides`` (which appends a key the file lacks) do.
    """
    renames = {o: n for o, n in getattr(cls, 'RENAMED', {}).items() if o in data}
    if not renames:
        return data
    out = dict(data)
    order = list(data)
    for old, new in renames.items():
        value = out.pop(old)
        if new not in data or order.index(old) > order.index(new):
            out[new] = value
    return out


def from_dict(cls: type[T], data: Mapping[str, Any], where: str = '') -> T:
    """Build dataclass ``cls`` from a mapping; raise ValueError naming unknown or bad keys."""
    data = renamed(cls, data)
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(
            f'{where or cls.__name__}: unknown keys {unknown}; valid: {sorted(names)}')
    kwargs = {k: _coerce(hints[k], v, f'{where}.{k}' if where else k) for k, v in data.items()}
    return cls(**kwargs)


def apply_overrides(data: dict[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """Apply ``a.b=value`` strings (value parsed as YAML) to a nested dict, in place."""
    for item in overrides:
        key, sep, raw = item.partition('=')
        if not sep:
            raise ValueError(f'override {item!r} is not of the form key.sub=value')
        node = data
        *parents, leaf = key.split('.')
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = yaml.safe_load(raw)
    return data


def load_config(cls: type[T], path: str | os.PathLike | None = None,
                overrides: Sequence[str] = ()) -> T:
    """Load ``cls`` from a YAML file (relative paths may name shipped configs) plus overrides."""
    data: dict[str, Any] = {}
    if path is not None:
        p = resolve_path(path)
        if not p.is_file():
            raise FileNotFoundError(f'config file not found: {path}')
        data = yaml.safe_load(p.read_text()) or {}
    return from_dict(cls, apply_overrides(data, overrides))


def to_dict(cfg: Any) -> dict[str, Any]:
    """Plain-YAML-safe dict of a config (tuples become lists)."""
    def plain(v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v
    return plain(dataclasses.asdict(cfg))
