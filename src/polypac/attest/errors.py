"""The errors of provenance checking.

::

    PolypacError
    └── AttestationError                 an attestation that cannot be read or used
        ├── BundleError                  not a Sigstore bundle / PEP 740 object / npm response
        ├── StatementError               a DSSE payload that is not an in-toto statement
        ├── TrustRootError               a trusted root file that cannot be used
        └── LegacyVerificationError      one check polypac makes itself failed (_legacy_crypto)
            └── NpmAttestationError      an npm registry signature or attestation (npm)
    ParseError (ValueError)
    └── InvalidDigest                    ``sha256:HEX`` / ``sha512:HEX`` text

An attestation that can be read but does not verify (a bad signature, another artifact, an
identity the policy refuses) is an expected outcome: :func:`polypac.attest.verify` returns it as
an :class:`~polypac.attest.verify.Invalid` value, not an exception (the checks polypac makes
itself raise :class:`LegacyVerificationError` inside, which ``verify`` turns into that value).
Every error carries its data first (``source``, the failing ``step``, the ``reason``) and its
text second::

    >>> from polypac.attest.errors import BundleError
    >>> print(BundleError("a.sigstore.json", "media type", "unknown media type 'x'"))
    a.sigstore.json: cannot read attestation (step: media type): unknown media type 'x'
"""

from __future__ import annotations

from textwrap import dedent

from polypac.errors import ParseError, PolypacError

__all__ = [
    "AttestationError",
    "BundleError",
    "InvalidDigest",
    "StatementError",
    "TrustRootError",
]


class AttestationError(PolypacError):
    """An attestation (or its trust material) that cannot be read.

    ``source`` names where the data came from (a file, a URL, a package), ``step`` the step that
    failed ("json", "media type", "bundle", ...), ``reason`` what was wrong.
    """

    action = "cannot read attestation"
    doing = "reading"
    hint = "The data is malformed, truncated, or not an attestation; it may have been modified."

    def __init__(self, source: str, step: str, reason: str) -> None:
        self.source = source
        self.step = step
        self.reason = reason
        super().__init__(self._render())

    def _render(self) -> str:
        return f"{self.source}: {self.action} (step: {self.step}): {self.reason}"

    def diagnostics(self) -> str:
        """A longer text for people, in the manner of sigstore-python's errors."""
        return dedent(
            f"""\
            An issue occurred while {self.doing} {self.source or "the attestation"}.

            {self.hint}

            Failing step: {self.step}
            Additional context:

            {self.reason}
            """
        )

    def __reduce__(self) -> tuple[object, ...]:  # keep pickling (multiprocessing) working
        return (type(self), (self.source, self.step, self.reason))


class BundleError(AttestationError):
    """Not a readable Sigstore bundle, PEP 740 object, JSON Lines file or npm response."""

    action = "cannot read attestation"


class StatementError(AttestationError):
    """A DSSE payload that is not a readable in-toto statement."""

    action = "cannot read in-toto statement"
    hint = "The signed payload is not an in-toto statement this verifier understands."


class TrustRootError(AttestationError):
    """A trusted root that cannot be read or used."""

    action = "cannot use trusted root"
    hint = (
        "Pass a Sigstore trusted_root.json (media type application/vnd.dev.sigstore.trustedroot)."
    )


class InvalidDigest(ParseError):
    """An artifact digest text that is not ``sha256:HEX`` or ``sha512:HEX``."""

    what_default = "digest"
