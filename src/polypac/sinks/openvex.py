"""OpenVEX 0.2 JSON: statements on whether a product is affected by a vulnerability.

The format is small and has no well-kept Python library, so the document is built here
by hand and checked against the spec's rules on the way in: a ``not_affected`` statement
needs a justification (and only it may have one), an ``affected`` statement needs an
action statement. Statements are sorted, and the document ``@id`` is derived from its
content, so the same statements, author and timestamp give a byte-identical document.

    >>> from datetime import datetime, timezone
    >>> statement = VexStatement("CVE-2024-0001", "pkg:npm/ms@2.1.3", VexStatus.FIXED)
    >>> text = to_openvex([statement], author="polypac", timestamp=datetime(2026, 1, 1,
    ...     tzinfo=timezone.utc))
    >>> '"status": "fixed"' in text
    True
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from polypac.sinks import SinkError

__all__ = ["CONTEXT", "Justification", "VexStatement", "VexStatus", "to_openvex"]

CONTEXT = "https://openvex.dev/ns/v0.2.0"
"""The ``@context`` of an OpenVEX 0.2 document."""

_ID_NAMESPACE = uuid.UUID("0c6a8b1e-7d52-5f4e-8b3a-1e9d2c4f6a70")


class VexStatus(enum.Enum):
    """The four statuses OpenVEX knows."""

    NOT_AFFECTED = "not_affected"
    AFFECTED = "affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"


class Justification(enum.Enum):
    """Why a product is not affected (the spec's fixed list)."""

    COMPONENT_NOT_PRESENT = "component_not_present"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present"
    VULNERABLE_CODE_NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path"
    VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY = (
        "vulnerable_code_cannot_be_controlled_by_adversary"
    )
    INLINE_MITIGATIONS_ALREADY_EXIST = "inline_mitigations_already_exist"


@dataclass(frozen=True, slots=True)
class VexStatement:
    """That ``product`` (a PURL) has ``status`` with respect to ``vulnerability`` (an id
    such as CVE-2024-0001 or GHSA-...)."""

    vulnerability: str
    product: str
    status: VexStatus
    justification: Justification | None = None
    action_statement: str | None = None
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"statement on {self.vulnerability} for {self.product}"
        if not self.vulnerability:
            raise SinkError(f"statement for {self.product}: the vulnerability name is empty")
        if not self.product:
            raise SinkError(f"statement on {self.vulnerability}: the product PURL is empty")
        if self.status is VexStatus.NOT_AFFECTED and self.justification is None:
            raise SinkError(f"{where}: status not_affected needs a justification")
        if self.status is not VexStatus.NOT_AFFECTED and self.justification is not None:
            raise SinkError(f"{where}: only status not_affected takes a justification")
        if self.status is VexStatus.AFFECTED and not self.action_statement:
            raise SinkError(f"{where}: status affected needs an action statement")

    def to_json(self) -> dict[str, object]:
        """The statement as OpenVEX JSON (a dict in the spec's field names)."""
        vulnerability: dict[str, object] = {"name": self.vulnerability}
        if self.aliases:
            vulnerability["aliases"] = sorted(self.aliases)
        data: dict[str, object] = {
            "vulnerability": vulnerability,
            "products": [{"@id": self.product}],
            "status": self.status.value,
        }
        if self.justification is not None:
            data["justification"] = self.justification.value
        if self.action_statement:
            data["action_statement"] = self.action_statement
        return data


def to_openvex(
    statements: Iterable[VexStatement],
    *,
    author: str,
    timestamp: datetime,
    version: int = 1,
    document_id: str | None = None,
) -> str:
    """The statements as an OpenVEX 0.2 JSON document.

    ``timestamp`` is written as RFC 3339 in UTC when it has a zone (as given otherwise);
    ``document_id`` defaults to a ``urn:uuid:`` derived from the content. Raises
    :class:`SinkError` for an empty author or a version below 1.
    """
    if not author:
        raise SinkError("an OpenVEX document needs an author")
    if version < 1:
        raise SinkError(f"an OpenVEX document version starts at 1, not {version}")
    body = [statement.to_json() for statement in sorted(statements, key=_sort_key)]
    stamp = _rfc3339(timestamp)
    if document_id is None:
        seed = json.dumps([author, stamp, version, body], sort_keys=True)
        document_id = f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, seed)}"
    document = {
        "@context": CONTEXT,
        "@id": document_id,
        "author": author,
        "timestamp": stamp,
        "version": version,
        "statements": body,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _sort_key(statement: VexStatement) -> tuple[str, str, str]:
    return (statement.vulnerability, statement.product, statement.status.value)


def _rfc3339(timestamp: datetime) -> str:
    if timestamp.utcoffset() is not None:
        timestamp = timestamp.astimezone(UTC)
        return timestamp.replace(tzinfo=None).isoformat() + "Z"
    return timestamp.isoformat()
