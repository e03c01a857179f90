# Copyright 2026 lwd_ros contributors
# SPDX-License-Identifier: Apache-2.0
"""LWD models: trajectory VAE with hypernetwork decoder and latent diffusion (torch)."""
