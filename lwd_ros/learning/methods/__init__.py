# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""One module per method: its data cut, modules, stages and checkpoint loading (``base``).

The torch half of a method; its hyperparameters are the torch-free half,
``lwd_ros.methods.<name>``, which the numpy runtime reads too. ``lwd_ros.methods`` registers
both (``Method.learner``, ``Method.sections``, ``Method.train``); nothing here is imported
until a method is used, so loading an LWD checkpoint never imports the Diffusion Policy peer.
"""
