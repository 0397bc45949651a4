"""pip, npm and apt configuration read as the tools read it, from files in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from polypac.net.config import (
    DEFAULT_INDEX_URL,
    DEFAULT_NPM_REGISTRY,
    AptSource,
    IndexUrls,
    apt_sources,
    expand_npm_env,
    npm_registry,
    pip_config_files,
    pip_index_urls,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# pip


def test_pip_config_files_order(tmp_path: Path) -> None:
    environ = {"HOME": "/h", "VIRTUAL_ENV": "/venv", "PIP_CONFIG_FILE": "/missing.conf"}
    assert pip_config_files(environ, root=tmp_path) == [
        tmp_path / "etc/xdg/pip/pip.conf",
        tmp_path / "etc/pip.conf",
        Path("/h/.pip/pip.conf"),
        Path("/h/.config/pip/pip.conf"),
        Path("/venv/pip.conf"),
        Path("/missing.conf"),
    ]


def test_pip_config_files_xdg_and_config_file(tmp_path: Path) -> None:
    chosen = write(tmp_path / "chosen.conf", "")
    environ = {
        "HOME": "/h",
        "XDG_CONFIG_DIRS": "/a:/b",
        "XDG_CONFIG_HOME": "/x",
        "VIRTUAL_ENV": "/venv",
        "PIP_CONFIG_FILE": str(chosen),
    }
    # an existing PIP_CONFIG_FILE replaces the user files, as in pip
    assert pip_config_files(environ, root=Path("/")) == [
        Path("/a/pip/pip.conf"),
        Path("/b/pip/pip.conf"),
        Path("/etc/pip.conf"),
        Path("/venv/pip.conf"),
        chosen,
    ]
    assert pip_config_files({**environ, "PIP_CONFIG_FILE": os.devnull}) == []


def test_pip_later_files_override_earlier(tmp_path: Path) -> None:
    first = write(
        tmp_path / "global.conf",
        "[global]\nindex-url = https://global/simple\nextra-index-url = https://e1/simple\n",
    )
    second = write(
        tmp_path / "user.conf",
        "[global]\nindex_url = https://user/simple\nfind-links =\n  /wheels\n  /more\n",
    )
    assert pip_index_urls({}, files=[first, second, tmp_path / "missing.conf"]) == IndexUrls(
        "https://user/simple", ("https://e1/simple",), ("/wheels", "/more")
    )


def test_pip_install_section_beats_global_in_any_file(tmp_path: Path) -> None:
    first = write(tmp_path / "a.conf", "[install]\nindex-url = https://install/simple\n")
    second = write(tmp_path / "b.conf", "[global]\nindex-url = https://global/simple\n")
    third = write(tmp_path / "c.conf", "[download]\nindex-url = https://download/simple\n")
    assert pip_index_urls({}, files=[first, second, third]).index_url == "https://install/simple"


def test_pip_environment_beats_files(tmp_path: Path) -> None:
    conf = write(
        tmp_path / "pip.conf",
        "[install]\nindex-url = https://file/simple\nextra-index-url = https://fe/simple\n",
    )
    environ = {
        "PIP_INDEX_URL": "https://env/simple",
        "PIP_EXTRA_INDEX_URL": "https://x1/simple  https://x2/simple",
    }
    assert pip_index_urls(environ, files=[conf]) == IndexUrls(
        "https://env/simple", ("https://x1/simple", "https://x2/simple"), ()
    )


def test_pip_defaults_and_broken_files(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.conf", "index-url = no section\n")
    assert pip_index_urls({}, files=[broken]) == IndexUrls(DEFAULT_INDEX_URL, (), ())


def test_pip_discovers_files_from_the_environment(tmp_path: Path) -> None:
    write(tmp_path / "home/.config/pip/pip.conf", "[global]\nindex-url = https://user/simple\n")
    write(tmp_path / "venv/pip.conf", "[global]\nextra-index-url = https://site/simple\n")
    environ = {"HOME": str(tmp_path / "home"), "VIRTUAL_ENV": str(tmp_path / "venv")}
    assert pip_index_urls(environ) == IndexUrls("https://user/simple", ("https://site/simple",), ())


def _pip_config_list() -> dict[str, str]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("pip config is not available")
    if done.returncode != 0:
        pytest.skip(f"pip config list failed: {done.stderr.strip()}")
    listed: dict[str, str] = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition("=")
        listed[key] = value.strip().strip("'\"")
    return listed


def test_pip_index_urls_agrees_with_pip_config_on_this_machine() -> None:
    listed = _pip_config_list()
    environ = dict(os.environ)
    environ.setdefault("VIRTUAL_ENV", sys.prefix)  # pip's site file is its interpreter's

    def setting(name: str) -> str:
        for section in (":env:", "install", "global"):
            if f"{section}.{name}" in listed:
                return listed[f"{section}.{name}"]
        return ""

    assert pip_index_urls(environ) == IndexUrls(
        setting("index-url") or DEFAULT_INDEX_URL,
        tuple(setting("extra-index-url").split()),
        tuple(setting("find-links").split()),
    )


# npm


def test_npm_default(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path), "PREFIX": str(tmp_path / "none")}
    assert npm_registry(None, environ, cwd=tmp_path) == DEFAULT_NPM_REGISTRY


def test_npm_layers(tmp_path: Path) -> None:
    home, prefix, project = tmp_path / "home", tmp_path / "prefix", tmp_path / "work/app"
    write(prefix / "etc/npmrc", "registry=https://global.test/\n@g:registry=https://g.test\n")
    write(home / ".npmrc", "; user\nregistry = https://user.test/npm\n@u:registry=https://u.test/")
    write(project / "package.json", "{}")
    write(project / ".npmrc", "# project\n@acme:registry=${ACME_URL}\n")
    nested = project / "src/lib"
    nested.mkdir(parents=True)
    environ = {"HOME": str(home), "PREFIX": str(prefix), "ACME_URL": "https://acme.test/r"}

    assert npm_registry(None, environ, cwd=nested) == "https://user.test/npm/"
    assert npm_registry("@acme", environ, cwd=nested) == "https://acme.test/r/"
    assert npm_registry("acme", environ, cwd=nested) == "https://acme.test/r/"
    assert npm_registry("@u", environ, cwd=nested) == "https://u.test/"
    assert npm_registry("@g", environ, cwd=nested) == "https://g.test/"
    assert npm_registry("@other", environ, cwd=nested) == "https://user.test/npm/"
    with_env = {**environ, "NPM_CONFIG_REGISTRY": "https://env.test"}
    assert npm_registry(None, with_env, cwd=nested) == "https://env.test/"
    assert npm_registry("@acme", with_env, cwd=nested) == "https://acme.test/r/"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert npm_registry("@acme", environ, cwd=outside) == "https://user.test/npm/"


def test_npm_userconfig_and_globalconfig(tmp_path: Path) -> None:
    user = write(tmp_path / "u.npmrc", "@s:registry=https://s.test/\n")
    global_ = write(tmp_path / "g.npmrc", "registry='https://quoted.test/'\n[section]\nx=1\n")
    environ = {"npm_config_userconfig": str(user), "npm_config_globalconfig": str(global_)}
    assert npm_registry("@s", environ, cwd=tmp_path) == "https://s.test/"
    assert npm_registry(None, environ, cwd=tmp_path) == "https://quoted.test/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A}", "a"),
        ("x${A}y${B}", "xayb"),
        ("${UNSET}", "${UNSET}"),
        ("${UNSET?}", ""),
        ("\\${A}", "${A}"),
        ("\\\\${A}", "\\a"),
        ("$A", "$A"),
    ],
)
def test_npm_env_expansion(text: str, expected: str) -> None:
    assert expand_npm_env(text, {"A": "a", "B": "b"}) == expected


# apt


def test_apt_sources(tmp_path: Path) -> None:
    write(
        tmp_path / "etc/apt/sources.list",
        "# main archive\n"
        "deb http://deb.debian.org/debian bookworm main contrib  # trailing comment\n"
        "deb-src [ arch=amd64,arm64 signed-by=/usr/share/keyrings/d.gpg ] "
        "http://deb.debian.org/debian bookworm main\n"
        "deb cdrom-broken\n",
    )
    write(
        tmp_path / "etc/apt/sources.list.d/b.sources",
        "Types: deb deb-src\n"
        "URIs: https://a.test/debian https://b.test/debian\n"
        "Suites: trixie trixie-updates\n"
        "Components: main\n"
        "Architectures: amd64\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        "\n"
        "# disabled\n"
        "Types: deb\n"
        "URIs: https://off.test/\n"
        "Suites: x\n"
        "Enabled: no\n"
        "\n"
        "Types: deb\n"
        "URIs: https://inline.test/\n"
        "Suites: ./\n"
        "Signed-By:\n"
        " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        " .\n"
        " abc\n"
        " -----END PGP PUBLIC KEY BLOCK-----\n",
    )
    write(tmp_path / "etc/apt/sources.list.d/a.list", "deb https://a.test/ stable main\n")
    write(tmp_path / "etc/apt/sources.list.d/c.list.disabled", "deb https://no.test/ x main\n")
    found = apt_sources(tmp_path)
    parts = tmp_path / "etc/apt/sources.list.d"
    assert found == [
        AptSource(
            ("deb",),
            ("http://deb.debian.org/debian",),
            ("bookworm",),
            ("main", "contrib"),
            file=tmp_path / "etc/apt/sources.list",
        ),
        AptSource(
            ("deb-src",),
            ("http://deb.debian.org/debian",),
            ("bookworm",),
            ("main",),
            ("amd64", "arm64"),
            "/usr/share/keyrings/d.gpg",
            tmp_path / "etc/apt/sources.list",
        ),
        AptSource(("deb",), ("https://a.test/",), ("stable",), ("main",), file=parts / "a.list"),
        AptSource(
            ("deb", "deb-src"),
            ("https://a.test/debian", "https://b.test/debian"),
            ("trixie", "trixie-updates"),
            ("main",),
            ("amd64",),
            "/usr/share/keyrings/debian-archive-keyring.gpg",
            parts / "b.sources",
        ),
        AptSource(
            ("deb",),
            ("https://inline.test/",),
            ("./",),
            (),
            signed_by="-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n"
            "-----END PGP PUBLIC KEY BLOCK-----",
            file=parts / "b.sources",
        ),
    ]


def test_apt_sources_missing_root(tmp_path: Path) -> None:
    assert apt_sources(tmp_path / "nothing") == []


@pytest.mark.skipif(shutil.which("apt-config") is None, reason="not a Debian-like system")
def test_apt_sources_on_this_machine() -> None:
    found = apt_sources()
    assert all(source.types and source.uris and source.suites for source in found)
