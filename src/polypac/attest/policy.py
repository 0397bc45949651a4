"""Identity policies: which signers an attestation may come from.

Composable like sigstore-python's ``sigstore.verify.policy``: each policy has one method,
:meth:`Policy.check`, that returns ``None`` when the signer is acceptable and a
:class:`Mismatch` (data: the field, what was expected, what was found) when it is not. A
refused identity is an expected outcome, so it is a value, not an exception.

    >>> from polypac.attest.identity import Identity
    >>> me = Identity(issuer="https://token.actions.githubusercontent.com", san=None,
    ...               source_repository="https://github.com/trailofbits/pypi-attestations")
    >>> print(Repository("pypa/pip").check(me, None))
    source repository: expected 'https://github.com/pypa/pip', found \
'https://github.com/trailofbits/pypi-attestations'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from polypac.attest.identity import Identity, workflow_path

__all__ = [
    "AllOf",
    "AnyOf",
    "IdentitySan",
    "Issuer",
    "Mismatch",
    "NoPolicy",
    "Policy",
    "PredicateType",
    "Ref",
    "Repository",
    "RunnerEnvironment",
    "Unsafe",
    "Workflow",
]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Why a policy refused a signer: ``field`` expected ``expected`` but was ``found``.

    ``causes`` holds the mismatches of every alternative when :class:`AnyOf` refuses.
    """

    field: str
    expected: str
    found: str | None
    causes: tuple[Mismatch, ...] = ()

    def __str__(self) -> str:
        found = "nothing (the certificate does not say)" if self.found is None else repr(self.found)
        head = f"{self.field}: expected {self.expected}, found {found}"
        if not self.causes:
            return head
        return "\n".join(
            [f"{self.field}: no alternative matched", *(f"  - {c}" for c in self.causes)]
        )


class Policy(Protocol):
    """Decides whether a signer (and the predicate type it signed) is acceptable."""

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """``None`` when acceptable, else what did not match."""
        ...


def _compare(field: str, expected: str, found: str | None) -> Mismatch | None:
    if found == expected:
        return None
    return Mismatch(field, repr(expected), found)


def _normalize_repository(url: str) -> str:
    if "://" not in url:
        url = f"https://github.com/{url}"
    url = url.rstrip("/")
    return url.removesuffix(".git")


@dataclass(frozen=True, slots=True)
class Repository:
    """The source repository (Fulcio ``.12``). ``OWNER/REPO`` means a GitHub repository."""

    url: str

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Compare the repository URLs (without a trailing ``/`` or ``.git``)."""
        expected = _normalize_repository(self.url)
        found = identity.source_repository
        if found is not None and _normalize_repository(found).lower() == expected.lower():
            return None
        return Mismatch("source repository", repr(expected), found)


@dataclass(frozen=True, slots=True)
class Workflow:
    """The build signer (Fulcio ``.9``): the workflow that ran and signed.

    A URL (``https://...``) must be a prefix of the build signer URI; anything else is a path,
    matched against the build signer's path in its repository in whole or by its last
    segments: ``release.yml`` and ``.github/workflows/release.yml`` both match
    ``https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1``. For a reusable
    workflow the build signer is the reusable workflow, not the caller.
    """

    value: str

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Compare by prefix (URL) or by path."""
        found = identity.build_signer_uri
        if "://" in self.value:
            if found is not None and found.startswith(self.value):
                return None
            return Mismatch("build signer", f"a URI starting with {self.value!r}", found)
        path = workflow_path(found)
        wanted = self.value.strip("/")
        if path is not None and (path == wanted or path.endswith(f"/{wanted}")):
            return None
        return Mismatch("workflow", repr(wanted), path if path is not None else found)


@dataclass(frozen=True, slots=True)
class Ref:
    """The source repository ref (Fulcio ``.14``); ``v1.2`` also matches ``refs/tags/v1.2`` and
    ``refs/heads/v1.2``."""

    ref: str

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Compare the refs."""
        found = identity.ref
        candidates = {self.ref}
        if not self.ref.startswith("refs/"):
            candidates |= {f"refs/tags/{self.ref}", f"refs/heads/{self.ref}"}
        if found in candidates:
            return None
        return Mismatch("ref", repr(self.ref), found)


@dataclass(frozen=True, slots=True)
class Issuer:
    """The OIDC issuer (Fulcio ``.8``, or ``.1`` on old certificates)."""

    url: str

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Compare the issuers exactly."""
        return _compare("OIDC issuer", self.url, identity.issuer)


@dataclass(frozen=True, slots=True)
class IdentitySan:
    """The certificate's Subject Alternative Name (a workflow URI or an e-mail)."""

    value: str

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Compare the SANs exactly."""
        return _compare("identity (SAN)", self.value, identity.san)


@dataclass(frozen=True, slots=True)
class RunnerEnvironment:
    """The CI runner (Fulcio ``.11``): a hosted runner unless ``deny_self_hosted`` is false."""

    deny_self_hosted: bool = True

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Refuse self-hosted runners (and certificates that do not say)."""
        if not self.deny_self_hosted:
            return None
        found = identity.runner_environment
        if found is not None and found.endswith("-hosted") and found != "self-hosted":
            return None
        return Mismatch("runner environment", "a hosted runner (e.g. 'github-hosted')", found)


@dataclass(frozen=True, slots=True)
class PredicateType:
    """The in-toto predicate type of the attestation."""

    uri: str

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Compare the predicate types exactly."""
        return _compare("predicate type", self.uri, predicate_type)


@dataclass(frozen=True, slots=True, init=False)
class AllOf:
    """Every one of ``policies`` must accept; reports the first that refuses."""

    policies: tuple[Policy, ...]

    def __init__(self, *policies: Policy) -> None:
        object.__setattr__(self, "policies", policies)

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """The first mismatch, if any."""
        for policy in self.policies:
            mismatch = policy.check(identity, predicate_type)
            if mismatch is not None:
                return mismatch
        return None


@dataclass(frozen=True, slots=True, init=False)
class AnyOf:
    """At least one of ``policies`` must accept; reports every refusal otherwise."""

    policies: tuple[Policy, ...]

    def __init__(self, *policies: Policy) -> None:
        object.__setattr__(self, "policies", policies)

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """``None`` as soon as one accepts."""
        causes: list[Mismatch] = []
        for policy in self.policies:
            mismatch = policy.check(identity, predicate_type)
            if mismatch is None:
                return None
            causes.append(mismatch)
        return Mismatch("any of", "one of the alternatives", None, tuple(causes))


@dataclass(frozen=True, slots=True)
class NoPolicy:
    """Accepts every signer: the signature and log are still checked, the identity is not."""

    def check(self, identity: Identity, predicate_type: str | None) -> Mismatch | None:
        """Always ``None``."""
        return None


Unsafe = NoPolicy
"""Another name for :class:`NoPolicy`, the way sigstore-python spells it (``UnsafeNoOp``)."""
