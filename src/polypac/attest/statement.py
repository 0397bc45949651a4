"""in-toto statements: the payload of a DSSE attestation, and its subjects.

Statement v0.1 and v1 share the fields read here: ``_type``, ``subject`` (each a ``name`` and
a ``digest`` map from algorithm to hex) and ``predicateType``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from polypac.attest.digest import Digest
from polypac.attest.errors import StatementError

__all__ = ["IN_TOTO_PAYLOAD_TYPE", "STATEMENT_TYPES", "Statement", "Subject", "parse_statement"]

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPES = frozenset(
    {"https://in-toto.io/Statement/v0.1", "https://in-toto.io/Statement/v1"}
)


@dataclass(frozen=True, slots=True)
class Subject:
    """One subject of a statement: its name and digests (algorithm → lowercase hex)."""

    name: str
    digests: tuple[tuple[str, str], ...]

    def matches(self, digest: Digest) -> bool:
        """Whether this subject names ``digest`` under the same algorithm."""
        return any(
            algorithm == digest.algorithm and value == digest.hex
            for algorithm, value in self.digests
        )


@dataclass(frozen=True, slots=True)
class Statement:
    """An in-toto statement: its type, subjects and predicate type (predicate kept as JSON)."""

    type: str
    subjects: tuple[Subject, ...]
    predicate_type: str
    predicate_json: str

    def subject_for(self, digests: tuple[Digest, ...]) -> Subject | None:
        """The first subject that names one of ``digests``, else ``None``."""
        for subject in self.subjects:
            if any(subject.matches(digest) for digest in digests):
                return subject
        return None


def parse_statement(payload: bytes, *, source: str) -> Statement:
    """Read an in-toto statement from a DSSE payload; :class:`StatementError` if it is not one."""
    try:
        document: Any = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise StatementError(source, "statement", f"payload is not JSON: {error}") from error
    if not isinstance(document, Mapping):
        raise StatementError(source, "statement", "payload is not a JSON object")
    kind = document.get("_type")
    if kind not in STATEMENT_TYPES:
        raise StatementError(
            source, "statement", f"unknown statement type {kind!r}; expected in-toto v0.1 or v1"
        )
    predicate_type = document.get("predicateType")
    if not isinstance(predicate_type, str):
        raise StatementError(source, "statement", "statement has no predicateType string")
    raw_subjects = document.get("subject")
    if not isinstance(raw_subjects, list) or not raw_subjects:
        raise StatementError(source, "statement", "statement has no subject list")
    subjects = tuple(_subject(item, source, index) for index, item in enumerate(raw_subjects))
    predicate = json.dumps(document.get("predicate"), sort_keys=True)
    return Statement(kind, subjects, predicate_type, predicate)


def _subject(item: object, source: str, index: int) -> Subject:
    if not isinstance(item, Mapping):
        raise StatementError(source, "statement", f"subject {index} is not an object")
    name = item.get("name", "")
    digests = item.get("digest")
    if not isinstance(name, str) or not isinstance(digests, Mapping):
        raise StatementError(source, "statement", f"subject {index} has no name and digest map")
    pairs: list[tuple[str, str]] = []
    for algorithm, value in digests.items():
        if not isinstance(value, str):
            raise StatementError(
                source, "statement", f"subject {index} digest {algorithm!r} is not a string"
            )
        pairs.append((str(algorithm), value.lower()))
    return Subject(name, tuple(pairs))
