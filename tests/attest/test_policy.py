"""Identity policies, checked against identities read off the real anchor bundles."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from polypac.attest import Identity, Verified, verify
from polypac.attest.policy import (
    AllOf,
    AnyOf,
    IdentitySan,
    Issuer,
    NoPolicy,
    Policy,
    PredicateType,
    Ref,
    Repository,
    RunnerEnvironment,
    Unsafe,
    Workflow,
)
from tests.attest._cases import CASE_IDS, CASES

GITHUB = "https://token.actions.githubusercontent.com"
PYPI_PUBLISH = "https://docs.pypi.org/attestations/publish/v1"


@cache
def _verified(case_id: str) -> Verified:
    case = CASES[CASE_IDS.index(case_id)]
    (attestation,) = case.attestations()
    verdict = verify(
        attestation,
        artifact_digest=case.digests(),
        policy=NoPolicy(),
        trusted_root=case.trusted_root(),
    )
    assert isinstance(verdict, Verified)
    return verdict


def _identity(case_id: str) -> Identity:
    return _verified(case_id).identity


ACCEPTED: list[tuple[str, str, Policy]] = [
    ("repo-shorthand", "pypi-publish", Repository("trailofbits/pypi-attestations")),
    ("repo-url", "pypi-publish", Repository("https://github.com/trailofbits/pypi-attestations")),
    ("repo-dot-git", "pypi-publish", Repository("https://github.com/trailofbits/pypi-attestations.git")),
    ("repo-gitlab", "pypi-gitlab", Repository("https://gitlab.com/facutuesca/gitlab-oidc-project")),
    ("workflow-file", "pypi-publish", Workflow("release.yml")),
    ("workflow-path", "pypi-publish", Workflow(".github/workflows/release.yml")),
    ("workflow-gitlab", "pypi-gitlab", Workflow(".gitlab-ci.yml")),
    ("workflow-prefix", "github-reusable-workflow",
     Workflow("https://github.com/github/artifact-attestations-workflows/")),
    ("ref-full", "pypi-publish", Ref("refs/tags/v0.0.19")),
    ("ref-tag", "pypi-publish", Ref("v0.0.19")),
    ("ref-branch", "pypi-gitlab", Ref("main")),
    ("issuer", "pypi-publish", Issuer(GITHUB)),
    ("issuer-google", "maven-message", Issuer("https://accounts.google.com")),
    ("san-email", "maven-message", IdentitySan("appu@google.com")),
    ("hosted", "pypi-publish", RunnerEnvironment()),
    ("hosted-gitlab", "pypi-gitlab", RunnerEnvironment()),
    ("self-hosted-allowed", "maven-message", RunnerEnvironment(deny_self_hosted=False)),
    ("predicate", "pypi-publish", PredicateType(PYPI_PUBLISH)),
    ("all-of", "pypi-publish",
     AllOf(Repository("trailofbits/pypi-attestations"), Workflow("release.yml"), Issuer(GITHUB))),
    ("any-of", "pypi-gitlab", AnyOf(Repository("pypa/pip"), Issuer("https://gitlab.com"))),
    ("no-policy", "maven-message", NoPolicy()),
    ("unsafe", "maven-message", Unsafe()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case_id", "policy"), [a[1:] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED]
)
def test_policy_accepts(case_id: str, policy: Policy) -> None:
    """Policies that describe the real signer accept it."""
    verdict = _verified(case_id)
    assert policy.check(verdict.identity, verdict.predicate_type) is None


REFUSED: list[tuple[str, str, Policy, str]] = [
    ("repo", "pypi-publish", Repository("pypa/pip"),
     "source repository: expected 'https://github.com/pypa/pip', "
     "found 'https://github.com/trailofbits/pypi-attestations'"),
    ("repo-of-person", "maven-message", Repository("pypa/pip"),
     "source repository: expected 'https://github.com/pypa/pip', "
     "found nothing (the certificate does not say)"),
    ("workflow", "pypi-publish", Workflow("ci.yml"),
     "workflow: expected 'ci.yml', found '.github/workflows/release.yml'"),
    ("workflow-is-signer-not-caller", "github-reusable-workflow", Workflow("shared.yml"),
     "workflow: expected 'shared.yml', found '.github/workflows/attest.yml'"),
    ("workflow-prefix", "pypi-publish", Workflow("https://github.com/evil/"),
     "build signer: expected a URI starting with 'https://github.com/evil/', found "
     "'https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml"
     "@refs/tags/v0.0.19'"),
    ("ref", "pypi-publish", Ref("main"), "ref: expected 'main', found 'refs/tags/v0.0.19'"),
    ("issuer", "pypi-gitlab", Issuer(GITHUB),
     f"OIDC issuer: expected '{GITHUB}', found 'https://gitlab.com'"),
    ("san", "npm-publish-dsse", IdentitySan("someone@example.com"),
     "identity (SAN): expected 'someone@example.com', found 'brian@dehamer.com'"),
    ("runner-unknown", "maven-message", RunnerEnvironment(),
     "runner environment: expected a hosted runner (e.g. 'github-hosted'), "
     "found nothing (the certificate does not say)"),
    ("predicate", "pypi-slsa", PredicateType(PYPI_PUBLISH),
     f"predicate type: expected '{PYPI_PUBLISH}', found 'https://slsa.dev/provenance/v1'"),
    ("all-of-first-refusal", "pypi-publish", AllOf(Issuer(GITHUB), Ref("main"), Workflow("x")),
     "ref: expected 'main', found 'refs/tags/v0.0.19'"),
    ("any-of", "pypi-gitlab", AnyOf(Repository("pypa/pip"), Issuer(GITHUB)),
     "any of: no alternative matched\n"
     "  - source repository: expected 'https://github.com/pypa/pip', "
     "found 'https://gitlab.com/facutuesca/gitlab-oidc-project'\n"
     f"  - OIDC issuer: expected '{GITHUB}', found 'https://gitlab.com'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case_id", "policy", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_policy_refuses_with_expected_and_found(case_id: str, policy: Policy, message: str) -> None:
    """A refusal says which field was expected to be what, and what was found, in these words."""
    verdict = _verified(case_id)
    mismatch = policy.check(verdict.identity, verdict.predicate_type)
    assert mismatch is not None
    assert str(mismatch) == message


def test_self_hosted_runner_is_refused() -> None:
    """A self-hosted runner is refused unless allowed."""
    identity = replace(_identity("pypi-publish"), runner_environment="self-hosted")
    mismatch = RunnerEnvironment().check(identity, None)
    assert mismatch is not None
    assert (mismatch.field, mismatch.found) == ("runner environment", "self-hosted")
    assert RunnerEnvironment(deny_self_hosted=False).check(identity, None) is None


def test_policy_refusal_is_a_verdict() -> None:
    """verify() returns the refusal as an Invalid value carrying the mismatch and identity."""
    case = CASES[CASE_IDS.index("pypi-provenance")]
    (attestation,) = case.attestations()
    verdict = verify(
        attestation,
        artifact_digest=case.digests(),
        policy=AllOf(Repository("trailofbits/pypi-attestations"), Workflow("publish.yml")),
        trusted_root=case.trusted_root(),
    )
    assert not verdict.ok
    assert verdict.step == "policy"
    assert verdict.mismatch is not None
    assert verdict.mismatch.field == "workflow"
    assert verdict.identity == _identity("pypi-provenance")
    assert str(verdict) == (
        "pypi_attestations-0.0.19.tar.gz.provenance: not verified (policy): "
        "workflow: expected 'publish.yml', found '.github/workflows/release.yml'"
    )
