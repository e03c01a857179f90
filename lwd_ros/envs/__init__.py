# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Gymnasium MuJoCo environments (PushT), registered on import."""
