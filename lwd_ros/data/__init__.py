# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Demonstrations: the Episode record, Minari datasets, collection and bag conversion."""
