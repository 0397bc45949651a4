"""Guix: channels files (``guix describe -f channels``)."""

from __future__ import annotations

from polypac.ecosystems.guix.channels import Channel, channel_purl, read_guix_channels

__all__ = ["Channel", "channel_purl", "read_guix_channels"]
