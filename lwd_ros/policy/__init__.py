# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Deployed policies: the numpy-only MLP the controller runs (no torch on this path)."""
