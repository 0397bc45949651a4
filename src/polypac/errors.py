"""The one exception tree of polypac.

::

    PolypacError                      every error polypac raises on purpose
    ├── ParseError (also ValueError)  text that does not follow its grammar; knows where
    │   ├── PurlError                 a Package-URL (ECMA-427)
    │   ├── VersError                 a VERS version range specifier
    │   ├── InvalidVersion            a version string of one ecosystem
    │   ├── InvalidRange              a native range / requirement string of one ecosystem
    │   │   └── RelationError         a Debian relation field (ecosystems.debian)
    │   ├── ControlFileError          a deb822 stanza (ecosystems.debian)
    │   └── PacError                  a Pac file (pac)
    ├── UnknownSchemeError (also LookupError)   no version scheme by that name
    ├── InvalidProblem (also ValueError)        a calculus problem that breaks its own rules
    ├── ResolutionCancelled           a provider asked the solver to stop (solve)
    ├── ProviderError                 a provider broke its contract (solve)
    ├── AttestationError              an attestation or trust root that cannot be used (attest)
    │   ├── BundleError               not a Sigstore bundle / PEP 740 object / npm response
    │   ├── StatementError            a DSSE payload that is not an in-toto statement
    │   ├── TrustRootError            a trusted root file that cannot be read or used
    │   └── LegacyVerificationError   one check polypac makes itself failed (attest._legacy)
    │       └── NpmAttestationError   an npm registry signature or attestation (attest.npm)
    └── NetError                      a request that gave no usable answer (net)
        ├── HttpStatusError           the server answered with an error status
        ├── ConnectionFailed          refused, timed out, or broke off
        ├── NotCached                 offline, and the URL is not in the cache
        └── DigestMismatch            the content is not what its published digest names

``InvalidDigest`` (attest) is a ``ParseError``: an artifact digest text that is not
``sha256:HEX`` / ``sha512:HEX``.

Expected outcomes ("not found", "unsatisfiable") are values, not exceptions. Parse errors
carry their data first (the text, the offset of the bad character, what was expected) and
render it second, with a caret under the bad character::

    >>> from polypac.errors import ParseError
    >>> print(ParseError("pkg:/x", 4, "expected a type after 'pkg:'", what="purl"))
    invalid purl: expected a type after 'pkg:'
      pkg:/x
          ^
"""

from __future__ import annotations

__all__ = [
    "InvalidRange",
    "InvalidVersion",
    "ParseError",
    "PolypacError",
    "PurlError",
    "UnknownSchemeError",
    "VersError",
]


class PolypacError(Exception):
    """Root of every error polypac raises on purpose."""

    def diagnostics(self) -> str:
        """The text to show a person: by default the message itself."""
        return str(self)


class ParseError(PolypacError, ValueError):
    """Text that does not follow its grammar.

    ``text`` is the whole input, ``position`` the offset of the first bad character (or
    ``None`` when the problem is the input as a whole), ``problem`` says what was wrong or
    expected, ``what`` names the kind of input ("purl", "npm range", ...). When the text came
    from a file, ``source`` names the file and ``line`` the line (1-based) that ``text`` is.
    """

    what_default = "input"

    def __init__(
        self,
        text: str,
        position: int | None,
        problem: str,
        *,
        what: str | None = None,
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        self.text = text
        self.position = position
        self.problem = problem
        self.what = what or self.what_default
        self.source = source
        self.line = line
        super().__init__(self._render())

    def located(self, source: str | None, line: int | None) -> ParseError:
        """The same error, said to come from ``line`` of file ``source``."""
        return type(self)(
            self.text, self.position, self.problem, what=self.what, source=source, line=line
        )

    def _render(self) -> str:
        where = ""
        if self.source is not None:
            where = f"{self.source}:{self.line}: " if self.line is not None else f"{self.source}: "
        head = f"{where}invalid {self.what}: {self.problem}"
        if not self.text.isprintable() or len(self.text) > 400:
            where = "" if self.position is None else f" (at offset {self.position})"
            return f"{head}{where}\n  {self.text[:400]!r}"
        if self.position is None:
            return f"{head}\n  {self.text}"
        return f"{head}\n  {self.text}\n  {' ' * self.position}^"

    def __reduce__(self) -> tuple[object, ...]:  # keep pickling (multiprocessing) working
        return (
            _rebuild,
            (type(self), self.text, self.position, self.problem, self.what, self.source, self.line),
        )


def _rebuild(
    cls: type[ParseError],
    text: str,
    position: int | None,
    problem: str,
    what: str,
    source: str | None,
    line: int | None,
) -> ParseError:
    return cls(text, position, problem, what=what, source=source, line=line)


class PurlError(ParseError):
    """A Package-URL that does not follow ECMA-427 or its type's definition."""

    what_default = "purl"


class VersError(ParseError):
    """A VERS specifier that does not follow the VERS specification."""

    what_default = "vers"


class InvalidVersion(ParseError):
    """A version string that its ecosystem's scheme does not accept."""

    what_default = "version"


class InvalidRange(ParseError):
    """A native range or requirement string that its ecosystem does not accept."""

    what_default = "range"


class UnknownSchemeError(PolypacError, LookupError):
    """No version scheme is known by the given name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown version scheme {name!r}; known: {', '.join(known)}")
