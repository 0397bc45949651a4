"""Words for a derivation tree: why no resolution exists, in steps a person can follow.

The text follows the error reporting of pub's PubGrub (``doc/solver.md``): a depth-first
walk that writes one sentence per derived incompatibility, each from its two causes;
chains read as "Because ..., ... And because ..., ...", a derivation used more than once is
numbered "(1)" and referred back to, and the last sentence ends in "version solving
failed"::

    >>> from polypac.calculus.model import Dependency, Ordinal, Package, Problem
    >>> from polypac.solve import ProblemProvider, solve
    >>> from polypac.version.sets import Bound, VersionSet
    >>> app = Package("app", Ordinal(1))
    >>> at_least_2 = VersionSet.between(Bound(Ordinal(2), True), None)
    >>> problem = Problem(
    ...     root=app,
    ...     packages={"app": (Ordinal(1),), "lib": (Ordinal(1),)},
    ...     dependencies={app: (Dependency("lib", at_least_2),)},
    ... )
    >>> print(explain(solve(ProblemProvider(problem), app)))
    Because app depends on lib >=2 and no version of lib satisfies >=2, version solving failed.

Version sets are worded by a function the caller may give (a scheme's ``format_range``, for
instance); the default, :func:`readable_versions`, writes intervals such as ``>=1, <2``.
Given the versions that exist (``versions``), a set is worded in its simplest form over
them: segments with no version between them are joined, and a set holding every version
of a name is said as "every version of" it.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Generic, TypeVar

from polypac.calculus.model import Package
from polypac.solve.derivation import (
    DependsOn,
    Derivation,
    Derived,
    External,
    NotRoot,
    NoVersions,
    PackageUnavailable,
    Terms,
)
from polypac.solve.result import Unsatisfiable
from polypac.version.sets import Ranges, Segment, Version, VersionSet

__all__ = ["collapse_no_versions", "explain", "readable_versions", "simplest_form"]

V = TypeVar("V", bound=Version)

# A visit asks for the visits of some causes first: (cause, whether it is a conclusion).
_Visit = Generator[tuple[Derived[V], bool], None, None]


def readable_versions(versions: VersionSet[V]) -> str:
    """A version set as intervals: ``1``, ``>=1, <2``, ``<1 | >=3``, ``any version``.

    Only the releases are described (pre-releases only when the set holds no release):
    that is what people read a range for. A scheme's own ``format_range`` says exactly what
    the set holds, pre-releases included; pass it to :func:`explain` where that matters.
    """
    if versions.releases.is_empty() and not versions.prereleases.is_empty():
        return f"pre-releases {_ranges_text(versions.prereleases)}"
    return _ranges_text(versions.releases)


def _ranges_text(ranges: Ranges[V]) -> str:
    if ranges.is_empty():
        return "<none>"
    return " | ".join(_segment_text(segment) for segment in ranges.segments)


def _segment_text(segment: Segment[V]) -> str:
    lower, upper = segment.lower, segment.upper
    if lower is not None and upper is not None and lower == upper:
        return str(lower.version)
    parts = []
    if lower is not None:
        parts.append(f"{'>=' if lower.inclusive else '>'}{lower.version}")
    if upper is not None:
        parts.append(f"{'<=' if upper.inclusive else '<'}{upper.version}")
    return ", ".join(parts) if parts else "any version"


def explain(
    failure: Unsatisfiable[V],
    *,
    render_versions: Callable[[VersionSet[V]], str] = readable_versions,
    collapse: bool = True,
    versions: Callable[[str], Sequence[V]] | None = None,
) -> str:
    """The derivation of ``failure`` as sentences, one per line, ending in the failure.

    With ``collapse`` (the default) the tree first goes through
    :func:`collapse_no_versions`, which makes shorter and clearer sentences. ``versions``,
    when given, lists the versions of a name that exist (a provider's ``versions``); sets
    are then worded in their simplest form over those versions. Dependencies and missing
    versions are still worded as given: they are what the packages say.
    """
    derivation = failure.derivation
    if collapse:
        derivation = collapse_no_versions(derivation)
    return _Writer(failure.root, render_versions, versions).write(derivation)


def _bridged(ranges: Ranges[V], existing: Sequence[V]) -> Ranges[V]:
    """``ranges`` with each gap between two of its segments filled when no version of
    ``existing`` lies in it."""
    segments = list(ranges.segments)
    if len(segments) < 2:
        return ranges
    joined: list[Segment[V]] = [segments[0]]
    for segment in segments[1:]:
        last = joined[-1]
        hull: Ranges[V] = Ranges.between(last.lower, segment.upper)
        gap = hull.intersection(ranges.complement())
        if any(gap.contains(version) for version in existing):
            joined.append(segment)
        else:
            joined[-1] = Segment(last.lower, segment.upper)
    return Ranges.from_segments(joined)


def simplest_form(versions: VersionSet[V], existing: Sequence[V]) -> VersionSet[V]:
    """``versions`` with every gap that holds none of ``existing`` filled in.

    It holds the same versions of ``existing`` and is worded more simply: over versions
    1, 2 and 3, ``1 | 2`` becomes ``>=1, <=2``; pre-releases are dropped when none of
    them exists. A set holding no version of ``existing`` is left as it is (a fact that
    no version lies in it reads best as it was found).
    """
    if not any(versions.contains(version) for version in existing):
        return versions
    releases = [v for v in existing if not getattr(v, "is_prerelease", False)]
    prereleases = [v for v in existing if getattr(v, "is_prerelease", False)]
    if not any(versions.prereleases.contains(v) for v in prereleases):
        return VersionSet(_bridged(versions.releases, releases), Ranges.empty())
    return VersionSet(
        _bridged(versions.releases, releases), _bridged(versions.prereleases, prereleases)
    )


def collapse_no_versions(derivation: Derivation[V]) -> Derivation[V]:
    """The tree with each "no versions" fact folded into the fact it was resolved with.

    Having tried ``bar 2`` and found no other version in ``>=2, <3``, the solver holds two
    facts, "bar 2 depends on baz 3" and "no version of bar satisfies >2, <3", and derives
    "bar >=2, <3 requires baz 3". That derivation is itself a fact about the versions that
    exist, "bar >=2, <3 depends on baz 3", and reads better as one. The same goes for two
    "no versions" facts about one name. Other nodes are kept, shared nodes stay shared.
    """
    if not isinstance(derivation, Derived):
        return derivation
    done: dict[int, Derivation[V]] = {}  # by id() of the original node
    work: list[tuple[Derived[V], bool]] = [(derivation, False)]
    while work:
        node, ready = work.pop()
        if id(node) in done:
            continue
        causes = [c for c in (node.cause1, node.cause2) if isinstance(c, Derived)]
        if not ready:
            work.append((node, True))
            work.extend((c, False) for c in causes)
            continue
        first = done[id(node.cause1)] if isinstance(node.cause1, Derived) else node.cause1
        second = done[id(node.cause2)] if isinstance(node.cause2, Derived) else node.cause2
        merged = None
        if not isinstance(first, Derived) and not isinstance(second, Derived):
            merged = _merged_fact(node.terms, first, second)
        if merged is not None:
            done[id(node)] = merged
        elif first is node.cause1 and second is node.cause2:
            done[id(node)] = node
        else:
            done[id(node)] = Derived(node.terms, first, second, node.shared_id)
    return done[id(derivation)]


def _merged_fact(terms: Terms[V], a: External[V], b: External[V]) -> External[V] | None:
    """The one fact saying what ``terms`` says, if ``a`` and ``b`` are a "no versions" fact
    and a fact about the same name of the same shape."""
    for none, other in ((a, b), (b, a)):
        if not isinstance(none, NoVersions):
            continue
        if isinstance(other, NoVersions) and other.name == none.name and len(terms) == 1:
            name, term = terms[0]
            if name == none.name and term.is_positive:
                return NoVersions(name, term.versions)
        if (
            isinstance(other, DependsOn)
            and other.depender == none.name
            and other.dependency != other.depender
            and len(terms) == 2
        ):
            found = dict(terms)
            depender = found.get(other.depender)
            dependency = found.get(other.dependency)
            if (
                depender is not None
                and depender.is_positive
                and dependency is not None
                and not dependency.is_positive
                and dependency.versions == other.dependency_versions
            ):
                return DependsOn(
                    other.depender, depender.versions, other.dependency, other.dependency_versions
                )
    return None


def _join(items: list[str], last: str) -> str:
    if len(items) <= 2:
        return f" {last} ".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _split(node: Derived[V]) -> tuple[Derived[V], External[V]] | None:
    """The derived cause and the fact of ``node``, when it has exactly one of each."""
    first, second = node.cause1, node.cause2
    if isinstance(first, Derived) and not isinstance(second, Derived):
        return first, second
    if isinstance(second, Derived) and not isinstance(first, Derived):
        return second, first
    return None


def _fact_rank(fact: External[V]) -> int:
    """Where a fact goes when two are told together: needs first, then what is missing."""
    if isinstance(fact, NoVersions):
        return 2
    return 1 if isinstance(fact, PackageUnavailable) else 0


def _both_external(node: Derived[V]) -> bool:
    return not isinstance(node.cause1, Derived) and not isinstance(node.cause2, Derived)


class _Writer(Generic[V]):
    """One explanation being written: its lines and the numbers given to derivations."""

    def __init__(
        self,
        root: Package[V],
        render: Callable[[VersionSet[V]], str],
        versions: Callable[[str], Sequence[V]] | None,
    ) -> None:
        self.root = root
        self.render = render
        self.versions = versions
        self.existing: dict[str, Sequence[V]] = {}
        self.lines: list[tuple[str, int | None]] = []
        self.numbers: dict[Derived[V], int] = {}
        self.top: Derived[V] | None = None

    # -- packages, terms, facts ----------------------------------------------------------

    def _is_root(self, name: str, versions: VersionSet[V]) -> bool:
        return name == self.root.name and versions.contains(self.root.version)

    def _known(self, name: str) -> Sequence[V] | None:
        """The versions of ``name`` that exist, when the caller said."""
        if self.versions is None:
            return None
        known = self.existing.get(name)
        if known is None:
            known = self.existing[name] = tuple(self.versions(name))
        return known

    def _simplest(self, name: str, versions: VersionSet[V]) -> VersionSet[V]:
        known = self._known(name)
        return versions if known is None else simplest_form(versions, known)

    def _covers_all(self, name: str, versions: VersionSet[V]) -> bool:
        """Whether ``versions`` holds every release, or every version of ``name`` there is."""
        if versions.releases.is_full():
            return True
        known = self._known(name)
        return bool(known) and all(versions.contains(v) for v in known or ())

    def _subject(self, name: str, versions: VersionSet[V]) -> str:
        """A package as the subject of a sentence ("every version of foo depends on")."""
        if self._is_root(name, versions):
            return name
        if self._covers_all(name, versions):
            return f"every version of {name}"
        return f"{name} {self.render(self._simplest(name, versions))}"

    def _terse(self, name: str, versions: VersionSet[V]) -> str:
        """A package whose versions are ruled out together ("foo is incompatible with")."""
        if self._is_root(name, versions) or self._covers_all(name, versions):
            return name
        return f"{name} {self.render(self._simplest(name, versions))}"

    def _object(self, name: str, versions: VersionSet[V], *, as_given: bool = False) -> str:
        """A package as the object of a sentence ("depends on foo"); ``as_given`` keeps the
        set as a package wrote it."""
        if versions.releases.is_full():
            return name
        shown = versions if as_given else self._simplest(name, versions)
        return f"{name} {self.render(shown)}"

    def _terms_text(self, terms: Terms[V]) -> str:
        """What an incompatibility says, as a clause."""
        if self._is_terminal(terms):
            return "version solving failed"
        if len(terms) == 1:
            name, term = terms[0]
            if term.is_positive:
                return f"{self._terse(name, term.versions)} cannot be installed"
            return f"{self._object(name, term.versions)} is required"
        positives = [self._subject(n, t.versions) for n, t in terms if t.is_positive]
        negatives = [self._object(n, t.versions) for n, t in terms if not t.is_positive]
        if not negatives:
            tersely = [self._terse(n, t.versions) for n, t in terms]
            if len(tersely) == 2:
                return f"{tersely[0]} is incompatible with {tersely[1]}"
            return f"{_join(tersely, 'and')} are incompatible"
        if not positives:
            return f"at least one of {_join(negatives, 'or')} is required"
        verb = "requires" if len(positives) == 1 else "together require"
        return f"{_join(positives, 'and')} {verb} {_join(negatives, 'or')}"

    def _is_terminal(self, terms: Terms[V]) -> bool:
        if not terms:
            return True
        if len(terms) > 1:
            return False
        name, term = terms[0]
        return name == self.root.name and term.holds_for(self.root.version)

    def _fact_text(self, fact: External[V]) -> str:
        """An external fact, as a clause."""
        if isinstance(fact, NotRoot):
            version = self.render(VersionSet.singleton(fact.package.version))
            return f"we are solving the dependencies of {fact.package.name} {version}"
        if isinstance(fact, NoVersions):
            if fact.versions.releases.is_full():
                return f"no version of {fact.name} exists"
            return f"no version of {fact.name} satisfies {self.render(fact.versions)}"
        if isinstance(fact, PackageUnavailable):
            return f"{self._subject(fact.name, fact.versions)} is unavailable ({fact.reason})"
        depender = self._subject(fact.depender, fact.depender_versions)
        dependency = self._object(fact.dependency, fact.dependency_versions, as_given=True)
        return f"{depender} depends on {dependency}"

    def _facts_text(self, first: External[V], second: External[V]) -> str:
        """Two facts joined, merging two dependencies where they read as one."""
        if isinstance(first, DependsOn) and isinstance(second, DependsOn):
            for a, b in ((first, second), (second, first)):
                if (
                    a.dependency == b.depender
                    and a.depender != a.dependency
                    and a.dependency_versions.is_subset(b.depender_versions)
                ):
                    return (
                        f"{self._fact_text(a)} which depends on "
                        f"{self._object(b.dependency, b.dependency_versions, as_given=True)}"
                    )
            if (
                first.depender == second.depender
                and first.depender_versions == second.depender_versions
                and first.dependency != second.dependency
            ):
                one = self._object(first.dependency, first.dependency_versions, as_given=True)
                two = self._object(second.dependency, second.dependency_versions, as_given=True)
                depender = self._subject(first.depender, first.depender_versions)
                return f"{depender} depends on both {one} and {two}"
        if _fact_rank(second) < _fact_rank(first):
            first, second = second, first  # the need, then why it cannot be met
        return f"{self._fact_text(first)} and {self._fact_text(second)}"

    def _cause_text(self, node: Derivation[V]) -> str:
        if isinstance(node, Derived):
            return self._terms_text(node.terms)
        return self._fact_text(node)

    def _numbered(self, node: Derived[V]) -> str:
        return f"{self._terms_text(node.terms)} ({self.numbers[node]})"

    # -- the walk ------------------------------------------------------------------------

    def write(self, derivation: Derivation[V]) -> str:
        if not isinstance(derivation, Derived):
            return f"Because {self._fact_text(derivation)}, version solving failed."
        self.top = derivation
        # Depth-first with an explicit stack of visits, so that deep trees cannot overflow.
        stack: list[_Visit[V]] = [self._visit(derivation, conclusion=False)]
        while stack:
            try:
                cause, conclusion = next(stack[-1])
            except StopIteration:
                stack.pop()
                continue
            stack.append(self._visit(cause, conclusion=conclusion))
        return self._render()

    def _line(self, node: Derived[V], text: str, *, conclusion: bool) -> None:
        number = None
        if conclusion or node.shared_id is not None:
            number = len(self.numbers) + 1
            self.numbers[node] = number
        self.lines.append((text, number))

    def _visit(self, node: Derived[V], *, conclusion: bool) -> _Visit[V]:
        """Write the lines that explain ``node``, its own line last."""
        text = self._terms_text(node.terms)
        so = "So," if conclusion or node is self.top else "And"
        first, second = node.cause1, node.cause2
        if isinstance(first, Derived) and isinstance(second, Derived):
            if first in self.numbers and second in self.numbers:
                line = f"Because {self._numbered(first)} and {self._numbered(second)}, {text}."
            elif first in self.numbers or second in self.numbers:
                known, unknown = (first, second) if first in self.numbers else (second, first)
                yield unknown, False
                line = f"{so} because {self._numbered(known)}, {text}."
            elif _both_external(first) or _both_external(second):
                # The simple one takes one line: no need to number the other to refer to it.
                complex_, simple = (first, second) if _both_external(second) else (second, first)
                yield complex_, False
                if simple in self.numbers:  # explained within the other branch
                    line = f"{so} because {self._numbered(simple)}, {text}."
                else:
                    yield simple, False
                    line = f"Thus, {text}."
            else:
                yield first, True
                if second in self.numbers:
                    line = f"{so} because {self._numbered(second)}, {text}."
                else:
                    self.lines.append(("", None))
                    yield second, False
                    line = f"{so} because {self._numbered(first)}, {text}."
        elif (split := _split(node)) is not None:
            derived, fact = split
            if derived in self.numbers:
                line = f"Because {self._fact_text(fact)} and {self._numbered(derived)}, {text}."
            elif (inner := self._collapsible(derived)) is not None:
                inner_derived, inner_fact = inner
                yield inner_derived, False
                line = f"{so} because {self._facts_text(inner_fact, fact)}, {text}."
            else:
                yield derived, False
                line = f"{so} because {self._fact_text(fact)}, {text}."
        elif not isinstance(first, Derived) and not isinstance(second, Derived):
            line = f"Because {self._facts_text(first, second)}, {text}."
        else:  # pragma: no cover - the branches above cover every pair of causes
            raise AssertionError("unreachable")
        self._line(node, line, conclusion=conclusion)

    def _collapsible(self, node: Derived[V]) -> tuple[Derived[V], External[V]] | None:
        """The causes of ``node`` if it can go unsaid: used once, from one derived cause
        (not explained yet) and one fact, which can join the next sentence instead."""
        if node.shared_id is not None:
            return None
        split = _split(node)
        if split is None or split[0] in self.numbers:
            return None
        return split

    def _render(self) -> str:
        width = len(f"({len(self.numbers)}) ") if self.numbers else 0
        out: list[str] = []
        for text, number in self.lines:
            if not text:
                if out and out[-1]:
                    out.append("")
                continue
            prefix = f"({number})".ljust(width) if number is not None else " " * width
            out.append(prefix + text)
        return "\n".join(out)
