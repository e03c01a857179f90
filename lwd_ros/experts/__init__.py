# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Scripted experts that produce demonstrations (sampling-based MPC over MuJoCo)."""
