# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The deployment side: numpy (+ onnxruntime) only, never torch, mujoco or gymnasium.

Everything a robot needs at run time lives here: the MLP the controller runs, the feature
map, the sampler plan, the checkpoint format, the ONNX generator, the regeneration schedule
and the controller core. ``lwd_ros.learning`` (torch) builds on it, never the reverse; a
test parses every module here and fails on a heavy import.
"""
