# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""ROS parameters from a config dataclass: one declaration per parameter, in the dataclass.

``declare_config(node, ControllerConfig)`` declares one parameter per field with the field's
default and its ``Args:`` line as description, reads them back and builds the dataclass
(which validates). Parameters are dynamically typed so what a user types on a command line or
in a launch file is accepted (``control_rate:=500`` is an integer, the field a float) and the
dataclass coerces it; a wrong type is still an error, naming the parameter.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from rcl_interfaces.msg import ParameterDescriptor
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


def declare_config(node: Node, cls: type[T], skip: tuple[str, ...] = ()) -> T:
    """Declare ``cls``'s fields as parameters of ``node`` and return the filled dataclass."""
    docs = field_docs(cls)
    values = {}
    for field in dataclasses.fields(cls):
        if field.name in skip:
            continue
        descriptor = ParameterDescriptor(description=docs.get(field.name, ''),
                                         dynamic_typing=True)
        value = node.declare_parameter(field.name, _default(field), descriptor).value
        if value is not None:
            values[field.name] = list(value) if isinstance(value, (list, tuple)) else value
    try:
        return from_dict(cls, values, node.get_name())
    except (TypeError, ValueError) as e:
        raise ValueError(f'{node.get_name()} parameters: {e}') from e
