# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""``python -m lwd_ros`` is the ``lwd`` command."""

import sys

from lwd_ros.cli import main

sys.exit(main())
