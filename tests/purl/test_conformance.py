"""The purl-spec conformance suite: one pytest case per suite case.

586 cases in ``purl/tests`` of the anchors (see PROVENANCE.md there): ``parse`` (a string to
components, or a failure), ``build`` (components to the canonical string, or a failure) and
``validate`` (a string to its canonical form). This module holds nothing but those cases,
so pytest's "passed" count is the number of suite cases polypac passes.

The suite contradicts itself in two places; docs/purl.md quotes the spec text that decides
each, and the losing cases are strict xfails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from polypac.errors import PurlError
from polypac.purl import PackageURL, build_purl, parse_purl, validate_purl
from tests.conftest import anchor, load_json

_KEY_LOWERCASED = (
    "uppercase qualifier key: ECMA-427's parse procedure says 'The key is the lowercase left "
    "side' (and its build procedure lowercases keys too), and the same suite's maven parse "
    "cases expect 'repositorY_url' to be read as 'repository_url'; this case expects a failure"
)
_GIT_CASE_SENSITIVE = (
    "the git type definition marks namespace and name 'case_sensitive': true, so the "
    "canonical form keeps their case; this recommended case expects them lowercased"
)

# (file, test type, input) of the cases that lose a contradiction, with the reason
KNOWN_CONTRADICTIONS = {
    ("gem-test.json", "parse", "pkg:gem/jruby-launcher@1.1.2?Platform=java"): _KEY_LOWERCASED,
    (
        "rpm-test.json",
        "parse",
        "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
    ): _KEY_LOWERCASED,
    (
        "git-test.json",
        "validate",
        "pkg:git/github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
    ): _GIT_CASE_SENSITIVE,
}


def _suite() -> list[Any]:
    params = []
    files = sorted(anchor("purl", "tests").glob("*/*-test.json"))
    for path in files:
        for index, case in enumerate(
            load_json("purl", "tests", path.parent.name, path.name)["tests"]
        ):
            label = case["input"] if isinstance(case["input"], str) else case["input"]["name"]
            case_id = (
                f"{path.name.removesuffix('-test.json')}-{index:02d}-{case['test_type']}-{label}"
            )
            reason = KNOWN_CONTRADICTIONS.get((path.name, case["test_type"], str(case["input"])))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(case, id=case_id, marks=marks))
    return params


def _components(purl: PackageURL) -> dict[str, Any]:
    """The suite's spelling of decoded components (no qualifiers is null)."""
    return {
        "type": purl.type,
        "namespace": purl.namespace,
        "name": purl.name,
        "version": purl.version,
        "qualifiers": dict(purl.qualifiers) or None,
        "subpath": purl.subpath,
    }


def _run(case: dict[str, Any]) -> PackageURL | list[str]:
    """What polypac makes of the case's input: a PURL, or validate's findings."""
    given = case["input"]
    if case["test_type"] == "build":
        return build_purl(
            given["type"],
            given["name"],
            namespace=given["namespace"],
            version=given["version"],
            qualifiers=given["qualifiers"],
            subpath=given["subpath"],
        )
    if case["test_type"] == "parse":
        return parse_purl(given)
    return validate_purl(given)


def check_case(case: dict[str, Any]) -> None:
    """Run one suite case; an assertion or an unexpected PurlError fails it."""
    if case.get("expected_failure"):
        with pytest.raises(PurlError):
            _run(case)
        return
    result, expected = _run(case), case["expected_output"]
    if isinstance(result, list):  # validate: the findings name the canonical form
        if case["input"] == expected:
            assert result == []
        else:
            assert result[:1] == [f"not in canonical form; canonical: {expected}"]
    elif case["test_type"] == "parse":
        assert _components(result) == {**expected, "qualifiers": expected["qualifiers"] or None}
    else:
        assert result.to_string() == expected


@pytest.mark.parametrize("case", _suite())
def test_suite_case(case: dict[str, Any]) -> None:
    check_case(case)
