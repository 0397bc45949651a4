"""OpenVEX 0.2 output, checked against the spec's field rules written out below.

No official OpenVEX JSON schema ships with any installed package, so the rules of the
OpenVEX 0.2 spec are checked directly by ``_check_openvex``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from polypac.purl import parse_purl
from polypac.sinks import SinkError
from polypac.sinks.openvex import CONTEXT, Justification, VexStatement, VexStatus, to_openvex

_WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_STATUSES = {"not_affected", "affected", "fixed", "under_investigation"}
_JUSTIFICATIONS = {j.value for j in Justification}


def _check_openvex(document: dict[str, Any]) -> None:
    """The OpenVEX 0.2 document rules (spec, "Document" and "Statement" sections)."""
    assert document["@context"] == "https://openvex.dev/ns/v0.2.0"
    assert isinstance(document["@id"], str)
    assert document["@id"]
    assert isinstance(document["author"], str)
    assert document["author"]
    assert _RFC3339.match(document["timestamp"])
    assert isinstance(document["version"], int)
    assert document["version"] >= 1
    assert isinstance(document["statements"], list)
    for statement in document["statements"]:
        assert statement["vulnerability"]["name"]
        assert statement["products"]
        for product in statement["products"]:
            assert product["@id"]
        assert statement["status"] in _STATUSES
        if statement["status"] == "not_affected":
            assert statement["justification"] in _JUSTIFICATIONS
        else:
            assert "justification" not in statement
        if statement["status"] == "affected":
            assert statement["action_statement"]


_STATEMENTS = [
    VexStatement(
        "CVE-2024-0001",
        "pkg:npm/ms@2.1.3",
        VexStatus.NOT_AFFECTED,
        justification=Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
    ),
    VexStatement(
        "CVE-2024-0002",
        "pkg:npm/express@4.22.3",
        VexStatus.AFFECTED,
        action_statement="Upgrade express to 4.22.4",
    ),
    VexStatement("GHSA-aaaa-bbbb-cccc", "pkg:pypi/requests@2.31.0", VexStatus.FIXED),
    VexStatement("CVE-2023-9999", "pkg:npm/%40types/ms@0.7.34", VexStatus.UNDER_INVESTIGATION),
]


def _load(statements: list[VexStatement], **options: Any) -> dict[str, Any]:
    text = to_openvex(statements, author="polypac", timestamp=_WHEN, **options)
    document: dict[str, Any] = json.loads(text)
    _check_openvex(document)
    return document


@pytest.mark.parametrize("statement", _STATEMENTS, ids=[s.status.value for s in _STATEMENTS])
def test_each_status_follows_the_rules(statement: VexStatement) -> None:
    [written] = _load([statement])["statements"]
    assert written["status"] == statement.status.value
    assert written["vulnerability"] == {"name": statement.vulnerability}
    assert [p["@id"] for p in written["products"]] == [statement.product]
    assert parse_purl(written["products"][0]["@id"]).to_string() == statement.product
    assert written.get("justification") == (
        statement.justification.value if statement.justification else None
    )
    assert written.get("action_statement") == statement.action_statement


def test_document_fields() -> None:
    document = _load(_STATEMENTS)
    assert document["@context"] == CONTEXT
    assert document["author"] == "polypac"
    assert document["timestamp"] == "2026-01-02T03:04:05Z"
    assert document["version"] == 1
    assert document["@id"].startswith("urn:uuid:")
    names = [s["vulnerability"]["name"] for s in document["statements"]]
    assert names == sorted(names)


def test_timestamp_in_another_zone_is_written_in_utc() -> None:
    east = _WHEN.astimezone(timezone(timedelta(hours=2)))
    document = json.loads(to_openvex(_STATEMENTS, author="a", timestamp=east))
    assert document["timestamp"] == "2026-01-02T03:04:05Z"


def test_same_statements_give_identical_bytes() -> None:
    first = to_openvex(_STATEMENTS, author="polypac", timestamp=_WHEN)
    again = to_openvex(list(reversed(_STATEMENTS)), author="polypac", timestamp=_WHEN)
    assert first == again
    later = to_openvex(_STATEMENTS, author="polypac", timestamp=_WHEN + timedelta(seconds=1))
    assert json.loads(first)["@id"] != json.loads(later)["@id"]


def test_document_id_and_version_can_be_given() -> None:
    document = _load(_STATEMENTS, document_id="https://example.com/vex/1", version=3)
    assert document["@id"] == "https://example.com/vex/1"
    assert document["version"] == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("CVE-1", "pkg:npm/ms@2.1.3", VexStatus.NOT_AFFECTED, None, None),
            "statement on CVE-1 for pkg:npm/ms@2.1.3: status not_affected needs a justification",
        ),
        (
            ("CVE-1", "pkg:npm/ms@2.1.3", VexStatus.AFFECTED, None, None),
            "statement on CVE-1 for pkg:npm/ms@2.1.3: status affected needs an action statement",
        ),
        (
            (
                "CVE-1",
                "pkg:npm/ms@2.1.3",
                VexStatus.FIXED,
                Justification.COMPONENT_NOT_PRESENT,
                None,
            ),
            "statement on CVE-1 for pkg:npm/ms@2.1.3: only status not_affected takes a "
            "justification",
        ),
        (
            ("", "pkg:npm/ms@2.1.3", VexStatus.FIXED, None, None),
            "statement for pkg:npm/ms@2.1.3: the vulnerability name is empty",
        ),
        (
            ("CVE-1", "", VexStatus.FIXED, None, None),
            "statement on CVE-1: the product PURL is empty",
        ),
    ],
    ids=[
        "not-affected-unjustified",
        "affected-no-action",
        "fixed-justified",
        "no-vuln",
        "no-product",
    ],
)
def test_statement_rules_are_enforced(
    arguments: tuple[str, str, VexStatus, Justification | None, str | None], message: str
) -> None:
    with pytest.raises(SinkError) as caught:
        VexStatement(*arguments)
    assert str(caught.value) == message


def test_document_rules_are_enforced() -> None:
    with pytest.raises(SinkError, match=r"^an OpenVEX document needs an author$"):
        to_openvex(_STATEMENTS, author="", timestamp=_WHEN)
    with pytest.raises(SinkError, match=r"^an OpenVEX document version starts at 1, not 0$"):
        to_openvex(_STATEMENTS, author="a", timestamp=_WHEN, version=0)
