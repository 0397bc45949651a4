"""Read a Guix channels file (``guix describe -f channels``, ``channels.scm``) into a graph.

The file is Scheme: ``(list (channel (name 'guix) (url "...") (branch "master")
(commit "...") (introduction ...)) ...)``. Every ``(channel ...)`` form in the file is
read, wherever it stands (inside ``list``, ``cons*`` and the like); a channel pinned by
``commit`` gets that commit as its version, one without it none.

Each channel becomes ``pkg:generic/<name>@<commit>?vcs_url=git+<url>@<commit>`` (the
generic type is the one PURL meant for a plain git repository with ``vcs_url``; the
``git`` type would need the URL split into host and path, which ``file://`` and
``ssh`` URLs do not fit). The root is ``pkg:generic/<directory>`` and every channel is a
direct RUNTIME dependency of it, declared on the line of its ``(channel``; channels say
nothing about each other, so there are no transitive edges.

    >>> scm = '''(list (channel
    ...         (name 'guix)
    ...         (url "https://git.savannah.gnu.org/git/guix.git")
    ...         (commit "e0fa68c7718fffd33d81af415279d6ddb518f727")))'''
    >>> for edge in read_guix_channels(scm, source="me/channels.scm").graph.edges:
    ...     print(edge)
    pkg:generic/me -> pkg:generic/guix@e0fa68c7718fffd33d81af415279d6ddb518f727?vcs_url=git%2Bhttps:%2F%2Fgit.savannah.gnu.org%2Fgit%2Fguix.git%40e0fa68c7718fffd33d81af415279d6ddb518f727 (runtime, direct, me/channels.scm:1)
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from polypac.ecosystems.guix._sexp import Datum, SList, String, Symbol, read_data
from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, ReadResult, Scope
from polypac.purl import PackageURL, build_purl

__all__ = ["Channel", "channel_purl", "read_guix_channels"]

WHAT = "Guix channels file"

_Fail = Callable[[int, "int | None", str], None]


@dataclass(frozen=True, slots=True)
class Channel:
    """One channel of the file and the line its ``(channel`` form starts on."""

    name: str
    url: str
    line: int
    branch: str | None = None
    commit: str | None = None


def channel_purl(channel: Channel) -> PackageURL:
    """The PURL of a channel (see the module docstring)."""
    url = channel.url.removeprefix("git+")
    vcs_url = f"git+{url}@{channel.commit}" if channel.commit else f"git+{url}"
    return build_purl(
        "generic", channel.name, version=channel.commit, qualifiers={"vcs_url": vcs_url}
    )


def read_guix_channels(text: str, *, source: str) -> ReadResult:
    """The channels of the Guix channels file ``text`` read from ``source``, as a graph;
    problems are returned in ``errors`` and the channels written whole are still read."""
    result = ReadResult()
    lines = text.splitlines()

    def fail(line: int, column: int | None, problem: str) -> None:
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        if column is not None:
            column = min(column, len(line_text))
        result.errors.append(
            LockfileError(line_text, column, problem, what=WHAT, source=source, line=line)
        )

    data, problems = read_data(text)
    for problem in problems:
        fail(problem.line, problem.column, problem.problem)

    graph = result.graph
    path = PurePath(source)
    root = graph.add_node(
        build_purl("generic", path.parent.name or path.stem or "channels"), root=True
    )
    for form in _channel_forms(data):
        if not form.complete:
            continue  # the text ends inside it: already reported
        channel = _channel(form, fail)
        if channel is None:
            continue
        try:
            purl = channel_purl(channel)
        except PolypacError as error:
            fail(form.line, form.column, f"channel {channel.name!r}: {str(error).splitlines()[0]}")
            continue
        where = Location(source, form.line)
        graph.add_edge(root, graph.add_node(purl), Scope.RUNTIME, direct=True, declared_at=where)
    return result


def _channel_forms(data: list[Datum]) -> Iterator[SList]:
    """Every list headed by the symbol ``channel``, outermost first, in file order."""
    stack = list(reversed(data))
    while stack:
        datum = stack.pop()
        if not isinstance(datum, SList):
            continue
        if datum.head() == "channel":
            yield datum
        else:
            stack.extend(reversed(datum.items))


def _channel(form: SList, fail: _Fail) -> Channel | None:
    """The channel a ``(channel ...)`` form describes, or None after reporting why not."""
    fields: dict[str, Datum] = {}
    for item in form.items[1:]:
        head = item.head() if isinstance(item, SList) else None
        if not isinstance(item, SList) or head is None:
            line, column = item.line, item.column
            fail(line, column, 'expected a channel field like (name \'guix) or (url "...")')
            return None
        if len(item.items) != 2:
            if head in ("name", "url", "branch", "commit"):
                fail(item.line, item.column, f"expected one value in ({head} ...)")
                return None
            continue  # introduction and other fields: not read
        fields.setdefault(head, item.items[1])
    name = _quoted_symbol(fields.get("name"))
    if name is None:
        fail(form.line, form.column, "expected (name 'symbol) in the channel")
        return None
    values: dict[str, str | None] = {}
    for key in ("url", "branch", "commit"):
        value = fields.get(key)
        if value is not None and not isinstance(value, String):
            fail(value.line, value.column, f"expected a string in ({key} ...)")
            return None
        values[key] = value.value if value is not None else None
    url = values["url"]
    if not url:
        fail(form.line, form.column, f'channel {name!r} has no (url "...")')
        return None
    return Channel(name, url, form.line, values["branch"], values["commit"])


def _quoted_symbol(datum: Datum | None) -> str | None:
    """``'guix`` (read as ``(quote guix)``) gives ``guix``."""
    if isinstance(datum, SList) and datum.head() == "quote" and len(datum.items) == 2:
        symbol = datum.items[1]
        if isinstance(symbol, Symbol):
            return symbol.name
    return None
