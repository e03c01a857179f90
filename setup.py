# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""pip route: installs the Python package, console scripts and share/ data.

The distribution is named ``lwd-ros-py`` on purpose: rosidl writes an ``lwd_ros-*.egg-info``
next to the generated messages, and a distribution called ``lwd_ros`` would make pip treat it
as an old install and delete the messages.
"""

from pathlib import Path
import xml.etree.ElementTree as ET

from setuptools import find_packages, setup

HERE = Path(__file__).parent
PACKAGE = ET.parse(HERE / 'package.xml').getroot()
NODES = (HERE / 'resource' / 'nodes.txt').read_text().split()


def tree(folder):
    """data_files entries that mirror ``folder`` under share/lwd_ros."""
    entries = {}
    for path in sorted((HERE / folder).rglob('*')):
        if path.is_file() and '__pycache__' not in path.parts:
            rel = path.relative_to(HERE)
            entries.setdefault(str(Path('share/lwd_ros') / rel.parent), []).append(str(rel))
    return list(entries.items())


setup(
    name='lwd-ros-py',
    version=PACKAGE.findtext('version'),
    description=PACKAGE.findtext('description'),
    license=PACKAGE.findtext('license'),
    python_requires='>=3.10',
    packages=find_packages(include=['lwd_ros', 'lwd_ros.*']),
    package_data={'lwd_ros': ['envs/*/*.xml']},
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/lwd_ros']),
        ('share/lwd_ros', ['package.xml']),
        *tree('launch'), *tree('config'), *tree('models'),
    ],
    entry_points={'console_scripts': [
        'lwd = lwd_ros.cli:main',
        *[f'{node} = lwd_ros.nodes.{node}:main' for node in NODES],
    ]},
)
