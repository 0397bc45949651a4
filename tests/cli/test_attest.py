"""``polypac attest verify`` / ``show`` over every positive anchor, tampered copies and bad input.

Each positive anchor goes through the one entry point (the CLI calls ``verify`` or
``verify_npm``): stock sigstore-python bundles and the ones polypac verifies itself (Rekor
``intoto/0.0.2``, SET-only v0.1, npm publish attestations, GitHub's private instance).
"""

from __future__ import annotations

import base64
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypac.cli import main
from tests.attest._cases import CASES as STOCK_CASES
from tests.attest._cases import npm_sigstore_1_0_0_sha512
from tests.conftest import anchor

FIXTURES = Path(__file__).parent.parent / "attest" / "fixtures"
GITHUB_ACTIONS = "https://token.actions.githubusercontent.com"
SIGSTORE_JS = "https://github.com/sigstore/sigstore-js"
OLD_NPM_KEY = "SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA"
# The first subject of the private-instance bundle, as its anchors README lists it.
PRIVATE_DIGEST = "sha256:138280fd3302b9706596621761945a1ae958f93a15e4372ddae4fc00a93b09a2"


def attestation_file(*parts: str) -> Path:
    return anchor("attestations", *parts)


def npm_sha512(package: str) -> str:
    """``--digest sha512:HEX`` of ``dist.integrity`` in the recorded ``npm view`` output."""
    dist = json.loads((FIXTURES / f"npm-view-{package}-dist.json").read_text("utf-8"))
    algorithm, _, value = dist["integrity"].partition("-")
    assert algorithm == "sha512"
    return f"sha512:{base64.b64decode(value).hex()}"


def demo_subject_digest() -> str:
    """The subject digest of the GitHub demo bundle (its wheel is not kept in the anchors)."""
    line = attestation_file("github", "github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl")
    bundle = json.loads(line.read_text("utf-8").splitlines()[0])
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    return f"sha256:{statement['subject'][0]['digest']['sha256']}"


@dataclass(frozen=True)
class Case:
    """One positive anchor file, the options it needs, and facts its JSON lines must state.

    ``facts`` maps an attestation index to the JSON fields it must have.
    """

    id: str
    path: Path
    options: tuple[str, ...]
    facts: dict[int, dict[str, Any]] = field(default_factory=dict)
    tamperable: bool = True


def _stock_case(case: Any) -> Case:
    if case.digest.startswith("file:"):
        options: tuple[str, ...] = (
            "--artifact",
            str(attestation_file(*case.digest[5:].split("/"))),
        )
    elif case.digest == "npm-sigstore-1.0.0":
        options = ("--digest", str(npm_sigstore_1_0_0_sha512()))
    else:
        options = ("--digest", case.digest)
    if case.root == "staging":
        options += ("--trusted-root", str(attestation_file("common", "trusted_root.staging.json")))
    return Case(case.id, case.file(), options)


# Facts stated in attestations/README.md (and tests/attest/test_verify.py's FACTS).
STOCK_FACTS: dict[str, dict[str, Any]] = {
    "pypi-provenance": {
        "source_repository": "https://github.com/trailofbits/pypi-attestations",
        "workflow": ".github/workflows/release.yml",
        "issuer": GITHUB_ACTIONS,
        "ref": "refs/tags/v0.0.19",
    },
    "pypi-publish": {
        "source_repository": "https://github.com/trailofbits/pypi-attestations",
        "issuer": GITHUB_ACTIONS,
    },
    "pypi-slsa": {"source_repository": "https://github.com/trailofbits/pypi-attestations"},
    "pypi-gitlab": {
        "source_repository": "https://gitlab.com/facutuesca/gitlab-oidc-project",
        "workflow": ".gitlab-ci.yml",
        "issuer": "https://gitlab.com",
    },
    "pypi-rfc8785-staging": {"identity": "william@yossarian.net"},
    "maven-message": {
        "identity": "appu@google.com",
        "issuer": "https://accounts.google.com",
        "kind": "message signature",
    },
    "npm-publish-dsse": {"identity": "brian@dehamer.com"},
    "rubygems-message": {
        "source_repository": "https://github.com/sigstore-conformance/"
        "extremely-dangerous-public-oidc-beacon",
    },
    "github-reusable-workflow": {"workflow": ".github/workflows/attest.yml"},
    # Rekor v2 entries carry no integrated time (a TSA gives the time).
    "maven-dsse-rekor-v2": {"integrated_time": None},
}

NPM_KEYS = ("--npm-keys", str(attestation_file("npm", "npm-registry-keys.json")))
GITHUB_ROOTS = str(attestation_file("github", "gh-attestation-trusted-root.jsonl"))
SIGSTORE_JS_FACTS = {
    "source_repository": SIGSTORE_JS,
    "workflow": ".github/workflows/release.yml",
    "issuer": GITHUB_ACTIONS,
}


def _npm_response_case(name: str, version: str, repository: str) -> Case:
    return Case(
        f"npm-response-{name}-{version}",
        attestation_file("npm", f"{name}-{version}.attestations.json"),
        ("--digest", npm_sha512(f"{name}-{version}"), *NPM_KEYS),
        {
            0: {
                "source_repository": repository,
                "workflow": ".github/workflows/publish.yml",
                "issuer": GITHUB_ACTIONS,
                "ref": f"refs/tags/v{version}",
            },
            1: {"issuer": "npm registry", "identity": OLD_NPM_KEY},
        },
    )


CASES = [
    *(
        Case(c.id, c.path, c.options, {0: STOCK_FACTS.get(c.id, {})})
        for c in map(_stock_case, STOCK_CASES)
    ),
    Case(
        "npm-sigstore-js-2.1.0-v0.3-intoto",
        attestation_file("npm", "sigstore-js-2.1.0-bundle.json"),
        ("--digest", npm_sha512("sigstore-2.1.0")),
        {0: SIGSTORE_JS_FACTS},
    ),
    Case(
        "npm-sigstore-js-2.1.0-v0.1-intoto",
        attestation_file("npm", "sigstore-js-2.1.0-bundle-v0.1.json"),
        ("--digest", npm_sha512("sigstore-2.1.0")),
        {0: SIGSTORE_JS_FACTS},
    ),
    Case(
        "npm-sigstore-2.2.0-intoto",
        attestation_file("npm", "sigstore-2.2.0.provenance.sigstore.json"),
        ("--digest", npm_sha512("sigstore-2.2.0")),
        {0: SIGSTORE_JS_FACTS},
    ),
    _npm_response_case("sigstore", "0.4.0", SIGSTORE_JS),
    _npm_response_case("sigstore", "1.0.0", SIGSTORE_JS),
    _npm_response_case("tuf-js", "1.0.0", "https://github.com/theupdateframework/tuf-js"),
    Case(
        "github-private-no-tlog",
        attestation_file("github", "github-private-no-tlog.attestation.sigstore.json"),
        ("--digest", PRIVATE_DIGEST, "--trusted-root", GITHUB_ROOTS),
        {
            0: {
                "source_repository": "https://github.com/neverendingsupport/nes-java-test-lib-a",
                "ref": "refs/tags/nes-v1.0.12",
                "log_index": None,
            }
        },
    ),
    Case(
        "github-private-demo-jsonl",
        attestation_file("github", "github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl"),
        ("--digest", demo_subject_digest(), "--trusted-root", GITHUB_ROOTS),
        {0: {"issuer": GITHUB_ACTIONS, "log_index": None}},
    ),
]
CASE_IDS = [case.id for case in CASES]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def verify_json(
    path: Path, options: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, Any]], str]:
    code, out, err = run(["attest", "verify", "--bundle", str(path), *options, "--json"], capsys)
    return code, [json.loads(line) for line in out.splitlines()], err


# ---------------------------------------------------------------------------- positive


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_positive_anchor_exits_0_with_its_identity(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, err = verify_json(case.path, case.options, capsys)
    assert (code, err) == (0, "")
    assert lines
    for index, line in enumerate(lines):
        assert line["attestation"] == f"{case.path}#{index}"
        assert line["verified"] is True
        assert line["issuer"]
    for index, facts in case.facts.items():
        for name, value in facts.items():
            assert lines[index][name] == value, name
    stated = case.facts.get(0, {})
    if "log_index" not in stated:
        assert all(line["log_index"] > 0 for line in lines)
    if "integrated_time" not in stated and "log_index" not in stated:
        assert all(line["integrated_time"].startswith("20") for line in lines)


def test_private_instance_has_a_timestamp_instead_of_a_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES[CASE_IDS.index("github-private-no-tlog")]
    _, (line,), _ = verify_json(case.path, case.options, capsys)
    assert line["route"] == "no transparency log"
    assert line["timestamp"].startswith("20")


def test_table_names_repository_commit_and_log_index(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("pypi-provenance")]
    code, out, _ = run(["attest", "verify", "--bundle", str(case.path), *case.options], capsys)
    _, (line,), _ = verify_json(case.path, case.options, capsys)
    assert code == 0
    for header in ("attestation", "predicate type", "source repository", "log index"):
        assert header in out
    for value in ("verified", line["commit"][:12], line["log_index"], "trailofbits"):
        assert str(value) in out  # long values fold over lines; these fit in their column


# ---------------------------------------------------------------------------- tampered


def _flip_first_signature(value: Any) -> bool:
    """Flip one byte of the first signature (DSSE ``sig``, PEP 740 / message ``signature``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in {"sig", "signature"} and isinstance(item, str):
                raw = bytearray(base64.b64decode(item))
                raw[len(raw) // 2] ^= 0x01
                value[key] = base64.b64encode(bytes(raw)).decode()
                return True
            if _flip_first_signature(item):
                return True
    elif isinstance(value, list):
        return any(_flip_first_signature(item) for item in value)
    return False


def tampered_copy(case: Case, tmp_path: Path) -> Path:
    """A copy of the case's file whose first attestation has one signature byte flipped."""
    lines = case.path.read_text("utf-8").splitlines()
    if case.path.suffix == ".jsonl":
        first = json.loads(lines[0])
        assert _flip_first_signature(first)
        text = "\n".join([json.dumps(first), *lines[1:]])
    else:
        document = json.loads("\n".join(lines))
        assert _flip_first_signature(document)
        text = json.dumps(document)
    copy = tmp_path / case.path.name
    copy.write_text(text, "utf-8")
    return copy


# What the first attestation's check says once one byte of its signature is flipped.
STOCK_DSSE = "DSSE: invalid signature"
STOCK_MESSAGE = "Signature is invalid for input"
OWN_DSSE = "DSSE signature failed: the signature does not match"
TAMPERED_REASON = {
    "rubygems-message": STOCK_MESSAGE,
    "maven-message": STOCK_MESSAGE,
    # Rekor v2 has no integrated time: the TSA stamps the signature, so the time goes first.
    "maven-dsse-rekor-v2": "not enough sources of verified time",
    **{
        case.id: OWN_DSSE
        for case in CASES
        if case.id.startswith(("npm-sigstore", "npm-response", "github-private"))
    },
}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_flipped_signature_byte_exits_1_with_the_reason(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tampered_copy(case, tmp_path)
    code, lines, err = verify_json(copy, case.options, capsys)
    reason = TAMPERED_REASON.get(case.id, STOCK_DSSE)
    assert code == 1
    assert lines[0]["verified"] is False
    assert (lines[0]["step"], lines[0]["reason"]) == ("signature", reason)
    assert f"invalid: {copy}#0: signature: {reason}\n" in err
    assert all(line["verified"] for line in lines[1:])  # only the tampered one


@pytest.mark.parametrize(
    "case_id", ["pypi-publish", "maven-message", "npm-sigstore-js-2.1.0-v0.3-intoto"]
)
def test_another_artifact_exits_1_at_the_subject(
    case_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[CASE_IDS.index(case_id)]
    options = list(case.options)
    algorithm = options[1].partition(":")[0] if options[0] == "--digest" else "sha256"
    options[:2] = ["--digest", f"{algorithm}:{'ab' * (64 if algorithm == 'sha512' else 32)}"]
    code, (line,), err = verify_json(case.path, tuple(options), capsys)
    assert (code, line["step"]) == (1, "subject")
    assert f"invalid: {case.path}#0: subject: " in err


# ---------------------------------------------------------------------------- policy


POLICY_MISMATCHES = [
    (
        "pypi-publish",
        ("--repository", "pypa/pip"),
        "source repository: expected 'https://github.com/pypa/pip', "
        "found 'https://github.com/trailofbits/pypi-attestations'",
    ),
    (
        "pypi-provenance",
        ("--workflow", "deploy.yml"),
        "workflow: expected 'deploy.yml', found '.github/workflows/release.yml'",
    ),
    (
        "maven-message",
        ("--issuer", GITHUB_ACTIONS),
        f"OIDC issuer: expected '{GITHUB_ACTIONS}', found 'https://accounts.google.com'",
    ),
    (
        "npm-publish-dsse",
        ("--identity", "mallory@example.com"),
        "identity (SAN): expected 'mallory@example.com', found 'brian@dehamer.com'",
    ),
    (
        "pypi-provenance",
        ("--ref", "v9.9.9"),
        "ref: expected 'v9.9.9', found 'refs/tags/v0.0.19'",
    ),
    (  # polypac's own path (intoto/0.0.2): the same policies, the same words
        "npm-sigstore-js-2.1.0-v0.3-intoto",
        ("--repository", "sigstore/sigstore-python"),
        "source repository: expected 'https://github.com/sigstore/sigstore-python', "
        f"found '{SIGSTORE_JS}'",
    ),
    (
        "github-private-no-tlog",
        ("--workflow", "release.yml"),
        "workflow: expected 'release.yml', found '.github/workflows/attest.yml'",
    ),
    (
        "maven-message",
        ("--deny-self-hosted",),
        "runner environment: expected a hosted runner (e.g. 'github-hosted'), "
        "found nothing (the certificate does not say)",
    ),
]


@pytest.mark.parametrize(
    ("case_id", "options", "reason"),
    POLICY_MISMATCHES,
    ids=[f"{case_id}{options[0]}" for case_id, options, _ in POLICY_MISMATCHES],
)
def test_policy_mismatch_exits_1_naming_field_expected_and_found(
    case_id: str, options: tuple[str, ...], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[CASE_IDS.index(case_id)]
    code, (line,), err = verify_json(case.path, (*case.options, *options), capsys)
    assert code == 1
    assert (line["step"], line["reason"]) == ("policy", reason)
    field_name = reason.split(":", 1)[0]
    assert line["mismatch"]["field"] == field_name
    assert err == f"invalid: {case.path}#0: policy: {reason}\n"


def test_matching_policy_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("pypi-provenance")]
    options = (
        *case.options,
        *("--repository", "https://github.com/trailofbits/pypi-attestations.git"),
        *("--workflow", "release.yml", "--issuer", GITHUB_ACTIONS, "--ref", "v0.0.19"),
        *("--predicate-type", "https://docs.pypi.org/attestations/publish/v1"),
        "--deny-self-hosted",
    )
    code, (line,), _ = verify_json(case.path, options, capsys)
    assert (code, line["verified"]) == (0, True)


def test_npm_policy_applies_to_provenance_not_to_the_registry_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES[CASE_IDS.index("npm-response-sigstore-1.0.0")]
    options = (*case.options, "--repository", "sigstore/sigstore-js", "--deny-self-hosted")
    code, lines, err = verify_json(case.path, options, capsys)
    # Certificates of early 2023 carry no runner environment: the provenance is refused,
    # the publish attestation (the registry's key, no Fulcio identity) is not judged by it.
    assert code == 1
    assert [line["verified"] for line in lines] == [False, True]
    assert lines[0]["mismatch"]["field"] == "runner environment"
    assert err.count("invalid: ") == 1


def test_predicate_type_selects_what_applies(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("npm-response-sigstore-1.0.0")]
    digest_only = case.options[:2]  # no --npm-keys: the publish attestation must not apply
    options = (*digest_only, "--predicate-type", "https://slsa.dev/provenance/v0.2")
    code, lines, err = verify_json(case.path, options, capsys)
    assert (code, err) == (0, "")
    assert [line["verified"] for line in lines] == [True, None]
    assert lines[1]["reason"] == "not applicable: another predicate type"


def test_npm_publish_attestation_without_keys_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("npm-response-tuf-js-1.0.0")]
    code, lines, _ = verify_json(case.path, case.options[:2], capsys)
    assert code == 1
    assert lines[1]["reason"] == (
        "signed by a registry key, not a certificate: pass the npm registry keys "
        "(/-/npm/v1/keys; --npm-keys FILE)"
    )


# ---------------------------------------------------------------------------- trust roots


STAGING_ROOT = str(attestation_file("common", "trusted_root.staging.json"))


def test_staging_bundle_against_production_root_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES[CASE_IDS.index("pypi-rfc8785-staging")]
    options = case.options[:2]  # without --trusted-root: the embedded production root
    code, (line,), err = verify_json(case.path, options, capsys)
    assert (code, line["step"]) == (1, "signature")
    assert "certificate chain" in line["reason"]
    assert err.startswith(f"invalid: {case.path}#0: signature: ")


def test_staging_root_makes_the_staging_bundle_pass(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("pypi-rfc8785-staging")]
    options = (*case.options[:2], "--trusted-root", STAGING_ROOT)
    code, (line,), _ = verify_json(case.path, options, capsys)
    assert (code, line["verified"], line["identity"]) == (0, True, "william@yossarian.net")


def test_production_bundle_against_staging_root_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES[CASE_IDS.index("npm-sigstore-js-2.1.0-v0.3-intoto")]
    code, (line,), _ = verify_json(
        case.path, (*case.options, "--trusted-root", STAGING_ROOT), capsys
    )
    assert (code, line["step"]) == (1, "signature")
    assert line["reason"].startswith("certificate chain failed: no trusted chain")


def test_private_bundle_against_production_root_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = CASES[CASE_IDS.index("github-private-no-tlog")]
    code, (line,), _ = verify_json(case.path, case.options[:2], capsys)
    assert code == 1
    assert (
        line["reason"] == "certificate chain failed: no trusted root has the certificate's issuer"
    )


# ---------------------------------------------------------------------------- bad input


PYPI_PUBLISH = CASES[CASE_IDS.index("pypi-publish")]


def _bad_files(tmp_path: Path) -> list[tuple[str, Path, str]]:
    good = PYPI_PUBLISH.path.read_bytes()
    bundle = json.loads(
        attestation_file("pypi", "pypi_attestation_models-0.0.4a2.tar.gz.sigstore").read_text()
    )
    made: list[tuple[str, Path, str]] = []

    def write(name: str, data: bytes, message: str) -> None:
        path = tmp_path / name
        path.write_bytes(data)
        made.append((name, path, message))

    write("malformed.json", b'{"version": 1,', "(step: json): malformed JSON: ")
    write("truncated.json", good[: len(good) // 2], "(step: json): malformed JSON: ")
    write(
        "media-type.sigstore.json",
        json.dumps({**bundle, "mediaType": "application/x-unknown"}).encode(),
        "(step: media type): unknown bundle media type 'application/x-unknown'",
    )
    cut = {key: value for key, value in bundle.items() if key != "verificationMaterial"}
    write(
        "no-material.sigstore.json",
        json.dumps(cut).encode(),
        "(step: bundle): missing object verificationMaterial",
    )
    write("utf16.json", good.decode().encode("utf-16"), "(step: encoding): not UTF-8 text")
    write("array.json", b"[1, 2]", "(step: json): expected a JSON object, found an array")
    return made


BAD = [
    "malformed.json",
    "truncated.json",
    "media-type.sigstore.json",
    "no-material.sigstore.json",
    "utf16.json",
    "array.json",
]


@pytest.mark.parametrize("name", BAD)
@pytest.mark.parametrize("command", ["verify", "show"])
def test_bad_input_exits_2_naming_the_file_and_step(
    name: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ((_, path, message),) = [made for made in _bad_files(tmp_path) if made[0] == name]
    extra = ["--digest", PYPI_PUBLISH.options[1]] if command == "verify" else []
    code, out, err = run(["attest", command, "--bundle", str(path), *extra], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {path}: cannot read attestation {message}")
    assert "\nhint: " in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ((), "error: give the attested file as --artifact FILE or its digest as --digest"),
        (("--digest", "sha256:xyz"), "error: invalid digest: expected a hexadecimal digit"),
        (("--digest", "md5:00"), "error: invalid digest: expected algorithm 'sha256' or 'sha512'"),
        (
            ("--artifact", "/nonexistent/a.tgz"),
            "error: /nonexistent/a.tgz: cannot read attestation (step: read): cannot read the "
            "artifact: No such file or directory",
        ),
        (
            ("--digest", "sha256:" + "ab" * 32, "--trusted-root", "/nonexistent/root.json"),
            "error: /nonexistent/root.json: cannot use trusted root (step: read): No such file",
        ),
    ],
    ids=["no-digest", "bad-hex", "bad-algorithm", "missing-artifact", "missing-root"],
)
def test_usage_errors_exit_2(
    options: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["attest", "verify", "--bundle", str(PYPI_PUBLISH.path), *options], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(message)


def test_missing_bundle_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["attest", "show", "--bundle", "/nonexistent/b.json"], capsys)
    assert code == 2
    assert err.startswith(
        "error: /nonexistent/b.json: cannot read attestation (step: read): cannot read the "
        "bundle: No such file or directory"
    )


def test_npm_response_needs_a_sha512(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("npm-response-sigstore-1.0.0")]
    code, _, err = run(
        ["attest", "verify", "--bundle", str(case.path), "--digest", "sha256:" + "ab" * 32], capsys
    )
    assert code == 2
    assert err.startswith("error: an npm attestations response names the tarball by sha512")


# ---------------------------------------------------------------------------- show


def test_show_states_the_facts_without_verifying(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("npm-response-sigstore-0.4.0")]
    code, out, _ = run(["attest", "show", "--bundle", str(case.path), "--json"], capsys)
    provenance, publish = (json.loads(line) for line in out.splitlines())
    assert code == 0
    assert provenance["verified"] is False  # shown, not checked
    assert provenance["source_repository"] == SIGSTORE_JS
    assert provenance["subjects"][0]["name"] == "pkg:npm/sigstore@0.4.0"
    assert provenance["log_entries"][0]["kind"] == "intoto/0.0.2"
    assert provenance["inclusion_proof"] is False
    assert publish["key_id"] == OLD_NPM_KEY
    assert publish["identity"] is None


def test_show_text_of_a_private_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[CASE_IDS.index("github-private-no-tlog")]
    code, out, _ = run(["attest", "show", "--bundle", str(case.path)], capsys)
    assert code == 0
    assert "(not verified)" in out
    assert "rfc3161_timestamps: 1" in out
    assert PRIVATE_DIGEST.partition(":")[2] in out.replace("\n", "")


# ---------------------------------------------------------------------------- any change


FUZZED = [CASES[CASE_IDS.index(i)] for i in ("pypi-provenance", "npm-response-sigstore-0.4.0")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(FUZZED), data=st.data())
def test_any_character_change_gives_an_exit_code_never_a_traceback(
    case: Case, data: st.DataObject
) -> None:
    """Exit 0, 1 or 2 whatever one character of the file becomes; no other exception."""
    text = case.path.read_text("utf-8")
    position = data.draw(st.integers(0, len(text) - 1))
    char = data.draw(st.characters(codec="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / case.path.name
        path.write_text(text[:position] + char + text[position + 1 :], "utf-8")
        for command in (["verify", *case.options], ["show"]):
            code = main(["attest", command[0], "--bundle", str(path), *command[1:], "--json"])
            assert code in {0, 1, 2}
