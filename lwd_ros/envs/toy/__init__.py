# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The toy reaching env's spec (its env and expert: ``lwd_ros.evaluation.toy``)."""
