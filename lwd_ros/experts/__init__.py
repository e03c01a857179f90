# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Scripted experts that produce demonstrations (sampling-based MPC over MuJoCo)."""

from lwd_ros.experts.mpc import ExpertConfig, MPCExpert, load_expert_config

__all__ = ['ExpertConfig', 'MPCExpert', 'load_expert_config']
