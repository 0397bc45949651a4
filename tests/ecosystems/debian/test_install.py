"""Install plans: apt's semantics on hand-written indexes, failures word for word, and the
plans of ~25 real requests compared with ``apt-get install -s`` on recorded slices of this
machine's apt lists (tests/ecosystems/debian/fixtures/apt-s/README.md)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from polypac.ecosystems.debian.install import (
    AptCache,
    InstallFailure,
    InstallPlan,
    parse_install_request,
    plan_install,
    plan_relations,
)
from polypac.errors import ParseError

FIXTURES = Path(__file__).parent / "fixtures" / "apt-s"
LISTS = sorted((FIXTURES / "lists").glob("*_Packages.gz"))
STATUSES = {"machine": FIXTURES / "machine-status.gz", "base": FIXTURES / "base-status"}
REQUESTS = json.loads((FIXTURES / "requests.json").read_text(encoding="utf-8"))
_INST = re.compile(r"^Inst (\S+) (?:\[\S+\] )?\((\S+) ", re.MULTILINE)


def stanza(name: str, version: str = "1.0", **fields: str) -> str:
    lines = [f"Package: {name}", f"Version: {version}", "Architecture: amd64"]
    lines += [f"{key.replace('_', '-').title()}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def installed(name: str, version: str = "1.0", **fields: str) -> str:
    return stanza(name, version, status="install ok installed", **fields)


def cache(*stanzas: str, status: tuple[str, ...] = (), suites: tuple[str, ...] = ()) -> AptCache:
    texts = ["\n".join(stanzas)]
    sources = [f"/var/lib/apt/lists/x_dists_{suites[0]}_main_Packages"] if suites else []
    return AptCache.from_texts(texts, "\n".join(status) or None, sources=sources)


def plan(request: list[str], apt: AptCache, **options: bool) -> InstallPlan:
    found = plan_install(request, cache=apt, **options)
    assert isinstance(found, InstallPlan), str(found)
    return found


def failure(request: list[str], apt: AptCache) -> InstallFailure:
    found = plan_install(request, cache=apt)
    assert isinstance(found, InstallFailure), str(found)
    return found


def names(found: InstallPlan) -> list[str]:
    return sorted(p.name for p in found.install)


# --- semantics on hand-written indexes ----------------------------------------------------


def test_depends_are_followed_and_marked_automatic() -> None:
    apt = cache(stanza("app", depends="lib (>= 1)"), stanza("lib", "1.5"))
    found = plan(["app"], apt)
    assert [(p.name, p.version, p.automatic) for p in found.install] == [
        ("app", "1.0", False),
        ("lib", "1.5", True),
    ]


def test_first_alternative_wins_even_when_a_later_one_is_smaller() -> None:
    apt = cache(
        stanza("app", depends="big | small"),
        stanza("big", depends="big-data"),
        stanza("big-data"),
        stanza("small"),
    )
    assert names(plan(["app"], apt)) == ["app", "big", "big-data"]


def test_an_alternative_already_installed_is_kept() -> None:
    apt = cache(
        stanza("app", depends="big | small"),
        stanza("big"),
        stanza("small"),
        status=(installed("small"),),
    )
    assert names(plan(["app"], apt)) == ["app"]


def test_an_alternative_that_conflicts_is_passed_over() -> None:
    apt = cache(
        stanza("app", depends="first | second, other"),
        stanza("first", conflicts="other"),
        stanza("second"),
        stanza("other"),
    )
    assert names(plan(["app"], apt)) == ["app", "other", "second"]


def test_virtual_package_providers_by_priority_then_name() -> None:
    apt = cache(
        stanza("app", depends="mail-transport-agent"),
        stanza("zmta", provides="mail-transport-agent", priority="standard"),
        stanza("amta", provides="mail-transport-agent", priority="optional"),
    )
    assert names(plan(["app"], apt)) == ["app", "zmta"]


def test_requesting_a_virtual_package_with_one_provider_installs_it() -> None:
    apt = cache(stanza("only-mta", provides="mail-transport-agent"))
    assert names(plan(["mail-transport-agent"], apt)) == ["only-mta"]


def test_recommends_are_installed_by_default_like_apt() -> None:
    apt = cache(stanza("app", recommends="extra"), stanza("extra"))
    assert names(plan(["app"], apt)) == ["app", "extra"]
    assert names(plan(["app"], apt, install_recommends=False)) == ["app"]


def test_a_recommends_that_cannot_be_installed_is_dropped() -> None:
    apt = cache(
        stanza("app", depends="lib", recommends="extra"),
        stanza("lib"),
        stanza("extra", conflicts="lib"),
    )
    assert names(plan(["app"], apt)) == ["app", "lib"]


def test_candidate_is_the_highest_version_and_pins_override_it() -> None:
    apt = cache(stanza("tool", "1.0"), stanza("tool", "2.0"))
    assert [p.version for p in plan(["tool"], apt).install] == ["2.0"]
    assert [p.version for p in plan(["tool=1.0"], apt).install] == ["1.0"]


def test_a_suite_request_takes_that_suite() -> None:
    apt = cache(stanza("tool", "1.0"), suites=("bookworm",))
    assert [p.version for p in plan(["tool/bookworm"], apt).install] == ["1.0"]
    assert str(failure(["tool/sid"], apt)) == (
        "error: cannot install tool/sid\n"
        "  no version of tool comes from sid (it is in bookworm)\n"
        "hint: name a suite of the apt sources, as in /etc/apt/sources.list"
    )


def test_installed_packages_are_kept_and_upgraded_only_when_needed() -> None:
    apt = cache(
        stanza("app", depends="lib (>= 2)"),
        stanza("lib", "2.0"),
        stanza("other", "2.0"),
        status=(installed("lib", "1.0"), installed("other", "1.0")),
    )
    found = plan(["app"], apt)
    assert [str(p) for p in found.install] == [
        "Inst app (1.0 [amd64])",
        "Inst lib [1.0] (2.0 [amd64])",
    ]
    assert found.install[1].action == "upgrade"


def test_a_requested_package_already_at_its_candidate_installs_nothing() -> None:
    apt = cache(stanza("tool"), status=(installed("tool"),))
    found = plan(["tool"], apt)
    assert found.install == ()
    assert found.already_installed == ("tool",)


def test_upgrading_a_package_upgrades_its_installed_siblings_of_one_source() -> None:
    apt = cache(
        stanza("curl", "2", source="curl"),
        stanza("libcurl-gnutls", "2", source="curl"),
        status=(
            installed("curl", "1", source="curl"),
            installed("libcurl-gnutls", "1", source="curl"),
        ),
    )
    assert names(plan(["curl"], apt)) == ["curl", "libcurl-gnutls"]


def test_plan_relations_takes_the_first_alternative_that_exists() -> None:
    apt = cache(stanza("libblas-dev", "3.11"))
    found = plan_relations("libopenblas-dev | libblas-dev (>= 3)", cache=apt)
    assert isinstance(found, InstallPlan)
    assert names(found) == ["libblas-dev"]
    assert found.request == ("libopenblas-dev | libblas-dev (>= 3)",)


# --- failures, word for word --------------------------------------------------------------


def test_two_packages_that_conflict_through_a_virtual_name() -> None:
    apt = cache(
        stanza("postfix", "3.7", provides="mail-transport-agent", conflicts="mail-transport-agent"),
        stanza("exim4", "4.96", provides="mail-transport-agent", conflicts="mail-transport-agent"),
    )
    assert str(failure(["postfix", "exim4"], apt)) == (
        "error: cannot install postfix exim4\n"
        "  the request asks for postfix 3.7; the request asks for exim4 4.96,"
        " but postfix 3.7 (amd64) conflicts with mail-transport-agent"
        " (which exim4 4.96 (amd64) provides)\n"
        "hint: these packages cannot be installed together; install one of them"
    )


def test_a_dependency_no_version_meets() -> None:
    apt = cache(stanza("app", depends="lib (>= 2)"), stanza("lib", "1.5"))
    assert str(failure(["app"], apt)) == (
        "error: cannot install app\n"
        "  the request asks for app 1.0; app 1.0 (amd64) depends on lib (>= 2),"
        " but no version of lib satisfies >= 2 (the archive has 1.5)\n"
        "hint: request fewer packages at once, or other versions (name=version)"
    )


def test_a_conflict_with_an_installed_package_that_must_stay() -> None:
    apt = cache(stanza("new", conflicts="old"), stanza("old"), status=(installed("old"),))
    assert failure(["new"], apt).reasons == (
        "the request asks for new 1.0; the request depends on old,"
        " but new 1.0 (amd64) conflicts with old",
    )


def test_a_virtual_request_with_several_providers() -> None:
    apt = cache(stanza("b-mta", provides="mta"), stanza("a-mta", provides="mta"))
    assert str(failure(["mta"], apt)) == (
        "error: cannot install mta\n"
        "  mta is a virtual package provided by a-mta, b-mta\n"
        "hint: install one of them explicitly, e.g. apt-get install a-mta"
    )


def test_unknown_names_and_versions() -> None:
    apt = cache(stanza("tool", "1.0"), stanza("tool", "2.0"))
    assert failure(["nope"], apt).reasons == ("there is no package nope in the apt lists",)
    assert failure(["tool=3"], apt).reasons == (
        "there is no version 3 of tool (the apt lists have 1.0, 2.0)",
    )


@pytest.mark.parametrize("text", ["", "Tool", "tool==1", "tool=", "to ol"])
def test_bad_requests_raise_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError, match="expected 'name', 'name=version' or 'name/suite'"):
        parse_install_request(text)


# --- side by side with apt-get install -s -------------------------------------------------

_CACHES: dict[str, AptCache] = {}


def recorded_cache(scenario: str) -> AptCache:
    if scenario not in _CACHES:
        _CACHES[scenario] = AptCache.from_files(LISTS, STATUSES[scenario])
    return _CACHES[scenario]


CASES = [(scenario, case) for scenario in STATUSES for case in REQUESTS]


@pytest.mark.parametrize(("scenario", "case"), CASES, ids=[f"{s}-{c['id']}" for s, c in CASES])
def test_same_packages_as_apt_get_install_s(scenario: str, case: dict[str, object]) -> None:
    recorded = (FIXTURES / scenario / f"{case['id']}.txt").read_text(encoding="utf-8")
    apt_succeeds = "\n# exit 0\n" in recorded
    options = case["options"]
    assert isinstance(options, list)
    packages = case["packages"]
    assert isinstance(packages, list)
    found = plan_install(
        packages,
        cache=recorded_cache(scenario),
        install_recommends="--no-install-recommends" not in options,
    )
    assert isinstance(found, InstallPlan) == apt_succeeds, str(found)
    if isinstance(found, InstallPlan):
        assert found.names() == set(_INST.findall(recorded))


def test_the_machine_lists_answer_like_apt() -> None:
    """The same comparison, live, on this machine's own lists (CI has the same image)."""
    lists = sorted(Path("/var/lib/apt/lists").glob("*_Packages*"))
    if not lists or shutil.which("apt-get") is None:
        message = "no apt lists on this machine"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    run = subprocess.run(
        ["apt-get", "install", "-s", "-q", "jq"],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "")},
        check=True,
    )
    found = plan_install(["jq"], cache=AptCache.from_machine())
    assert isinstance(found, InstallPlan)
    assert found.names() == set(_INST.findall(run.stdout))
