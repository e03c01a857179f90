# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Training loops for the two LWD stages and the MLP baselines."""
