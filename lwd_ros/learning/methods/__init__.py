# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One module per method: its data cut, modules, stages and checkpoint loading (``base``).

``lwd_ros.methods`` registers each (``Method.learner``); nothing here is imported until a
method is used, so loading an LWD checkpoint never imports the Diffusion Policy peer.
"""
