# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Closed-loop evaluation without ROS: rollouts, metrics, videos."""

# First reset seed of evaluation episodes. ``lwd collect`` numbers its attempts from seed 0,
# so evaluating from 0 would replay initial states the demonstrations started from; from
# here on no default dataset (fewer than 100k attempts) has seen the episode.
HELD_OUT_SEED = 100_000
