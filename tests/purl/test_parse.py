"""parse_purl, build_purl, validate_purl and PackageURL beyond the conformance suite."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from polypac.errors import PurlError
from polypac.purl import PackageURL, build_purl, parse_purl, validate_purl

# --------------------------------------------------------------------------- the value


def test_purl_is_a_frozen_hashable_value() -> None:
    purl = parse_purl("pkg:deb/debian/curl@7.50.3-1?distro=jessie&arch=i386")
    assert purl == parse_purl("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie")
    assert len({purl, parse_purl("pkg:DEB/Debian/Curl@7.50.3-1?Arch=i386&distro=jessie")}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        purl.name = "wget"  # type: ignore[misc]
    assert not hasattr(purl, "__dict__")
    assert purl.qualifiers == (("arch", "i386"), ("distro", "jessie"))
    assert purl.qualifier("arch") == "i386"
    assert purl.qualifier("epoch") is None
    assert purl.qualifier("epoch", "0") == "0"


def test_parsed_purl_equals_the_constructed_one() -> None:
    parsed = parse_purl("pkg:npm/%40angular/animation@12.3.1#bundles/a.js")
    constructed = PackageURL(
        type="npm",
        namespace="@angular",
        name="animation",
        version="12.3.1",
        subpath="bundles/a.js",
    )
    assert parsed == constructed
    assert hash(parsed) == hash(constructed)
    assert (
        str(constructed)
        == constructed.to_string()
        == "pkg:npm/%40angular/animation@12.3.1#bundles/a.js"
    )


def test_purl_pickles() -> None:
    purl = parse_purl("pkg:maven/org.apache.commons/io@1.3.4?type=jar")
    assert pickle.loads(pickle.dumps(purl)) == purl


def test_to_string_encodes_exactly_what_the_spec_says() -> None:
    purl = build_purl(
        "generic",
        "na me+@/x",
        namespace="a b/ü",
        version="1:2+b1 final",
        qualifiers={"checksum": "sha1:ab,sha256:cd", "url": "https://x.org/a?b=c&d#e"},
        subpath="src/a b+c",
    )
    assert purl.to_string() == (
        "pkg:generic/a%20b/%C3%BC/na%20me%2B%40%2Fx@1:2%2Bb1%20final"
        "?checksum=sha1:ab%2Csha256:cd&url=https:%2F%2Fx.org%2Fa%3Fb%3Dc%26d%23e"
        "#src/a%20b%2Bc"
    )
    assert parse_purl(purl.to_string()) == purl


# ---------------------------------------------------------------------- lenient parsing


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("PKG:NPM/foo", "pkg:npm/foo"),
        ("pkg://npm/foo", "pkg:npm/foo"),
        ("pkg:npm//foo/", "pkg:npm/foo"),
        ("pkg:npm/foo@1.0/", "pkg:npm/foo@1.0"),
        ("pkg:npm/foo@1.0?a=&b=1&", "pkg:npm/foo@1.0?b=1"),
        ("pkg:npm/foo@1.0?", "pkg:npm/foo@1.0"),
        ("pkg:npm/foo@", "pkg:npm/foo"),
        ("pkg:npm/foo#/a/./../b//", "pkg:npm/foo#a/b"),
        ("pkg:npm/foo%2fbar", "pkg:npm/foo%2Fbar"),
        ("pkg:generic/caf\u00e9@1", "pkg:generic/caf%C3%A9@1"),
    ],
)
def test_lenient_spellings_parse_to_the_canonical_form(text: str, canonical: str) -> None:
    assert parse_purl(text).to_string() == canonical


def test_version_is_taken_from_the_last_segment_only() -> None:
    purl = parse_purl("pkg:npm/@babel/core")
    assert (purl.namespace, purl.name, purl.version) == ("@babel", "core", None)
    brew = parse_purl("pkg:brew/node@20@20.10.0")
    assert (brew.name, brew.version) == ("node@20", "20.10.0")


# ----------------------------------------------------------------------- parse errors


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("npm/foo", 0, "expected the scheme 'pkg:'"),
        ("pkg%3Anpm/foo", 0, "expected the scheme 'pkg:'"),
        ("pkg:", 4, "expected a type after 'pkg:'"),
        ("pkg:/", 5, "expected a type after 'pkg:'"),
        ("pkg:npm", 7, "expected '/' and a name after the type"),
        ("pkg:3npm/foo", 4, "a type must start with an ASCII letter"),
        ("pkg:np_m/foo", 6, "a type may contain only ASCII letters, digits, '.' and '-'"),
        ("pkg:maven/@1.3.4", 10, "expected a name"),
        ("pkg:npm/foo@1?a", 14, "expected key=value in the qualifiers"),
        ("pkg:npm/foo?a=1&=2", 16, "expected a qualifier key before '='"),
        ("pkg:npm/foo?1a=1", 12, "a qualifier key must start with an ASCII letter"),
        ("pkg:npm/foo?in%20x=1", 14, "a qualifier key must not be percent-encoded"),
        (
            "pkg:npm/foo?a+b=1",
            13,
            "a qualifier key may contain only ASCII letters, digits, '.', '-', '_'",
        ),
        ("pkg:npm/foo?a=1&A=2", 16, "the qualifier key 'a' appears twice"),
        ("pkg:npm/foo%2", 11, "expected two hex digits after '%'"),
        ("pkg:npm/foo@1%zz", 13, "expected two hex digits after '%'"),
        ("pkg:npm/foo%C3%28", 11, "percent-encoded bytes are not UTF-8"),
        ("pkg:npm/a%2Fb/foo", 8, "a namespace segment must not contain '/'"),
        ("pkg:npm/foo#a%2Fb", 12, "a subpath segment must not contain '/'"),
        ("pkg:npm/foo\udc80", 11, "expected Unicode text (found a lone surrogate)"),
    ],
)
def test_parse_errors_name_the_problem_and_its_offset(
    text: str, position: int, problem: str
) -> None:
    with pytest.raises(PurlError) as caught:
        parse_purl(text)
    assert (caught.value.problem, caught.value.position) == (problem, position)
    assert isinstance(caught.value, ValueError)


def test_parse_error_renders_a_caret_under_the_bad_character() -> None:
    with pytest.raises(PurlError) as caught:
        parse_purl("pkg:3nginx/nginx@0.8.9")
    assert str(caught.value) == (
        "invalid purl: a type must start with an ASCII letter\n  pkg:3nginx/nginx@0.8.9\n      ^"
    )


# -------------------------------------------------------------------------- type rules


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("pkg:maven/io@1", 10, "a maven purl requires a namespace"),
        ("pkg:cargo/a/rand", 10, "a cargo purl must not have a namespace"),
        ("pkg:julia/Dates", 15, "a julia purl requires the qualifier 'uuid'"),
        ("pkg:swid/Fedora@29", 18, "a swid purl requires the qualifier 'tag_id'"),
        ("pkg:swid/a/b/c/d?tag_id=x", 9, "a swid namespace has at most 2 segments"),
        (
            "pkg:cpan/LWP::UserAgent@6.7.6",
            9,
            "a cpan name is a distribution name (with '-'), not a module name with '::'",
        ),
        ("pkg:cocoapods/.pod", 14, "a cocoapods name must not start with '.'"),
        ("pkg:cocoapods/a+b", 14, "a cocoapods name must not contain '+' or whitespace"),
        (
            "pkg:chrome-extension/dogs",
            21,
            "a chrome-extension name is an extension id of 32 letters from 'a' to 'p'",
        ),
        (
            "pkg:chrome-extension/" + "a" * 32 + "@1.2-beta",
            54,
            "a chrome-extension version is 1 to 4 dot-separated numbers",
        ),
        (
            "pkg:git/codeberg.org",
            8,
            "a git purl requires a namespace (the host) and a name (the path)",
        ),
    ],
)
def test_type_rules_reject_with_offsets(text: str, position: int, problem: str) -> None:
    with pytest.raises(PurlError) as caught:
        parse_purl(text)
    assert (caught.value.problem, caught.value.position) == (problem, position)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("pkg:pypi/Typing_Extensions@4.0.0RC1", "pkg:pypi/typing-extensions@4.0.0rc1"),
        ("pkg:pub/Flutter-Lints@1.0", "pkg:pub/flutter_lints@1.0"),
        ("pkg:hackage/ac_half_integer@1.2.1", "pkg:hackage/ac-half-integer@1.2.1"),
        ("pkg:cpan/drolsky/DateTime@1.55", "pkg:cpan/DROLSKY/DateTime@1.55"),
        ("pkg:github/Package-URL/Purl-Spec@ABC", "pkg:github/package-url/purl-spec@ABC"),
        ("pkg:huggingface/EleutherAI/gpt-neo@ABCD", "pkg:huggingface/EleutherAI/gpt-neo@abcd"),
        ("pkg:otp/ASN1@5#Src/A.erl", "pkg:otp/asn1@5#src/a.erl"),
        ("pkg:npm/%40Angular/Core@1", "pkg:npm/%40Angular/Core@1"),
        ("pkg:golang/github.com/BurntSushi/toml@v1", "pkg:golang/github.com/BurntSushi/toml@v1"),
        (
            "pkg:swid/Acme/Example?tag_id=75B8C285-FA7B-485B-B199-4745E3004D0D",
            "pkg:swid/Acme/Example?tag_id=75b8c285-fa7b-485b-b199-4745e3004d0d",
        ),
        ("pkg:swid/Acme/Example?tag_id=Not-A-GUID", "pkg:swid/Acme/Example?tag_id=Not-A-GUID"),
        ("pkg:git/Example.org/Owner/Repo.git", "pkg:git/Example.org/Owner/Repo.git"),
        ("pkg:chrome-extension/" + "A" * 32, "pkg:chrome-extension/" + "a" * 32),
    ],
)
def test_type_rules_normalize(text: str, canonical: str) -> None:
    assert parse_purl(text).to_string() == canonical


def test_mlflow_name_case_follows_the_server() -> None:
    databricks = "pkg:mlflow/Model@1?repository_url=https://dbc-1a2b.cloud.databricks.com/api"
    azure_ml = "pkg:mlflow/Model@1?repository_url=https://westus2.api.azureml.ms/mlflow"
    assert parse_purl(databricks).name == "model"
    assert parse_purl(azure_ml).name == "Model"
    assert parse_purl("pkg:mlflow/Model@1").name == "Model"


def test_git_names_are_the_path_on_the_host() -> None:
    purl = parse_purl("pkg:git/gitlab.gnome.org/GNOME/adwaita-fonts@v1#fonts")
    assert (purl.namespace, purl.name) == ("gitlab.gnome.org", "GNOME/adwaita-fonts")
    built = build_purl("git", "GNOME/adwaita-fonts", namespace="gitlab.gnome.org", version="v1")
    assert built.to_string() == "pkg:git/gitlab.gnome.org/GNOME/adwaita-fonts@v1"
    regrouped = build_purl("git", "adwaita-fonts", namespace="gitlab.gnome.org/GNOME")
    assert (regrouped.namespace, regrouped.name) == ("gitlab.gnome.org", "GNOME/adwaita-fonts")


# ------------------------------------------------------------------------------- build


def test_build_normalizes_like_the_parser() -> None:
    built = build_purl(
        "PyPI",
        "/Django_Package/",
        version="",
        qualifiers=[("File_Name", "Django.tar.gz"), ("empty", None), ("also", "")],
        subpath="./src//x/",
    )
    assert built == parse_purl("pkg:pypi/django-package?file_name=Django.tar.gz#src/x")
    assert built.version is None


@pytest.mark.parametrize(
    ("arguments", "what", "problem"),
    [
        ({"type": "", "name": "x"}, "purl type", "a type is required"),
        ({"type": "3d", "name": "x"}, "purl type", "a type must start with an ASCII letter"),
        ({"type": "npm", "name": ""}, "purl name", "a name is required"),
        ({"type": "npm", "name": "//"}, "purl name", "a name is required"),
        (
            {"type": "npm", "name": "x", "qualifiers": {"in production": "true"}},
            "purl qualifier key",
            "a qualifier key may contain only ASCII letters, digits, '.', '-', '_'",
        ),
        (
            {"type": "swift", "name": "Alamofire"},
            "purl namespace",
            "a swift purl requires a namespace",
        ),
        (
            {"type": "vcpkg", "name": "asio", "namespace": "boost"},
            "purl namespace",
            "a vcpkg purl must not have a namespace",
        ),
    ],
)
def test_build_errors_name_the_component(
    arguments: dict[str, str], what: str, problem: str
) -> None:
    with pytest.raises(PurlError) as caught:
        build_purl(**arguments)  # type: ignore[arg-type]
    assert (caught.value.what, caught.value.problem) == (what, problem)


def test_build_rejects_duplicate_keys_after_lowercasing() -> None:
    with pytest.raises(PurlError, match="the qualifier key 'arch' appears twice"):
        build_purl("deb", "curl", namespace="debian", qualifiers=[("arch", "a"), ("ARCH", "b")])


# ---------------------------------------------------------------------------- validate


def test_validate_reports_each_non_canonical_component() -> None:
    findings = validate_purl("PKG://PyPI/Django_Package@1.0?File_Name=x#/a/")
    assert findings == [
        "not in canonical form; canonical: pkg:pypi/django-package@1.0?file_name=x#a",
        "scheme 'PKG://' is not canonical; expected 'pkg:'",
        "type 'PyPI' is not canonical; expected 'pypi'",
        "name 'Django_Package' is not canonical; expected 'django-package'",
        "qualifiers 'File_Name=x' is not canonical; expected 'file_name=x'",
        "subpath '/a/' is not canonical; expected 'a'",
    ]


def test_validate_reports_empty_components_to_omit() -> None:
    assert validate_purl("pkg:npm/foo@?") == [
        "not in canonical form; canonical: pkg:npm/foo",
        "version '' is not canonical; omit it",
        "qualifiers '' is not canonical; omit it",
    ]


def test_validate_reports_trailing_slashes() -> None:
    assert validate_purl("pkg:npm/foo//") == [
        "not in canonical form; canonical: pkg:npm/foo",
        "trailing slashes '//' is not canonical; omit it",
    ]


def test_validate_reports_invalid_purls_with_offsets() -> None:
    assert validate_purl("pkg:cargo/a/rand") == [
        "a cargo purl must not have a namespace (at offset 10)"
    ]
    assert validate_purl("pkg:cargo/a/rand", strict=False) == [
        "a cargo purl must not have a namespace (at offset 10)"
    ]


def test_validate_warns_about_unregistered_types_only_when_strict() -> None:
    assert validate_purl("pkg:gitlab/gitlab-org/gitlab") == [
        "type 'gitlab' is not a registered PURL type"
    ]
    assert validate_purl("pkg:gitlab/gitlab-org/gitlab", strict=False) == []


def test_validate_accepts_canonical_purls() -> None:
    assert validate_purl("pkg:maven/org.apache.commons/io@1.3.4?classifier=sources") == []
