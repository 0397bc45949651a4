"""Read a Bundler ``Gemfile``: the gems a Ruby project declares.

A Gemfile is Ruby code run by Bundler's DSL. This reader does not run it: it reads the
statements of the DSL that declare dependencies and skips, without error, any other Ruby.

- ``gem "name", "~> 1.0", ">= 1.0.1", require: false, group: :test`` (or with
  parentheses, over several lines) declares a gem. A Gemfile names requirements, not
  versions, so the node has no version. ``git:``/``github:`` (with ``branch:``,
  ``tag:`` or ``ref:``) give a ``vcs_url`` qualifier, a ``source`` other than
  rubygems.org (the file's ``source "URL"`` or a ``source "URL" do ... end`` block, or
  the ``source:`` option) a ``repository_url`` one, as in the Gemfile.lock reader;
  ``path:`` adds none.
- ``group :development, :test do ... end`` and the ``group:``/``groups:`` options put gems
  in groups (nested groups add up, as in Bundler). The scope is ``DEV`` when every group
  of the gem is ``development`` or ``test``, ``OPTIONAL`` when every group is declared
  ``optional: true``, else ``RUNTIME`` (the default group, or groups Bundler installs by
  default).
- ``platforms``, ``install_if``, ``env``, ``git``/``path`` blocks and Ruby conditionals
  (``if``, ``unless``, ``case``...) do not change the scope: a gem under a condition is read
  as if the condition held (the reader cannot know the machine it will run on).
- ``gemspec`` reads the project's ``.gemspec``, another file: it adds nothing here. The root
  is ``pkg:generic/<directory>``.

A ``gem`` statement whose string is not closed, or whose name is not a gem name, is a
:class:`~polypac.inventory.graph.LockfileError`; the rest of the file is still read.

    >>> gemfile = '''source "https://rubygems.org"
    ... gem "rack", "~> 3.0"
    ... group :test do
    ...   gem "minitest", require: false
    ... end
    ... '''
    >>> [str(e) for e in read_gemfile(gemfile, source="app/Gemfile").graph.edges]
    ['pkg:generic/app -> pkg:gem/rack (runtime, direct, app/Gemfile:2)', 'pkg:generic/app -> pkg:gem/minitest (dev, direct, app/Gemfile:4)']
"""  # noqa: E501

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from polypac.ecosystems.ruby.gemfile_lock import gem_purl
from polypac.errors import PolypacError
from polypac.inventory.graph import Location, LockfileError, Node, ReadResult, Scope
from polypac.purl import PackageURL, build_purl

__all__ = ["read_gemfile"]

WHAT = "Gemfile"

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\f]+)
    |(?P<comment>\#.*)
    |(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<words>%[wiWI](?:\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|<[^>]*>))
    |(?P<label>[A-Za-z_]\w*[?!]?:(?!:))
    |(?P<symbol>:(?:[A-Za-z_]\w*[?!=]?|"(?:[^"\\]|\\.)*"))
    |(?P<name>[A-Za-z_]\w*[?!]?)
    |(?P<arrow>=>)
    |(?P<other>.)
    """,
    re.VERBOSE,
)
_GEM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_OPENERS = frozenset({"if", "unless", "while", "until", "case", "begin", "def", "class", "module"})
_DEV_GROUPS = frozenset({"development", "test"})
_RUBYGEMS = frozenset({"https://rubygems.org", "https://rubygems.org/", "http://rubygems.org"})
_MAX_STATEMENT_LINES = 64


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    column: int


@dataclass(slots=True)
class _Frame:
    """An open ``do``/``if``... block, and what it means for the gems inside."""

    groups: tuple[str, ...] = ()
    remote: str | None = None
    git: dict[str, str] | None = None


@dataclass(slots=True)
class _State:
    frames: list[_Frame] = field(default_factory=list)
    optional_groups: set[str] = field(default_factory=set)
    remote: str | None = None


_Value = tuple[str, ...] | None
"""The strings an option names (a string, symbol, array of them, true/false); ``None``
for anything else (a variable, an interpolated string...)."""


def read_gemfile(text: str, *, source: str) -> ReadResult:
    """The graph of the Gemfile ``text`` read from file ``source``: the project and the
    gems it declares; problems are returned in ``errors``."""
    result = ReadResult()
    path = PurePosixPath(source.replace("\\", "/"))
    try:
        root_purl = build_purl("generic", path.parent.name or path.stem or "project")
    except PolypacError:
        root_purl = build_purl("generic", "project")
    root = result.graph.add_node(root_purl, root=True)
    lines = text.splitlines()
    state = _State()
    for first, statement in _statements(lines):
        problem = _unterminated(statement)
        head = statement[0].text if statement else ""
        if problem is not None:
            if head == "gem":
                _fail(result, lines, source, first, problem.column, "the string is not closed")
            continue
        if head == "gem":
            _gem(result, root, lines, source, first, statement[1:], state)
        _blocks(statement, state)
    return result


def _statements(lines: list[str]) -> list[tuple[int, list[_Token]]]:
    """The logical statements: 1-based first line and tokens; a line ending in ``,``,
    ``\\`` or inside brackets goes on with the next."""
    statements: list[tuple[int, list[_Token]]] = []
    index = 0
    in_comment_block = False
    while index < len(lines):
        line = lines[index]
        if in_comment_block or line.startswith("=begin"):
            in_comment_block = not line.startswith("=end")
            index += 1
            continue
        first = index + 1
        tokens = _tokens(line)
        depth = _depth(tokens)
        taken = 1
        while (
            index + taken < len(lines)
            and taken < _MAX_STATEMENT_LINES
            and tokens
            and (depth > 0 or tokens[-1].text in (",", "\\"))
            and not _unterminated(tokens)
        ):
            more = _tokens(lines[index + taken])
            tokens = [t for t in tokens if t.text != "\\"] + more
            depth = _depth(tokens)
            taken += 1
        index += taken
        if tokens:
            statements.append((first, tokens))
    return statements


def _tokens(line: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(line):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        tokens.append(_Token(kind, match.group(), match.start()))
    return tokens


def _depth(tokens: list[_Token]) -> int:
    depth = 0
    for token in tokens:
        if token.kind == "other" and token.text in "([{":
            depth += 1
        elif token.kind == "other" and token.text in ")]}":
            depth -= 1
    return depth


def _unterminated(tokens: list[_Token]) -> _Token | None:
    return next(
        (t for t in tokens if t.kind == "other" and t.text in ("'", '"', "%")),
        None,
    )


def _fail(
    result: ReadResult, lines: list[str], source: str, line: int, column: int | None, problem: str
) -> None:
    line_text = lines[line - 1] if 0 < line <= len(lines) else ""
    result.errors.append(
        LockfileError(line_text, column, problem, what=WHAT, source=source, line=line)
    )


def _blocks(statement: list[_Token], state: _State) -> None:
    """Open and close the blocks a statement starts and ends."""
    head = statement[0]
    opened: list[_Frame] = []
    if head.kind == "name" and head.text in _OPENERS:
        opened.append(_Frame())
    for token in statement:
        if token.kind != "name":
            continue
        if token.text == "do":
            opened.append(_block_frame(statement, state))
        elif token.text == "end":
            if opened:
                opened.pop()
            elif state.frames:
                state.frames.pop()
    state.frames += opened
    if head.text == "source" and not opened and len(statement) > 1:
        remote = _value(_arguments(statement[1:])[0][0]) if _arguments(statement[1:]) else None
        if remote:
            state.remote = remote[0]


def _block_frame(statement: list[_Token], state: _State) -> _Frame:
    head = statement[0].text
    arguments = _arguments(statement[1:])
    positional = [_value(a[0]) for a in arguments if a and not _is_option(a)]
    options = _options(arguments)
    first = positional[0][0] if positional and positional[0] else None
    if head in ("group", "groups"):
        groups = tuple(name for value in positional if value for name in value)
        if options.get("optional") == ("true",):
            state.optional_groups.update(groups)
        return _Frame(groups=groups)
    if head == "source" and first:
        return _Frame(remote=first)
    if head == "git" and first:
        return _Frame(git=_git(first, options))
    if head == "github" and first:
        return _Frame(git=_git(_github_url(first), options))
    return _Frame()


def _gem(
    result: ReadResult,
    root: Node,
    lines: list[str],
    source: str,
    line: int,
    tokens: list[_Token],
    state: _State,
) -> None:
    if tokens and tokens[0].text == "(":
        tokens = tokens[1:]
    arguments = _arguments(tokens)
    if not arguments or arguments[0][0].kind != "string":
        return  # ``gem`` with a name Ruby computes: valid Ruby this reader does not model
    name_token = arguments[0][0]
    name_value = _value(name_token)
    if name_value is None:
        return  # an interpolated name
    name = name_value[0]
    if not _GEM_NAME.fullmatch(name):
        _fail(result, lines, source, line, None, f"{name!r} is not a gem name")
        return
    options = _options(arguments[1:])
    groups = [g for frame in state.frames for g in frame.groups]
    for key in ("group", "groups"):
        groups += list(options.get(key) or ())
    scope = _scope(groups, state.optional_groups)
    try:
        purl = _purl(name, options, state)
    except PolypacError as error:
        _fail(result, lines, source, line, None, str(error).splitlines()[0])
        return
    graph = result.graph
    child = graph.add_node(purl)
    graph.add_edge(root, child, scope, direct=True, declared_at=Location(source, line))


def _purl(name: str, options: dict[str, _Value], state: _State) -> PackageURL:
    git_url = (options.get("git") or (None,))[0]
    github = (options.get("github") or (None,))[0]
    if github:
        git_url = _github_url(github)
    if git_url:
        return gem_purl(name, source_kind="GIT", options=_git(git_url, options))
    if options.get("path"):
        return gem_purl(name, source_kind="PATH")
    for frame in reversed(state.frames):
        if frame.git is not None:
            return gem_purl(name, source_kind="GIT", options=frame.git)
    remote = (options.get("source") or (None,))[0]
    remote = remote or next((f.remote for f in reversed(state.frames) if f.remote), None)
    remote = remote or state.remote
    if remote and remote not in _RUBYGEMS:
        return gem_purl(name, options={"remote": remote})
    return gem_purl(name)


def _git(url: str, options: dict[str, _Value]) -> dict[str, str]:
    found = {"remote": url}
    for key in ("ref", "tag", "branch"):
        value = options.get(key)
        if value:
            found["revision"] = value[0]
            break
    return found


def _github_url(repository: str) -> str:
    if "/" not in repository:
        repository = f"{repository}/{repository}"
    return f"https://github.com/{repository}.git"


def _scope(groups: list[str], optional_groups: set[str]) -> Scope:
    if not groups:
        return Scope.RUNTIME
    if all(group in _DEV_GROUPS for group in groups):
        return Scope.DEV
    if all(group in optional_groups for group in groups):
        return Scope.OPTIONAL
    return Scope.RUNTIME


def _arguments(tokens: list[_Token]) -> list[list[_Token]]:
    """The top-level, comma-separated arguments, up to a ``do``, ``{`` or ``if``/``unless``
    modifier."""
    arguments: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        if depth == 0 and token.kind == "name" and token.text in ("do", "if", "unless"):
            break
        if depth == 0 and token.kind == "other" and token.text == "{":
            break
        if token.kind == "other" and token.text in "([{":
            depth += 1
        elif token.kind == "other" and token.text in ")]}":
            depth -= 1
            if depth < 0:
                break
        if depth == 0 and token.text == ",":
            arguments.append([])
            continue
        arguments[-1].append(token)
    return [argument for argument in arguments if argument]


def _is_option(argument: list[_Token]) -> bool:
    return argument[0].kind == "label" or (
        len(argument) > 1 and argument[1].kind == "arrow" and argument[0].kind == "symbol"
    )


def _options(arguments: list[list[_Token]]) -> dict[str, _Value]:
    options: dict[str, _Value] = {}
    for argument in arguments:
        if argument[0].kind == "label":
            options[argument[0].text[:-1]] = _value_of(argument[1:])
        elif len(argument) > 1 and argument[0].kind == "symbol" and argument[1].kind == "arrow":
            key = _value(argument[0])
            if key:
                options[key[0]] = _value_of(argument[2:])
    return options


def _value_of(tokens: list[_Token]) -> _Value:
    if len(tokens) == 1:
        return _value(tokens[0])
    if len(tokens) >= 2 and tokens[0].text == "[" and tokens[-1].text == "]":
        items = [t for t in tokens[1:-1] if t.text != ","]
        values = [_value(t) for t in items]
        if all(v is not None for v in values):
            return tuple(s for v in values if v is not None for s in v)
    return None


def _value(token: _Token) -> _Value:
    text = token.text
    if token.kind == "string":
        body = text[1:-1]
        if text[0] == '"' and "#{" in body:
            return None
        return (re.sub(r"\\(.)", r"\1", body),)
    if token.kind == "symbol":
        return (text[2:-1] if text.startswith(':"') else text[1:],)
    if token.kind == "words":
        return tuple(text[3:-1].split())
    if token.kind == "name" and text in ("true", "false"):
        return (text,)
    return None
