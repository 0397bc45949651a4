"""Parse, build and validate Package-URLs (ECMA-427 plus each registered type's rules).

Parsing follows the spec's "How to parse" procedure, right to left: subpath after the last
``#``, qualifiers after the last ``?``, the scheme, the type, the version after the last
``@`` of the last path segment, the name, the namespace. Where the procedure and the
conformance suite differ, docs/purl.md says which way polypac goes and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from polypac.errors import PurlError
from polypac.purl._codec import DecodeError, decode
from polypac.purl._model import PackageURL, make_purl
from polypac.purl._types import GENERIC_RULES, KNOWN_QUALIFIER_KEYS, REGISTERED_TYPES, TypeRules

__all__ = ["build_purl", "parse_purl", "validate_purl"]

_KEY = re.compile(r"[a-z][a-z0-9._-]*")
_TYPE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

Qualifiers = Mapping[str, "str | None"] | Iterable[tuple[str, "str | None"]]


class _Violation(Exception):
    """A type rule that the components break; parse/build turn it into a PurlError."""

    def __init__(self, component: str, problem: str) -> None:
        super().__init__(problem)
        self.component = component
        self.problem = problem


# --------------------------------------------------------------------------------- parse


def parse_purl(text: str) -> PackageURL:
    """Parse a PURL string, check it against its type's rules, and normalize it.

    Lenient where the spec asks parsers to be (``pkg://``, uppercase type and qualifier
    keys, leading and trailing slashes, empty qualifier values); every other problem raises
    :class:`~polypac.errors.PurlError` with the offset of the bad character.

    >>> parse_purl("pkg:npm/%40angular/animation@12.3.1").namespace
    '@angular'
    >>> parse_purl("pkg:maven/@1.3.4")
    Traceback (most recent call last):
    ...
    polypac.errors.PurlError: invalid purl: expected a name
      pkg:maven/@1.3.4
                ^
    """
    if not text.isascii():
        _check_encodable(text)
    end = len(text)

    subpath = None
    hash_at = text.rfind("#")
    if hash_at >= 0:
        subpath = _parse_subpath(text, hash_at + 1)
        end = hash_at

    qualifiers = None
    query_at = text.rfind("?", 0, end)
    if query_at >= 0:
        if query_at + 1 < end:
            qualifiers = _parse_qualifiers(text, query_at + 1, end)
        end = query_at

    start = 4 if text.startswith("pkg:") else _scheme_end(text, end)
    if text.startswith("/", start):
        while start < end and text[start] == "/":
            start += 1

    slash = text.find("/", start, end)
    if slash < 0:
        if start == end:
            raise PurlError(text, start, "expected a type after 'pkg:'")
        raise PurlError(text, end, "expected '/' and a name after the type")
    purl_type = text[start:slash]
    rules = REGISTERED_TYPES.get(purl_type)
    if rules is None:
        purl_type = _check_type(text, start, slash)
        rules = REGISTERED_TYPES.get(purl_type, GENERIC_RULES)

    # trailing slashes of the path are not significant
    if text.endswith("/", slash + 1, end):
        while end > slash + 1 and text[end - 1] == "/":
            end -= 1
    last_slash = text.rfind("/", slash + 1, end)
    name_at = last_slash + 1 if last_slash >= 0 else slash + 1

    version = None
    version_at = text.rfind("@", name_at, end)
    if version_at >= 0:
        version = text[version_at + 1 : end]
        if "%" in version:
            version = _decode(text, version_at + 1, version)
        if not version:
            version = None
        end = version_at

    name = text[name_at:end]
    if not name:
        raise PurlError(text, name_at, "expected a name")
    if "%" in name:
        name = _decode(text, name_at, name)
        if rules.host_namespace and "/" in name:
            raise PurlError(text, name_at, f"a {purl_type} path segment must not contain '/'")

    namespace = None
    if last_slash >= 0:
        namespace = text[slash + 1 : last_slash]
        if "%" in namespace or "//" in namespace or namespace.startswith("/"):
            segments = _parse_segments(text, slash + 1, namespace, "namespace")
            namespace = "/".join(segments)
        if not namespace:
            namespace = None

    if rules.plain:
        if namespace is None:
            if rules.namespace == "required":
                raise PurlError(text, slash + 1, f"a {purl_type} purl requires a namespace")
        elif rules.namespace == "prohibited":
            raise PurlError(text, slash + 1, f"a {purl_type} purl must not have a namespace")
        return make_purl(
            purl_type,
            namespace,
            name,
            version,
            tuple(sorted(qualifiers.items())) if qualifiers else (),
            subpath,
        )

    try:
        return _apply_rules(rules, purl_type, namespace, name, version, qualifiers or {}, subpath)
    except _Violation as violation:
        position = {
            "namespace": slash + 1,
            "name": name_at,
            "version": version_at + 1,
            "qualifiers": query_at if query_at >= 0 else len(text),
            "subpath": hash_at + 1,
        }[violation.component]
        raise PurlError(text, position, violation.problem) from None


def _check_encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PurlError(
            text, error.start, "expected Unicode text (found a lone surrogate)"
        ) from None


def _scheme_end(text: str, end: int) -> int:
    colon = text.find(":", 0, end)
    if colon < 0 or text[:colon].lower() != "pkg":
        raise PurlError(text, 0, "expected the scheme 'pkg:'")
    return colon + 1


def _check_type(text: str, start: int, end: int) -> str:
    """Check a type that is not a registered type spelled in lowercase; return it lowercased."""
    if start == end:
        raise PurlError(text, start, "expected a type after 'pkg:'")
    problem = _type_problem(text[start:end])
    if problem is not None:
        offset, message = problem
        raise PurlError(text, start + offset, message)
    return text[start:end].lower()


def _type_problem(purl_type: str) -> tuple[int, str] | None:
    if purl_type[0] not in _LETTERS:
        return 0, "a type must start with an ASCII letter"
    for offset, char in enumerate(purl_type):
        if char not in _TYPE_CHARS:
            return offset, "a type may contain only ASCII letters, digits, '.' and '-'"
    return None


def _decode(text: str, offset: int, piece: str) -> str:
    try:
        return decode(piece)
    except DecodeError as error:
        raise PurlError(text, offset + error.offset, error.problem) from None


def _parse_segments(text: str, offset: int, raw: str, component: str) -> list[str]:
    """Decode ``/``-separated segments, dropping empty ones (and ``.``/``..`` in a subpath)."""
    segments = []
    for piece in raw.split("/"):
        segment = _decode(text, offset, piece) if "%" in piece else piece
        if "/" in segment:
            raise PurlError(text, offset, f"a {component} segment must not contain '/'")
        if segment and (component != "subpath" or segment not in {".", ".."}):
            segments.append(segment)
        offset += len(piece) + 1
    return segments


def _parse_subpath(text: str, start: int) -> str | None:
    raw = text[start:]
    if not raw:
        return None
    return "/".join(_parse_segments(text, start, raw, "subpath")) or None


def _parse_qualifiers(text: str, start: int, end: int) -> dict[str, str]:
    found: dict[str, str] = {}
    offset = start
    for pair in text[start:end].split("&"):
        if pair:
            key, equals, value = pair.partition("=")
            if not equals:
                raise PurlError(text, offset, "expected key=value in the qualifiers")
            value_at = offset + len(key) + 1
            if key not in KNOWN_QUALIFIER_KEYS and _KEY.fullmatch(key) is None:
                key = _check_key(text, offset, key)
            if "%" in value:
                value = _decode(text, value_at, value)
            if value:
                if key in found:
                    raise PurlError(text, offset, f"the qualifier key {key!r} appears twice")
                found[key] = value
        offset += len(pair) + 1
    return found


def _check_key(text: str, offset: int, key: str) -> str:
    problem = _key_problem(key)
    if problem is not None:
        at, message = problem
        raise PurlError(text, offset + at, message)
    return key.lower()


def _key_problem(key: str) -> tuple[int, str] | None:
    if not key:
        return 0, "expected a qualifier key before '='"
    if key[0] not in _LETTERS:
        return 0, "a qualifier key must start with an ASCII letter"
    for offset, char in enumerate(key):
        if char == "%":
            return offset, "a qualifier key must not be percent-encoded"
        if char not in _KEY_CHARS:
            return offset, "a qualifier key may contain only ASCII letters, digits, '.', '-', '_'"
    return None


# ----------------------------------------------------------------------------- type rules


def _apply_rules(
    rules: TypeRules,
    purl_type: str,
    namespace: str | None,
    name: str,
    version: str | None,
    qualifiers: dict[str, str],
    subpath: str | None,
) -> PackageURL:
    """Normalize and check decoded components by the type's rules; raise _Violation.

    ``namespace`` is None or its decoded segments joined with ``/``.
    """
    if rules.special:
        namespace, name = _special_rules(rules, purl_type, namespace, name, version, qualifiers)
        if subpath is not None and rules.lower_subpath:
            subpath = subpath.lower()
    if namespace is None:
        if rules.namespace == "required":
            raise _Violation("namespace", f"a {purl_type} purl requires a namespace")
    elif rules.namespace == "prohibited":
        raise _Violation("namespace", f"a {purl_type} purl must not have a namespace")
    elif rules.lower_namespace:
        namespace = namespace.lower()
    if rules.lower_name:
        name = name.lower()
    if version is not None and rules.lower_version:
        version = version.lower()
    return make_purl(
        purl_type, namespace, name, version, tuple(sorted(qualifiers.items())), subpath
    )


def _special_rules(
    rules: TypeRules,
    purl_type: str,
    namespace: str | None,
    name: str,
    version: str | None,
    qualifiers: dict[str, str],
) -> tuple[str | None, str]:
    """The rules beyond namespace requirement and lowercasing; rewrites ``qualifiers``."""
    if rules.host_namespace:
        # git: the namespace is the host, the name is the whole path on it
        path = [part for part in f"{namespace or ''}/{name}".split("/") if part]
        if len(path) < 2:
            raise _Violation(
                "namespace",
                f"a {purl_type} purl requires a namespace (the host) and a name (the path)",
            )
        namespace, name = path[0], "/".join(path[1:])
    if namespace is not None:
        limit = rules.max_namespace_segments
        if limit is not None and namespace.count("/") >= limit:
            raise _Violation("namespace", f"a {purl_type} namespace has at most {limit} segments")
        if rules.upper_namespace:
            namespace = namespace.upper()
    if rules.lower_name:
        name = name.lower()
    if rules.name_rewrite is not None:
        name = rules.name_rewrite(name, qualifiers)
    if rules.name_check is not None:
        problem = rules.name_check(name)
        if problem is not None:
            raise _Violation("name", problem)
    if version is not None and rules.version_check is not None:
        problem = rules.version_check(version.lower() if rules.lower_version else version)
        if problem is not None:
            raise _Violation("version", problem)
    for key in rules.required_qualifiers:
        if key not in qualifiers:
            raise _Violation("qualifiers", f"a {purl_type} purl requires the qualifier {key!r}")
    for key, rewrite in rules.qualifier_rewrites:
        if key in qualifiers:
            qualifiers[key] = rewrite(qualifiers[key])
    return namespace, name


# --------------------------------------------------------------------------------- build


def build_purl(
    type: str,  # shadows the builtin: the component is called "type" in ECMA-427
    name: str,
    namespace: str | None = None,
    version: str | None = None,
    qualifiers: Qualifiers | None = None,
    subpath: str | None = None,
) -> PackageURL:
    """Build a PURL from decoded components, checking and normalizing them like the parser.

    ``namespace`` and ``subpath`` may hold several ``/``-separated segments; qualifier keys
    are lowercased and pairs with an empty value dropped. A bad component raises
    :class:`~polypac.errors.PurlError` whose text is that component.

    >>> build_purl("pypi", "Django_Package", version="1.0").to_string()
    'pkg:pypi/django-package@1.0'
    """
    if not type:
        raise PurlError("", None, "a type is required", what="purl type")
    problem = _type_problem(type)
    if problem is not None:
        raise PurlError(type, problem[0], problem[1], what="purl type")
    purl_type = type.lower()
    rules = REGISTERED_TYPES.get(purl_type, GENERIC_RULES)

    for component, value in (
        ("name", name),
        ("namespace", namespace),
        ("version", version),
        ("subpath", subpath),
    ):
        if value and not value.isascii():
            _check_text(value, component)

    given_name = name
    if not rules.host_namespace:
        name = (name or "").strip("/")
    if not name:
        raise PurlError(given_name or "", None, "a name is required", what="purl name")

    if namespace:
        namespace = "/".join([segment for segment in namespace.split("/") if segment]) or None

    found: dict[str, str] = {}
    pairs = qualifiers.items() if isinstance(qualifiers, Mapping) else (qualifiers or ())
    for key, value in pairs:
        if not value:
            continue
        if not value.isascii():
            _check_text(value, "qualifier value")
        problem = _key_problem(key)
        if problem is not None:
            raise PurlError(key, problem[0], problem[1], what="purl qualifier key")
        lowered = key.lower()
        if lowered in found:
            raise PurlError(
                key, None, f"the qualifier key {lowered!r} appears twice", what="purl qualifier key"
            )
        found[lowered] = value

    if subpath:
        kept = [part for part in subpath.split("/") if part and part not in {".", ".."}]
        subpath = "/".join(kept) or None

    try:
        return _apply_rules(
            rules, purl_type, namespace or None, name, version or None, found, subpath
        )
    except _Violation as violation:
        given = {
            "namespace": namespace,
            "name": name,
            "version": version,
            "qualifiers": "&".join(f"{key}={value}" for key, value in sorted(found.items())),
            "subpath": subpath,
        }[violation.component]
        raise PurlError(
            given or "", None, violation.problem, what=f"purl {violation.component}"
        ) from None


def _check_text(value: str, component: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PurlError(
            value,
            error.start,
            "expected Unicode text (found a lone surrogate)",
            what=f"purl {component}",
        ) from None


# ------------------------------------------------------------------------------ validate


def validate_purl(text: str, *, strict: bool = True) -> list[str]:
    """Check a PURL string; return the findings, an empty list when there are none.

    Not strict: only problems that make the string an invalid PURL (it does not parse, or
    breaks its type's rules). Strict (the default) also reports a string that is valid but
    not in canonical form, component by component, and a type that is not registered. The
    first finding of a non-canonical PURL gives its canonical form.

    >>> for finding in validate_purl("pkg:gem/jruby-launcher@1.1.2?Platform=java"):
    ...     print(finding)
    not in canonical form; canonical: pkg:gem/jruby-launcher@1.1.2?platform=java
    qualifiers 'Platform=java' is not canonical; expected 'platform=java'
    >>> validate_purl("pkg:gem/jruby-launcher@1.1.2?Platform=java", strict=False)
    []
    """
    try:
        purl = parse_purl(text)
    except PurlError as error:
        return [_describe(error)]
    if not strict:
        return []
    findings = []
    canonical = purl.to_string()
    if text != canonical:
        findings.append(f"not in canonical form; canonical: {canonical}")
        given, wanted = _raw_components(text), _raw_components(canonical)
        for component, raw in given.items():
            expected = wanted[component]
            if raw != expected:
                if expected is None:
                    findings.append(f"{component} {raw!r} is not canonical; omit it")
                else:
                    findings.append(f"{component} {raw!r} is not canonical; expected {expected!r}")
    if purl.type not in REGISTERED_TYPES:
        findings.append(f"type {purl.type!r} is not a registered PURL type")
    return findings


def _describe(error: PurlError) -> str:
    if error.position is None:
        return error.problem
    return f"{error.problem} (at offset {error.position})"


def _raw_components(text: str) -> dict[str, str | None]:
    """The undecoded pieces of a PURL that parses, split the way the parser splits them."""
    end = len(text)
    subpath = qualifiers = version = None
    hash_at = text.rfind("#")
    if hash_at >= 0:
        subpath, end = text[hash_at + 1 :], hash_at
    query_at = text.rfind("?", 0, end)
    if query_at >= 0:
        qualifiers, end = text[query_at + 1 : end], query_at
    start = text.find(":") + 1
    while text[start] == "/":
        start += 1
    slash = text.find("/", start, end)
    path_end = end
    while path_end > slash + 1 and text[path_end - 1] == "/":
        path_end -= 1
    last_slash = text.rfind("/", slash + 1, path_end)
    name_at = last_slash + 1 if last_slash >= 0 else slash + 1
    version_at = text.rfind("@", name_at, path_end)
    if version_at >= 0:
        version = text[version_at + 1 : path_end]
    name_end = version_at if version_at >= 0 else path_end
    return {
        "scheme": text[:start],
        "type": text[start:slash],
        "namespace": text[slash + 1 : last_slash] if last_slash >= 0 else None,
        "name": text[name_at:name_end],
        "version": version,
        "trailing slashes": text[path_end:end] or None,
        "qualifiers": qualifiers,
        "subpath": subpath,
    }
