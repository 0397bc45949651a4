"""The severity level of an OSV record or finding: none, low, medium, high or critical.

The word of the database that published the record (``database_specific.severity``:
GitHub's and PyPA's LOW, MODERATE, HIGH, CRITICAL) decides first. Else each CVSS vector of
the record's ``severity`` list (CVSS_V2, CVSS_V3, CVSS_V4) is scored with the ``cvss``
library and the highest score is rated on the CVSS qualitative scale: 0.0 none, 0.1-3.9 low,
4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical (CVSS v2 has no scale of its own; it is
rated on the same one). A vector that cannot be scored is left out, with the reason kept in
:attr:`Scored.problem`; nothing here raises on bad data.

>>> from polypac.vuln.osv import record_from_mapping
>>> record = record_from_mapping({"id": "X-1", "severity": [
...     {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
...     {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N"}]})
>>> rating = rate(record)
>>> rating.level, rating.score, rating.source
(<Level.CRITICAL: 4>, 9.8, 'CVSS_V3')
>>> rating.problems
('CVSS_V3 CVSS:3.1/AV:N: Missing mandatory metrics "AC, PR, UI, S, C, I, A"',)
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# the cvss package ships no type information (no py.typed)
import cvss

from polypac.vuln.osv import Severity

__all__ = ["Level", "Rated", "Rating", "Scored", "level_of_score", "rate", "score_vector"]


class Level(enum.IntEnum):
    """A severity level, ordered: ``Level.HIGH > Level.MEDIUM``; ``str()`` gives its word."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def from_word(cls, word: str) -> Level | None:
        """The level a database's word names (MODERATE is medium), else ``None``.

        >>> Level.from_word("MODERATE"), Level.from_word("unknown")
        (<Level.MEDIUM: 2>, None)
        """
        return _WORDS.get(word.strip().lower())


_WORDS = {
    "none": Level.NONE,
    "low": Level.LOW,
    "moderate": Level.MEDIUM,
    "medium": Level.MEDIUM,
    "high": Level.HIGH,
    "critical": Level.CRITICAL,
}


def level_of_score(score: float) -> Level:
    """The CVSS qualitative rating of a score from 0.0 to 10.0.

    >>> level_of_score(0.0), level_of_score(3.9), level_of_score(4.0), level_of_score(9.0)
    (<Level.NONE: 0>, <Level.LOW: 1>, <Level.MEDIUM: 2>, <Level.CRITICAL: 4>)
    """
    if score <= 0.0:
        return Level.NONE
    if score < 4.0:
        return Level.LOW
    if score < 7.0:
        return Level.MEDIUM
    if score < 9.0:
        return Level.HIGH
    return Level.CRITICAL


@dataclass(frozen=True, slots=True)
class Scored:
    """One ``severity[]`` entry scored: its base score and level, or why it has none."""

    type: str
    vector: str
    score: float | None
    problem: str | None = None

    @property
    def level(self) -> Level | None:
        """The qualitative rating of the score, ``None`` when it could not be scored."""
        return None if self.score is None else level_of_score(self.score)


_CALCULATORS: dict[str, Callable[[str], Any]] = {
    "CVSS_V2": cvss.CVSS2,
    "CVSS_V3": cvss.CVSS3,
    "CVSS_V4": cvss.CVSS4,
}


def score_vector(severity_type: str, vector: str) -> Scored:
    """The CVSS base score of ``vector`` (an OSV severity of ``severity_type``).

    >>> score_vector("CVSS_V2", "AV:N/AC:L/Au:N/C:N/I:N/A:C").score
    7.8
    >>> score_vector("Ubuntu", "high").problem
    'not a CVSS severity type'
    """
    calculator = _CALCULATORS.get(severity_type)
    if calculator is None:
        return Scored(severity_type, vector, None, "not a CVSS severity type")
    try:
        base = calculator(vector.strip()).base_score
        score = float(base)
    except cvss.CVSSError as error:
        return Scored(severity_type, vector, None, str(error))
    # the library trusts its input: odd text can still trip it up inside
    except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
        return Scored(severity_type, vector, None, f"cannot score: {error!r}")
    if not 0.0 <= score <= 10.0:
        return Scored(severity_type, vector, None, f"score {score} is outside 0-10")
    return Scored(severity_type, vector, score)


class Rated(Protocol):
    """What carries a severity: an :class:`~polypac.vuln.osv.OsvRecord` or a Finding."""

    @property
    def severity(self) -> Sequence[Severity]: ...

    @property
    def database_severity(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Rating:
    """The level of a record or finding, where it came from, and every vector scored.

    ``level`` is ``None`` when the record gives no usable severity at all (which is not
    the same as :attr:`Level.NONE`, a CVSS score of 0.0). ``source`` is ``"database"`` when
    the database's word decided, else the CVSS type of the highest score, else ``None``.
    ``score`` is that highest CVSS score (``None`` when the database decided or none).
    """

    level: Level | None
    source: str | None
    score: float | None
    scored: tuple[Scored, ...]
    database_word: str | None

    @property
    def problems(self) -> tuple[str, ...]:
        """Why some of the record's severities were left out, one text each."""
        problems = [f"{s.type} {s.vector}: {s.problem}" for s in self.scored if s.problem]
        if self.database_word is not None and Level.from_word(self.database_word) is None:
            problems.insert(0, f"database severity {self.database_word!r}: not a known word")
        return tuple(problems)


def rate(rated: Rated) -> Rating:
    """The severity level of an OSV record or a finding (see the module's rules)."""
    scored = tuple(score_vector(s.type, s.score) for s in rated.severity)
    word = rated.database_severity
    from_word = Level.from_word(word) if word is not None else None
    if from_word is not None:
        return Rating(from_word, "database", None, scored, word)
    best = max(
        (s for s in scored if s.score is not None),
        key=lambda s: s.score or 0.0,
        default=None,
    )
    if best is None:
        return Rating(None, None, None, scored, word)
    return Rating(best.level, best.type, best.score, scored, word)
