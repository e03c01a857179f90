# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""Export of the generator to ONNX and an onnxruntime-backed generator."""
