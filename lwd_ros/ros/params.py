# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""ROS parameters from a config dataclass: one declaration per parameter, in the dataclass.

``declare_config(node, ControllerConfig)`` declares one parameter per field with the field's
default and its ``Args:`` line as description, reads them back and builds the dataclass
(which validates). Parameters are dynamically typed so what a user types on a command line or
in a launch file is accepted (``control_rate:=500`` is an integer, the field a float) and the
dataclass coerces it; a wrong type is still an error, naming the parameter.

What a dataclass lists in ``RUNTIME`` may change while the node runs (``ros2 param set``):
the new value is validated by building the dataclass again, refused with the reason if it
does not validate, and handed to the node's ``on_change``. Every other parameter is
``read_only``: setting it is refused by ROS, saying so, instead of being accepted and
silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import re
from typing import Any, TypeVar

from rcl_interfaces.msg import ParameterDescriptor, SetParametersResult
from rclpy.node import Node

from lwd_ros.config import from_dict

T = TypeVar('T')


def field_docs(cls: type) -> dict[str, str]:
    """``{field: description}`` from a Google-style ``Args:`` section of ``cls``'s docstring."""
    doc = (cls.__doc__ or '').split('Args:', 1)
    docs: dict[str, str] = {}
    if len(doc) < 2:
        return docs
    name = None
    for line in doc[1].splitlines():
        m = re.match(r'^\s{8}(\w+): (.*)$', line)
        if m:
            name, docs[m.group(1)] = m.group(1), m.group(2).strip()
        elif name and line.startswith(' ' * 12):
            docs[name] += ' ' + line.strip()
        elif line.strip():
            name = None
    return docs


def _default(field: dataclasses.Field) -> Any:
    value = (field.default_factory() if field.default_factory is not dataclasses.MISSING
             else field.default)
    if isinstance(value, tuple):
        value = list(value)
    return None if value == [] else value  # an empty list has no ROS type: leave it unset


def declare_config(node: Node, cls: type[T], skip: tuple[str, ...] = (),
                   on_change: Callable[[T], None] | None = None) -> T:
    """Declare ``cls``'s fields as parameters of ``node`` and return the filled dataclass.

    ``on_change``: receives the new dataclass when a ``RUNTIME`` field is set at run time;
    without it every parameter is read-only.
    """
    docs = field_docs(cls)
    runtime = set(getattr(cls, 'RUNTIME', ())) if on_change else set()
    values = {}
    for field in dataclasses.fields(cls):
        if field.name in skip:
            continue
        fixed = field.name not in runtime
        descriptor = ParameterDescriptor(
            description=docs.get(field.name, '') + (' (read-only)' if fixed else ''),
            dynamic_typing=True, read_only=fixed)
        value = node.declare_parameter(field.name, _default(field), descriptor).value
        if value is not None:
            values[field.name] = list(value) if isinstance(value, (list, tuple)) else value
    try:
        cfg = from_dict(cls, values)
    except (TypeError, ValueError) as e:  # e: 'name = value: rule' (config.check)
        raise ValueError(f'{node.get_name()}: parameter {e}') from e
    if runtime:
        current = [cfg]

        def on_set(params) -> SetParametersResult:
            changed = {p.name: p.value for p in params if p.name in runtime}
            if not changed:
                return SetParametersResult(successful=True)  # not ours (use_sim_time)
            data = {f.name: getattr(current[0], f.name) for f in dataclasses.fields(cls)}
            try:
                new = from_dict(cls, {**data, **changed})
            except (TypeError, ValueError) as e:
                return SetParametersResult(successful=False, reason=f'parameter {e}')
            on_change(new)
            current[0] = new
            return SetParametersResult(successful=True)
        node.add_on_set_parameters_callback(on_set)
    return cfg
