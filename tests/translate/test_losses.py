"""Every kind of loss, word for word, and translations that lose nothing."""

from __future__ import annotations

import pytest

from polypac.translate import translate

LOSSES = [
    pytest.param(
        "package.json",
        "requirements",
        '{"dependencies": {"left": "<1.0.0 || >1.0.0"}}',
        "left: PEP 440 specifiers have no OR: widened <1.0.0 || >1.0.0 to its hull *",
        id="npm-or-into-pep440",
    ),
    pytest.param(
        "package.json",
        "cargo",
        '{"dependencies": {"left": "^1.0.0 || ^3.0.0"}}',
        "left: Cargo requirements have no OR: widened >=1.0.0, <2.0.0-0 || >=3.0.0, <4.0.0-0 "
        "to its hull >=1.0.0, <4.0.0-0",
        id="npm-or-into-cargo",
    ),
    pytest.param(
        "debian",
        "requirements",
        "Package: x\nDepends: exim4 (>= 4.96) | postfix\n",
        "exim4: PEP 508 has no alternatives: kept exim4, dropped postfix",
        id="debian-alternative-into-pip",
    ),
    pytest.param(
        "requirements",
        "package.json",
        "tomli>=1.1 ; python_version < '3.11'\n",
        "tomli: package.json has no marker conditions: dropped 'python_version < \"3.11\"', "
        "the dependency applies everywhere",
        id="marker-into-npm",
    ),
    pytest.param(
        "cargo",
        "debian",
        '[dependencies]\nserde = "1"\n\n[features]\nstd = ["serde/std"]\n',
        "feature std: Cargo features have no counterpart in Debian: dropped",
        id="cargo-feature-into-debian",
    ),
    pytest.param(
        "cargo",
        "debian",
        '[dependencies]\nserde = { version = "1", features = ["derive"] }\n',
        "serde: Debian has no features or extras: dropped derive",
        id="dependency-features-into-debian",
    ),
    pytest.param(
        "package.json",
        "requirements",
        '{"peerDependencies": {"react": ">=18.0.0"}}',
        "react: requirements files have no peer scope: written as a plain requirement",
        id="peer-into-pip",
    ),
    pytest.param(
        "debian",
        "package.json",
        "Package: x\nDepends: zlib1g (>= 1:1.2.2)\n",
        "zlib1g: npm has no counterpart for the epoch of 1:1.2.2: dropped >=1:1.2.2, which "
        "widens the constraint",
        id="debian-epoch-into-semver",
    ),
    pytest.param(
        "debian",
        "cargo",
        "Package: x\nDepends: libfoo (>= 2.0~git20200101)\n",
        "libfoo: Cargo has no counterpart for the version 2.0~git20200101: dropped "
        ">=2.0~git20200101, which widens the constraint",
        id="debian-tilde-into-semver",
    ),
    pytest.param(
        "debian",
        "package.json",
        "Package: x\nDepends: tar (>= 1.28-1)\n",
        "tar: npm has no counterpart for the Debian revision of 1.28-1: dropped >=1.28-1, "
        "which widens the constraint",
        id="debian-revision-into-semver",
    ),
    pytest.param(
        "debian",
        "requirements",
        "Package: x\nDepends: bar (>= 1.1~rc1)\n",
        "bar: pre-release rules differ (Debian has no pre-releases and admits '~' versions by "
        "order; PEP 440 admits every pre-release once one is named)",
        id="debian-tilde-pre-release-into-pep440",
    ),
    pytest.param(
        "package.json",
        "requirements",
        '{"dependencies": {"next": ">=14.0.0-rc.1"}}',
        "next: pre-release rules differ (semver admits a pre-release only of a version a "
        "comparator names; PEP 440 admits every pre-release once one is named)",
        id="npm-pre-release-into-pep440",
    ),
    pytest.param(
        "requirements",
        "cargo",
        "attrs>=1.2,!=1.5\n",
        "attrs: Cargo requirements have no '!=': dropped !=1.5.0",
        id="not-equal-into-cargo",
    ),
    pytest.param(
        "requirements",
        "debian",
        "attrs<=1.2\n",
        "attrs: Debian orders 1.2 apart from its forms with more trailing zeros, PEP 440 "
        "calls them equal: kept <=1.2",
        id="trailing-zeros-into-debian",
    ),
    pytest.param(
        "debian",
        "requirements",
        "Package: x\nDepends: libc6 (>= 2.0)\n",
        "libc6: Debian orders 2.0 apart from its forms with more trailing zeros, PEP 440 "
        "calls them equal: kept >=2.0",
        id="trailing-zeros-from-debian",
    ),
    pytest.param(
        "requirements",
        "package.json",
        "attrs==1.0.post1\n",
        "attrs: npm has no counterpart for the post part of 1.0.post1: dropped =1.0.post1, "
        "which widens the constraint",
        id="post-release-into-semver",
    ),
    pytest.param(
        "requirements",
        "package.json",
        "attrs==1.2.3.4\n",
        "attrs: npm has no counterpart for the 4-number release 1.2.3.4: dropped =1.2.3.4, "
        "which widens the constraint",
        id="four-numbers-into-semver",
    ),
    pytest.param(
        "package.json",
        "requirements",
        '{"devDependencies": {"@types/node": "^20.0.0"}}',
        "@types/node: '@types/node' is not a valid PEP 508 name: skipped",
        id="scoped-name-into-pip",
    ),
    pytest.param(
        "cargo",
        "requirements",
        '[dependencies]\nrand = { version = "0.8", default-features = false }\n',
        "rand: PEP 508 cannot turn default features off: dropped",
        id="default-features-into-pip",
    ),
    pytest.param(
        "cargo",
        "package.json",
        '[dependencies]\nheck = { git = "https://x/heck" }\n',
        "heck: package.json cannot say git = 'https://x/heck': dropped, the registry is used",
        id="git-into-npm",
    ),
    pytest.param(
        "cargo",
        "requirements",
        "[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n",
        "libc: PEP 508 has no cfg conditions: dropped 'cfg(unix)', the dependency applies "
        "everywhere",
        id="cfg-into-pip",
    ),
    pytest.param(
        "debian",
        "cargo",
        "Package: x\nBuild-Depends: debhelper-compat (= 13)\n",
        "debhelper-compat: Debian orders 13 apart from its forms with more trailing zeros, "
        "semver calls them equal: kept =13.0.0",
        id="debian-short-version-into-cargo",
    ),
    pytest.param(
        "package.json",
        "debian",
        '{"devDependencies": {"typescript": "~5.6.0"}}',
        "typescript: Debian has no dev dependencies: written in Build-Depends",
        id="dev-into-debian",
    ),
    pytest.param(
        "package.json",
        "pac",
        '{"dependencies": {"x-lib": "github:user/x-lib"}}',
        "x-lib: Pac cannot say npm = 'github:user/x-lib': dropped, the registry is used",
        id="npm-location-into-pac",
    ),
    pytest.param(
        "debian",
        "requirements",
        "Package: x\nDepends: perl:any\n",
        "perl: PEP 508 has no arch-qualifier conditions: dropped 'any', the dependency "
        "applies everywhere",
        id="arch-qualifier-into-pip",
    ),
    pytest.param(
        "debian",
        "package.json",
        "Package: x\nDepends: libcap-dev [linux-any]\n",
        "libcap-dev: package.json has no arch conditions: dropped 'linux-any', the "
        "dependency applies everywhere",
        id="arch-restriction-into-npm",
    ),
]


@pytest.mark.parametrize(("source", "target", "text", "expected"), LOSSES)
def test_loss_is_reported_word_for_word(source: str, target: str, text: str, expected: str) -> None:
    result = translate(text, source_format=source, target_format=target)
    assert [str(loss) for loss in result.losses] == [f"loss: {expected}"]


EXACT = [
    ("requirements", "package.json", "attrs>=1.2,<2\n", '"attrs": ">=1.2.0 <2.0.0"'),
    ("requirements", "package.json", "attrs~=1.4.2\n", '"attrs": ">=1.4.2 <1.5.0"'),
    ("requirements", "package.json", "attrs!=1.5.0\n", '"attrs": "<1.5.0 || >1.5.0"'),
    ("requirements", "cargo", "attrs>=1.2,<2\n", 'attrs = "^1.2.0"'),
    ("requirements", "debian", "attrs>=1.0,<2.0\n", "Depends: attrs (>= 1),\n attrs (<< 2)"),
    ("package.json", "requirements", '{"dependencies": {"ms": "^1.2.0"}}', "ms>=1.2.0,<2.0.0"),
    (
        "package.json",
        "requirements",
        '{"dependencies": {"ms": "^1.0.0 || ^3.0.0"}}',
        "ms>=1.0.0,<4.0.0,!=2.*",
    ),
    ("package.json", "cargo", '{"dependencies": {"ms": "~1.4.2"}}', 'ms = "~1.4.2"'),
    (
        "package.json",
        "debian",
        '{"dependencies": {"ms": "^1.2.0 || ^3.0.0"}}',
        "ms (>= 1.2.0) | ms (>= 3.0.0)",
    ),
    ("cargo", "package.json", '[dependencies]\nitoa = "1.2"\n', '"itoa": ">=1.2.0 <2.0.0"'),
    (
        "cargo",
        "package.json",
        '[dependencies]\nitoa = "=1.0.0-alpha.1"\n',
        '"itoa": "1.0.0-alpha.1"',
    ),
    ("debian", "requirements", "Package: x\nDepends: libc6 (>= 2.36)\n", "libc6>=2.36"),
    ("debian", "package.json", "Package: x\nDepends: libc6 (>= 2.36)\n", '"libc6": ">=2.36.0"'),
]


@pytest.mark.parametrize(("source", "target", "text", "expected"), EXACT)
def test_exact_translation(source: str, target: str, text: str, expected: str) -> None:
    result = translate(text, source_format=source, target_format=target)
    assert result.losses == ()
    assert expected in result.text


def test_names_are_normalized_as_the_target_requires() -> None:
    pip = translate(
        '{"dependencies": {"Zope.Interface": "*"}}',
        source_format="package.json",
        target_format="requirements",
    )
    deb = translate("Zope.Interface\n", source_format="requirements", target_format="debian")
    assert (pip.text, deb.text) == ("zope-interface\n", "Depends: zope.interface\n")
