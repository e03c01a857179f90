# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""The learning side (torch): models, methods, training, the torch generator, ONNX export.

Nodes never import this package; ``lwd_ros.runtime.loader`` reaches the torch generator only
when a user asks for a training checkpoint rather than an ONNX export.
"""
