"""Sinks: write polypac's dependency graph as SBOM and VEX documents.

Each format lives in its own module, so that importing one pulls in only its library:

- :mod:`polypac.sinks.cyclonedx`: CycloneDX 1.6 JSON (cyclonedx-python-lib), with
  vulnerabilities given as :class:`~polypac.sinks.cyclonedx.VulnerabilityRecord`;
- :mod:`polypac.sinks.spdx`: SPDX 2.3 JSON (spdx-tools);
- :mod:`polypac.sinks.openvex`: OpenVEX 0.2 JSON (no library: the format is small).

Every writer is deterministic: the same graph (and the same fixed times) gives a
byte-identical document. Input that cannot be written raises :class:`SinkError`.
"""

from __future__ import annotations

from polypac.errors import PolypacError

__all__ = ["SinkError"]


class SinkError(PolypacError, ValueError):
    """Input that a sink cannot turn into a valid document; the message says which and why."""
