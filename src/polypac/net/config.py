"""Where the user's own tools fetch from: pip's indexes, npm's registries, apt's sources.

Each reader follows its tool's documented order, so polypac asks the same servers the
user's pip, npm and apt would:

- :func:`pip_index_urls`: pip's configuration files (global, user, site, then
  ``PIP_CONFIG_FILE``, later overriding earlier), sections ``[global]`` then
  ``[install]``, then ``PIP_*`` environment variables over all files.
- :func:`npm_registry`: ``npm_config_*`` environment variables, then the project
  ``.npmrc``, the user ``~/.npmrc``, the global ``$PREFIX/etc/npmrc``; ``${VAR}``
  expanded as npm expands it; ``@scope:registry`` for scoped packages.
- :func:`apt_sources`: ``/etc/apt/sources.list`` (one-line format) and
  ``sources.list.d/*.list`` and ``*.sources`` (deb822), in apt's order.

Unreadable or missing files are skipped, as the tools skip them.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_INDEX_URL",
    "DEFAULT_NPM_REGISTRY",
    "AptSource",
    "IndexUrls",
    "apt_sources",
    "npm_registry",
    "pip_config_files",
    "pip_index_urls",
]

DEFAULT_INDEX_URL = "https://pypi.org/simple"
"""pip's index when nothing is configured."""

DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org/"
"""npm's registry when nothing is configured."""


# pip


@dataclass(frozen=True, slots=True)
class IndexUrls:
    """pip's indexes: the main ``index_url``, the ``extra_index_urls``, the ``find_links``."""

    index_url: str = DEFAULT_INDEX_URL
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()


def pip_config_files(
    environ: Mapping[str, str] = os.environ, *, root: Path = Path("/")
) -> list[Path]:
    """pip's configuration files in the order pip reads them (later override earlier).

    Global (``$XDG_CONFIG_DIRS``, default ``/etc/xdg``, each ``pip/pip.conf``, then
    ``/etc/pip.conf``), user (``~/.pip/pip.conf``, then ``$XDG_CONFIG_HOME/pip/pip.conf``,
    default ``~/.config``), site (``$VIRTUAL_ENV/pip.conf``, else the running Python's
    prefix), then ``PIP_CONFIG_FILE``. As in pip, an existing ``PIP_CONFIG_FILE`` replaces
    the user files, and ``PIP_CONFIG_FILE=/dev/null`` turns all files off.
    ``root`` relocates the absolute system folders (for tests).

    >>> [p.as_posix() for p in pip_config_files({"HOME": "/h", "PIP_CONFIG_FILE": "/nil"},
    ...                                         root=Path("/r"))][:3]
    ['/r/etc/xdg/pip/pip.conf', '/r/etc/pip.conf', '/h/.pip/pip.conf']
    """
    chosen = environ.get("PIP_CONFIG_FILE")
    if chosen == os.devnull:
        return []
    home = Path(environ.get("HOME") or Path.home())
    xdg_dirs = [d for d in environ.get("XDG_CONFIG_DIRS", "").split(os.pathsep) if d]
    files = [_rooted(root, Path(d)) / "pip" / "pip.conf" for d in xdg_dirs or ["/etc/xdg"]]
    files.append(_rooted(root, Path("/etc/pip.conf")))
    if not (chosen and Path(chosen).exists()):  # pip skips user files given PIP_CONFIG_FILE
        files.append(home / ".pip" / "pip.conf")
        xdg_home = environ.get("XDG_CONFIG_HOME") or str(home / ".config")
        files.append(Path(xdg_home) / "pip" / "pip.conf")
    files.append(Path(environ.get("VIRTUAL_ENV") or sys.prefix) / "pip.conf")
    if chosen:
        files.append(Path(chosen))
    return files


def _rooted(root: Path, path: Path) -> Path:
    return root / path.relative_to(path.anchor) if path.is_absolute() else path


def pip_index_urls(
    environ: Mapping[str, str] = os.environ, *, files: Sequence[Path] | None = None
) -> IndexUrls:
    """The indexes pip would use to install: ``index-url``, ``extra-index-url``,
    ``find-links`` from ``files`` (default :func:`pip_config_files`) and ``PIP_*``.

    As in pip, a key in a later file overrides the same key in an earlier one, any
    ``[install]`` key overrides the ``[global]`` one, and the environment overrides both.

    >>> pip_index_urls({"PIP_EXTRA_INDEX_URL": "https://a/simple https://b/simple"}, files=[])
    IndexUrls(index_url='https://pypi.org/simple', extra_index_urls=('https://a/simple', \
'https://b/simple'), find_links=())
    """
    merged: dict[tuple[str, str], str] = {}
    for path in pip_config_files(environ) if files is None else files:
        for section, key, value in _read_ini(path):
            merged[section, key] = value
    settings: dict[str, str] = {}
    for section in ("global", "install"):
        settings.update({k: v for (s, k), v in merged.items() if s == section})
    for name, value in environ.items():
        if name.upper().startswith("PIP_") and name.upper() != "PIP_CONFIG_FILE":
            settings[_pip_key(name[4:])] = value
    index = settings.get("index-url", "").strip() or DEFAULT_INDEX_URL
    return IndexUrls(
        index_url=index,
        extra_index_urls=tuple(settings.get("extra-index-url", "").split()),
        find_links=tuple(settings.get("find-links", "").split()),
    )


def _pip_key(name: str) -> str:
    return name.lower().replace("_", "-").removeprefix("--")


def _read_ini(path: Path) -> Iterable[tuple[str, str, str]]:
    parser = configparser.RawConfigParser()
    try:
        text = path.read_text(encoding="utf-8")
        parser.read_string(text, source=str(path))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return  # pip stops on a broken file; polypac reads what it can
    for section in parser.sections():
        for key, value in parser.items(section):
            yield section.lower(), _pip_key(key), value


# npm

_ENV_REFERENCE = re.compile(r"(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}")


def expand_npm_env(text: str, environ: Mapping[str, str]) -> str:
    r"""``${VAR}`` replaced as npm replaces it in ``.npmrc``.

    An unset variable stays as written (``${VAR?}`` becomes empty instead); a backslash
    before ``$`` escapes it.

    >>> expand_npm_env("//r/:_authToken=${TOKEN} ${NOPE} ${NOPE?} \\${TOKEN}", {"TOKEN": "t"})
    '//r/:_authToken=t ${NOPE}  ${TOKEN}'
    """

    def substitute(match: re.Match[str]) -> str:
        escapes, name, optional = match[1], match[2], match[3]
        if len(escapes) % 2:
            return match[0][(len(escapes) + 1) // 2 :]
        fallback = "" if optional else f"${{{name}}}"
        return escapes[: len(escapes) // 2] + environ.get(name, fallback)

    return _ENV_REFERENCE.sub(substitute, text)


def npm_registry(
    scope: str | None = None,
    environ: Mapping[str, str] = os.environ,
    *,
    cwd: Path | None = None,
) -> str:
    """The registry npm would fetch packages of ``scope`` (``"@org"``) from, or unscoped.

    Sources, first found wins: ``npm_config_@org:registry`` / ``npm_config_registry``
    (any case), the project ``.npmrc`` (in the nearest folder up from ``cwd`` with a
    ``package.json`` or ``node_modules``, else ``cwd``), the user config
    (``npm_config_userconfig`` or ``~/.npmrc``), the global config
    (``npm_config_globalconfig`` or ``$PREFIX/etc/npmrc``, the prefix from
    ``npm_config_prefix``, ``PREFIX``, or the folder above ``node``'s). A scope without
    its own registry uses the unscoped one. The answer ends with ``/``.

    >>> npm_registry("@acme", {"npm_config_@acme:registry": "https://npm.acme.test"},
    ...              cwd=Path("/nonexistent"))
    'https://npm.acme.test/'
    """
    here = Path.cwd() if cwd is None else cwd
    layers = [_npm_environment(environ)]
    layers.extend(_npmrc(path, environ) for path in _npmrc_files(environ, here))
    keys = []
    if scope:
        keys.append(f"@{scope.lstrip('@').lower()}:registry")
    keys.append("registry")
    for key in keys:
        for layer in layers:
            value = layer.get(key, "").strip()
            if value:
                return value if value.endswith("/") else value + "/"
    return DEFAULT_NPM_REGISTRY


def _npm_environment(environ: Mapping[str, str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for name, value in environ.items():
        if name.lower().startswith("npm_config_"):
            key = name[len("npm_config_") :]
            # npm turns the underscores of plain keys into dashes; scoped keys keep theirs
            settings[key.lower() if key.startswith("@") else key.lower().replace("_", "-")] = value
    return settings


def _npm_setting(environ: Mapping[str, str], name: str) -> str | None:
    return _npm_environment(environ).get(name) or None


def _npmrc_files(environ: Mapping[str, str], cwd: Path) -> list[Path]:
    home = Path(environ.get("HOME") or Path.home())
    files = [_npm_local_prefix(cwd) / ".npmrc"]
    files.append(Path(_npm_setting(environ, "userconfig") or home / ".npmrc"))
    global_config = _npm_setting(environ, "globalconfig")
    if global_config:
        files.append(Path(global_config))
    else:
        prefix = _npm_setting(environ, "prefix") or environ.get("PREFIX")
        if not prefix:
            node = shutil.which("node", path=environ.get("PATH"))
            prefix = str(Path(node).resolve().parent.parent) if node else None
        if prefix:
            files.append(Path(prefix) / "etc" / "npmrc")
    return files


def _npm_local_prefix(cwd: Path) -> Path:
    for folder in (cwd, *cwd.parents):
        if (folder / "package.json").exists() or (folder / "node_modules").exists():
            return folder
    return cwd


def _npmrc(path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """The top-level ``key=value`` settings of an ``.npmrc`` (ini), ``${VAR}`` expanded."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    settings: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            break  # keys under a [section] are not top-level settings
        key, sep, value = line.partition("=")
        if not sep:
            continue
        key, value = _unquote(key.strip()), _unquote(value.strip())
        settings[expand_npm_env(key, environ).lower()] = expand_npm_env(value, environ)
    return settings


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


# apt


@dataclass(frozen=True, slots=True)
class AptSource:
    """One apt source: a one-line entry or a deb822 stanza.

    ``types`` are ``deb`` / ``deb-src``; each of ``uris`` by ``suites`` is a repository with
    ``components`` (empty when the suite is an exact path ending in ``/``); ``signed_by``
    is a keyring path (or an inline key); ``file`` is where it was written.
    """

    types: tuple[str, ...]
    uris: tuple[str, ...]
    suites: tuple[str, ...]
    components: tuple[str, ...]
    architectures: tuple[str, ...] = ()
    signed_by: str | None = None
    file: Path | None = None


def apt_sources(root: Path = Path("/")) -> list[AptSource]:
    """The enabled apt sources under ``root``, in the order apt reads them.

    ``etc/apt/sources.list`` first, then ``etc/apt/sources.list.d/`` in name order: each
    ``*.list`` in one-line format, each ``*.sources`` in deb822 (``Enabled: no`` skipped).
    Other file names are ignored, as apt ignores them.
    """
    folder = root / "etc" / "apt"
    sources = list(_one_line_sources(folder / "sources.list"))
    parts = folder / "sources.list.d"
    try:
        names = sorted(p.name for p in parts.iterdir())
    except OSError:
        names = []
    for name in names:
        if name.endswith(".list"):
            sources.extend(_one_line_sources(parts / name))
        elif name.endswith(".sources"):
            sources.extend(_deb822_sources(parts / name))
    return sources


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


_OPTIONS = re.compile(r"\[([^\]]*)\]")


def _one_line_sources(path: Path) -> Iterable[AptSource]:
    for raw in _read_text(path).splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind, _, rest = line.partition(" ")
        if kind not in ("deb", "deb-src"):
            continue
        rest = rest.strip()
        options: dict[str, str] = {}
        if rest.startswith("["):
            found = _OPTIONS.match(rest)
            if found is None:
                continue
            for option in found[1].split():
                name, _, value = option.partition("=")
                options[name.lower()] = value
            rest = rest[found.end() :].strip()
        fields = rest.split()
        if len(fields) < 2:
            continue
        uri, suite, components = fields[0], fields[1], tuple(fields[2:])
        yield AptSource(
            types=(kind,),
            uris=(uri,),
            suites=(suite,),
            components=components,
            architectures=tuple(a for a in options.get("arch", "").split(",") if a),
            signed_by=options.get("signed-by") or None,
            file=path,
        )


def _deb822_sources(path: Path) -> Iterable[AptSource]:
    for stanza in _deb822_stanzas(_read_text(path)):
        if stanza.get("enabled", "yes").strip().lower() == "no":
            continue
        types = tuple(stanza.get("types", "").split())
        uris = tuple(stanza.get("uris", "").split())
        suites = tuple(stanza.get("suites", "").split())
        if not types or not uris or not suites:
            continue
        signed_by = stanza.get("signed-by", "").strip() or None
        yield AptSource(
            types=types,
            uris=uris,
            suites=suites,
            components=tuple(stanza.get("components", "").split()),
            architectures=tuple(stanza.get("architectures", "").split()),
            signed_by=signed_by,
            file=path,
        )


def _deb822_stanzas(text: str) -> Iterable[dict[str, str]]:
    """deb822 paragraphs as lower-case field names to values (continuations joined by
    newlines, `` .`` lines as empty lines); ``#`` comment lines skipped."""
    fields: dict[str, str] = {}
    current: str | None = None
    for raw in [*text.splitlines(), ""]:
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if fields:
                yield fields
            fields, current = {}, None
        elif raw[0] in " \t":
            if current is not None:
                line = raw.strip()
                fields[current] += "\n" + ("" if line == "." else line)
        else:
            name, sep, value = raw.partition(":")
            if sep:
                current = name.strip().lower()
                fields[current] = value.strip()
