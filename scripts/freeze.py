# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Print a pip lock of this environment, skipping what pip cannot install.

rosidl (ours and the ROS wheels') writes ``*.egg-info`` folders next to generated messages;
they look like distributions to ``pip freeze`` but exist on no index. The local CPU torch
build is pinned by its public version.
"""

from importlib import metadata

SKIP = {'lwd-ros-py', 'pip', 'setuptools', 'wheel'}

lines = set()
for dist in metadata.distributions():
    name = dist.metadata['Name']
    if str(dist._path).endswith('.egg-info') or name.lower() in SKIP:
        continue
    lines.add(f'{name}=={dist.version.split("+")[0]}')
print('\n'.join(sorted(lines, key=str.lower)))
