"""Who signed: the identity a Fulcio certificate binds, and where the log put the entry.

Fulcio writes the OIDC claims of the signer into X.509 extensions under the arc
1.3.6.1.4.1.57264.1 (docs: sigstore/fulcio ``docs/oid-info.md``): ``.8`` issuer, ``.9`` build
signer URI, ``.10`` its digest, ``.11`` runner environment, ``.12`` source repository URI, ``.13``
its digest (the commit), ``.14`` its ref, ``.18`` build config URI, ``.21`` run invocation URI.
Extensions ``.1``-``.6`` are the deprecated raw-string forms; ``.1`` (issuer) is read when ``.8``
is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, ObjectIdentifier

from polypac.attest._der import read_utf8_string

__all__ = ["FULCIO_OIDS", "Identity", "LogEntry", "identity_of_certificate"]

_ARC = "1.3.6.1.4.1.57264.1"

FULCIO_OIDS: dict[str, str] = {
    "issuer": f"{_ARC}.8",
    "build_signer_uri": f"{_ARC}.9",
    "build_signer_digest": f"{_ARC}.10",
    "runner_environment": f"{_ARC}.11",
    "source_repository": f"{_ARC}.12",
    "commit": f"{_ARC}.13",
    "ref": f"{_ARC}.14",
    "source_repository_owner": f"{_ARC}.16",
    "build_config_uri": f"{_ARC}.18",
    "build_config_digest": f"{_ARC}.19",
    "build_trigger": f"{_ARC}.20",
    "run_invocation_uri": f"{_ARC}.21",
    "source_repository_visibility": f"{_ARC}.22",
}
"""Field of :class:`Identity` → the Fulcio extension it is read from (DER UTF8String)."""

_LEGACY_ISSUER = f"{_ARC}.1"


@dataclass(frozen=True, slots=True)
class Identity:
    """The signer as a Fulcio certificate states it; ``None`` where the certificate is silent.

    ``san`` is the Subject Alternative Name (a URI for CI workflows, an e-mail for people).
    ``build_signer_uri`` is the workflow that ran (for a reusable workflow: that workflow, not
    the caller; the caller is ``build_config_uri``). ``commit`` is the source repository digest.
    """

    issuer: str | None
    san: str | None
    source_repository: str | None = None
    commit: str | None = None
    ref: str | None = None
    build_signer_uri: str | None = None
    build_signer_digest: str | None = None
    build_config_uri: str | None = None
    build_config_digest: str | None = None
    build_trigger: str | None = None
    runner_environment: str | None = None
    run_invocation_uri: str | None = None
    source_repository_owner: str | None = None
    source_repository_visibility: str | None = None

    @property
    def workflow(self) -> str | None:
        """The path of the build signer in its repository, e.g. ``.github/workflows/release.yml``.

        GitHub URIs are ``https://github.com/OWNER/REPO/PATH@REF``; GitLab URIs separate the
        project from the path with ``//``.
        """
        return workflow_path(self.build_signer_uri)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """Where the transparency log recorded the signature.

    ``integrated_time`` is ``None`` for Rekor v2 entries, which carry no time of their own
    (their time comes from a timestamp authority).
    """

    log_index: int
    integrated_time: datetime | None
    kind: str
    version: str


def workflow_path(uri: str | None) -> str | None:
    """The path part of a build signer / build config URI (without the ``@ref``)."""
    if uri is None:
        return None
    without_ref = uri.split("@", 1)[0]
    parts = urlsplit(without_ref)
    if "//" in parts.path:
        return parts.path.split("//", 1)[1] or None
    segments = [segment for segment in parts.path.split("/") if segment]
    return "/".join(segments[2:]) or None


def identity_of_certificate(certificate: x509.Certificate) -> Identity:
    """Read the :class:`Identity` from a Fulcio leaf certificate."""
    values: dict[str, str | None] = {}
    for field, dotted in FULCIO_OIDS.items():
        values[field] = _extension_text(certificate, dotted, der=True)
    if values["issuer"] is None:
        values["issuer"] = _extension_text(certificate, _LEGACY_ISSUER, der=False)
    return Identity(san=_san(certificate), **values)


def _extension_text(certificate: x509.Certificate, dotted: str, *, der: bool) -> str | None:
    try:
        extension = certificate.extensions.get_extension_for_oid(ObjectIdentifier(dotted))
    except (x509.ExtensionNotFound, ValueError):
        return None
    value = extension.value
    if not isinstance(value, x509.UnrecognizedExtension):
        return None
    if der:
        return read_utf8_string(value.value)
    try:
        return value.value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _san(certificate: x509.Certificate) -> str | None:
    try:
        extension = certificate.extensions.get_extension_for_oid(
            ExtensionOID.SUBJECT_ALTERNATIVE_NAME
        )
    except (x509.ExtensionNotFound, ValueError):
        return None
    names = extension.value
    if not isinstance(names, x509.SubjectAlternativeName):
        return None
    for kind in (x509.UniformResourceIdentifier, x509.RFC822Name):
        found = names.get_values_for_type(kind)
        if found:
            return str(found[0])
    return None
