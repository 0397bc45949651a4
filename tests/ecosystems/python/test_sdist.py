"""Metadata of sdist-only releases: static PKG-INFO (PEP 643), static pyproject.toml
(PEP 621), PEP 517 builds by in-tree backends in an isolated environment (offline: they
require nothing), failures in words, the disk cache, offline mode, unsafe archives, and the
provider choosing an sdist-only release. Sdists are made here and served by a fake index on
127.0.0.1."""

from __future__ import annotations

import io
import json
import sys
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from polypac.calculus.model import Package
from polypac.ecosystems.python.index import (
    CoreMetadata,
    DistributionFile,
    IndexPageError,
    SimpleIndex,
)
from polypac.ecosystems.python.lock import Resolution, resolve_requirements
from polypac.ecosystems.python.provider import Environment, PypiProvider
from polypac.ecosystems.python.sdist import (
    SdistMetadataError,
    read_sdist_metadata,
    sdist_metadata,
    static_metadata_problem,
    static_pyproject_metadata,
)
from polypac.net import DigestMismatch, HttpClient, NotCached
from polypac.solve import Unavailable
from polypac.version.pypi import SCHEME
from tests.ecosystems.python._fake_index import (
    json_page,
    json_reply,
    metadata_text,
    sha256,
    wheel_bytes,
)
from tests.net._server import FakeServer, Reply, serve

PY312 = Environment.target("3.12", "linux")

# --- making sdists ---------------------------------------------------------------------

IN_TREE = """\
[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]
"""

# Every backend appends a line to the file COUNT names when one of its hooks runs, so a
# test can tell whether (and how often) a build happened.
PREPARE_BACKEND = """\
import os, sys

def _count(hook):
    with open({count!r}, "a") as log:
        log.write(hook + "\\n")

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _count("prepare_metadata_for_build_wheel")
    folder = os.path.join(metadata_directory, "{name}-{version}.dist-info")
    os.makedirs(folder)
    # dependencies computed when the backend runs: what PEP 643 calls dynamic
    computed = ["dep==%d.%d" % sys.version_info[:2], "extra-dep; extra == 'more'"]
    lines = ["Metadata-Version: 2.1", "Name: {name}", "Version: {version}",
             "Provides-Extra: more"] + ["Requires-Dist: " + r for r in computed]
    with open(os.path.join(folder, "METADATA"), "w") as stream:
        stream.write("\\n".join(lines) + "\\n\\n")
    return "{name}-{version}.dist-info"

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("build_wheel should not be called when metadata can be prepared")
"""

WHEEL_ONLY_BACKEND = """\
import os, sys, zipfile

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    with open({count!r}, "a") as log:
        log.write("build_wheel\\n")
    name = "{name}-{version}-py3-none-any.whl"
    text = ("Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n"
            "Requires-Dist: from-wheel>=%d\\n\\n" % sys.version_info[0])
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        wheel.writestr("{name}-{version}.dist-info/METADATA", text)
        wheel.writestr("{name}-{version}.dist-info/WHEEL", "Wheel-Version: 1.0\\n")
    return name
"""

FAILING_BACKEND = """\
import sys

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    with open({count!r}, "a") as log:
        log.write("prepare_metadata_for_build_wheel\\n")
    for number in range(1, 41):
        print("backend line", number)
    sys.stdout.flush()
    raise RuntimeError("the backend broke on purpose")
"""

HUNG_BACKEND = """\
import os, time

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    with open({count!r}, "w") as log:
        log.write(str(os.getpid()))
    time.sleep(600)
"""


def pkg_info(
    name: str,
    version: str,
    *requires: str,
    metadata_version: str = "2.2",
    dynamic: tuple[str, ...] = (),
) -> str:
    """A PKG-INFO file."""
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    lines += [f"Dynamic: {field}" for field in dynamic]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return "\n".join(lines) + "\n\n"


def tar_gz(members: dict[str, str | bytes], *, links: dict[str, str] | None = None) -> bytes:
    """A .tar.gz of ``members`` (path -> content) and symbolic ``links`` (path -> target)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, content in members.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
        for path, target in (links or {}).items():
            info = tarfile.TarInfo(path)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def zip_bytes(members: dict[str, str]) -> bytes:
    """A .zip of ``members`` (path -> text)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in members.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def sdist(
    name: str,
    version: str,
    *,
    info: str | None,
    backend: str | None = None,
    count: Path | None = None,
    kind: str = "tar.gz",
    project: str | None = None,
) -> bytes:
    """An sdist of ``name`` ``version``: a ``PKG-INFO`` (unless ``None``); with ``backend``
    (a template of the module ``backend.py``), an in-tree PEP 517 backend; with
    ``project``, that text (a ``[project]`` table) in the ``pyproject.toml``."""
    top = f"{name}-{version}"
    members: dict[str, str | bytes] = {}
    if info is not None:
        members[f"{top}/PKG-INFO"] = info
    if backend is not None or project is not None:
        members[f"{top}/pyproject.toml"] = (IN_TREE if backend is not None else "") + (
            project or ""
        )
    if backend is not None:
        code = backend.format(count=str(count), name=name, version=version)
        members[f"{top}/backend.py"] = code
    if kind == "zip":
        return zip_bytes({k: v if isinstance(v, str) else v.decode() for k, v in members.items()})
    return tar_gz(members)


def dist_file(
    base_url: str, filename: str, content: bytes, *, digest: str | None = None
) -> DistributionFile:
    """The index's entry for an sdist served at ``<base_url>/files/<filename>``."""
    stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
    name, _, version = stem.rpartition("-")
    return DistributionFile(
        filename=filename,
        url=f"{base_url}/files/{filename}",
        project=canonicalize_name(name),
        version=Version(version),
        is_wheel=False,
        index_url=f"{base_url}/simple",
        hashes=(("sha256", digest if digest is not None else sha256(content)),),
    )


def hooks_run(count: Path) -> list[str]:
    """The hooks the backend ran, in order (none when it never ran)."""
    return count.read_text().split() if count.exists() else []


@pytest.fixture
def client(tmp_path: Path) -> Iterator[HttpClient]:
    with HttpClient(tmp_path / "cache", retries=0) as http:
        yield http


@pytest.fixture
def count(tmp_path: Path) -> Path:
    return tmp_path / "hooks.log"


def _served(fake: FakeServer, filename: str, content: bytes) -> DistributionFile:
    fake.scripts[f"/files/{filename}"] = [Reply(200, content)]
    return dist_file(fake.base_url, filename, content)


# --- PEP 643: static PKG-INFO, no build ------------------------------------------------

STATIC = [
    pytest.param("2.2", (), "tar.gz", id="2.2-nothing-dynamic"),
    pytest.param("2.4", ("Description", "License-Expression"), "tar.gz", id="2.4-other-dynamic"),
    pytest.param("2.3", ("Summary",), "zip", id="2.3-zip"),
]


@pytest.mark.parametrize(("metadata_version", "dynamic", "kind"), STATIC)
def test_static_pkg_info_is_the_metadata(
    client: HttpClient, count: Path, metadata_version: str, dynamic: tuple[str, ...], kind: str
) -> None:
    info = pkg_info("lib", "1.0", "a>=1", "b; extra == 'x'", metadata_version=metadata_version)
    info = info.replace("Version: 1.0\n", "Version: 1.0\nProvides-Extra: x\n", 1)
    info = info.replace("\n\n", "".join(f"\nDynamic: {d}" for d in dynamic) + "\n\n")
    content = sdist("lib", "1.0", info=info, backend=FAILING_BACKEND, count=count, kind=kind)
    with serve() as fake:
        file = _served(fake, f"lib-1.0.{kind}", content)
        found = SimpleIndex(client, [fake.url("/simple")]).metadata(file)
    assert (found.name, found.version) == ("lib", "1.0")
    assert found.requires_dist == ("a>=1", "b; extra == 'x'")
    assert found.provides_extra == ("x",)
    assert hooks_run(count) == []  # the backend, which would fail, never ran


PROBLEMS = [
    pytest.param(pkg_info("a", "1", metadata_version="2.2"), None, id="2.2"),
    pytest.param(pkg_info("a", "1", metadata_version="2.5", dynamic=("Keywords",)), None, id="2.5"),
    pytest.param(
        pkg_info("a", "1", metadata_version="2.1"),
        "its PKG-INFO is Metadata-Version 2.1, older than 2.2 (PEP 643), so its dependencies"
        " may be computed at build time",
        id="2.1",
    ),
    pytest.param(
        pkg_info("a", "1", metadata_version="2.3", dynamic=("requires-dist",)),
        "its PKG-INFO marks Requires-Dist as Dynamic (PEP 643)",
        id="dynamic-requires-dist",
    ),
    pytest.param(
        pkg_info("a", "1", dynamic=("Provides-Extra", "Requires-Python")),
        "its PKG-INFO marks Requires-Python and Provides-Extra as Dynamic (PEP 643)",
        id="dynamic-python-and-extras",
    ),
    pytest.param(
        "Name: a\nVersion: 1\n\n", "its PKG-INFO has no valid Metadata-Version", id="no-version"
    ),
    pytest.param(None, "it has no PKG-INFO", id="no-pkg-info"),
]


@pytest.mark.parametrize(("info", "problem"), PROBLEMS)
def test_static_metadata_problem(info: str | None, problem: str | None) -> None:
    assert static_metadata_problem(info.encode() if info is not None else None) == problem


# --- PEP 621: static [project] in pyproject.toml, no build -------------------------------

OLD_INFO = pkg_info("lib", "1.0", metadata_version="2.1")  # not static: PEP 643 cannot answer

STATIC_PROJECT = """
[project]
name = "Lib"
version = "1.0"
requires-python = ">=3.9"
dependencies = ["a>=1", "b; python_version < '3.11'"]
"""


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_static_pyproject_is_the_metadata(
    tmp_path: Path, count: Path, client: HttpClient, kind: str
) -> None:
    content = sdist(
        "lib", "1.0", info=OLD_INFO, backend=FAILING_BACKEND, count=count, kind=kind,
        project=STATIC_PROJECT,
    )  # fmt: skip
    with serve() as fake:
        file = _served(fake, f"lib-1.0.{kind}", content)
        found = SimpleIndex(client, [fake.url("/simple")]).metadata(file)
    assert found == CoreMetadata(
        name="Lib",
        version="1.0",
        requires_dist=("a>=1", 'b; python_version < "3.11"'),
        requires_python=">=3.9",
        provides_extra=(),
    )
    assert hooks_run(count) == []  # the backend, which would fail, never ran
    with HttpClient(tmp_path / "cache", offline=True) as offline:
        assert sdist_metadata(offline, file) == found  # kept in the disk cache


def test_static_pyproject_with_dynamic_version(count: Path) -> None:
    project = '[project]\nname = "lib"\ndynamic = ["version", "readme"]\ndependencies = ["a"]\n'
    content = sdist("lib", "1.0", info=None, backend=FAILING_BACKEND, count=count, project=project)
    file = dist_file("http://127.0.0.1:9", "lib-1.0.tar.gz", content)
    found = read_sdist_metadata(content, file, build=False)  # building switched off: no matter
    assert (found.version, found.requires_dist, found.requires_python) == ("1.0", ("a",), None)
    assert hooks_run(count) == []


EXTRAS_PROJECT = """
[project]
name = "lib"
version = "1.0"
dependencies = ["base"]

[project.optional-dependencies]
Fast_IO = ["uvloop>=0.19; sys_platform != 'win32'", "orjson"]
"win.compat" = ["pywin32; os_name == 'nt' or sys_platform == 'cygwin'"]
"""

# each requirement of an extra: the string, then (extras asked, environment) -> applies?
EXTRA_CASES = [
    pytest.param(
        'uvloop>=0.19; sys_platform != "win32" and extra == "fast-io"',
        {("fast-io", "linux"): True, ("fast-io", "win32"): False, ("", "linux"): False},
        id="uvloop",
    ),
    pytest.param(
        'orjson; extra == "fast-io"',
        {("fast-io", "linux"): True, ("win-compat", "linux"): False, ("", "linux"): False},
        id="orjson",
    ),
    pytest.param(
        'pywin32; (os_name == "nt" or sys_platform == "cygwin") and extra == "win-compat"',
        # without the parentheses, `or` would let cygwin in without the extra
        {("win-compat", "cygwin"): True, ("", "cygwin"): False, ("fast-io", "cygwin"): False},
        id="pywin32-or-marker",
    ),
]


@pytest.mark.parametrize(("requirement", "applies"), EXTRA_CASES)
def test_extras_carry_their_marker(
    count: Path, requirement: str, applies: dict[tuple[str, str], bool]
) -> None:
    content = sdist("lib", "1.0", info=OLD_INFO, project=EXTRAS_PROJECT)
    file = dist_file("http://127.0.0.1:9", "lib-1.0.tar.gz", content)
    found = read_sdist_metadata(content, file, build=False)
    assert found.provides_extra == ("fast-io", "win-compat")  # PEP 685 names
    assert found.requires_dist[0] == "base"
    assert requirement in found.requires_dist
    marker = Requirement(requirement).marker
    assert marker is not None
    for (extra, platform), expected in applies.items():
        environment = {"extra": extra, "sys_platform": platform, "os_name": "posix"}
        assert marker.evaluate(environment) is expected, (extra, platform)


def test_pkg_info_static_still_wins(count: Path) -> None:
    info = pkg_info("lib", "1.0", "from-pkg-info", metadata_version="2.2")
    project = '[project]\nname = "lib"\nversion = "1.0"\ndependencies = ["from-pyproject"]\n'
    content = sdist("lib", "1.0", info=info, project=project)
    file = dist_file("http://127.0.0.1:9", "lib-1.0.tar.gz", content)
    assert read_sdist_metadata(content, file, build=False).requires_dist == ("from-pkg-info",)


def test_dynamic_dependencies_are_built(client: HttpClient, count: Path) -> None:
    project = '[project]\nname = "lib"\nversion = "1.0"\ndynamic = ["dependencies"]\n'
    content = sdist(
        "lib", "1.0", info=OLD_INFO, backend=PREPARE_BACKEND, count=count, project=project
    )
    with serve() as fake:
        found = sdist_metadata(client, _served(fake, "lib-1.0.tar.gz", content))
    major, minor = sys.version_info[:2]
    assert found.requires_dist == (f"dep=={major}.{minor}", "extra-dep; extra == 'more'")
    assert hooks_run(count) == ["prepare_metadata_for_build_wheel"]


def _toml_says(text: str) -> str:
    """What tomllib says of ``text`` (its words belong to the Python running the tests)."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return str(error)
    raise AssertionError(f"{text!r} is valid TOML")


def _packaging_says(text: str) -> str:
    """The first line of what packaging says of the requirement ``text`` (its words belong
    to the packaging installed)."""
    try:
        Requirement(text)
    except InvalidRequirement as error:
        return str(error).splitlines()[0]
    raise AssertionError(f"{text!r} is a valid requirement")


NEEDS_A_BUILD = [
    pytest.param(
        '[project]\nname = "other"\nversion = "1.0"\n',
        "its pyproject.toml names other, not lib",
        id="name-mismatch",
    ),
    pytest.param(
        '[project\nname = "lib"\n',
        "its pyproject.toml is not valid TOML: " + _toml_says('[project\nname = "lib"\n'),
        id="bad-toml",
    ),
    pytest.param(
        '[project]\nname = "lib"\nversion = "1.0"\ndependencies = ["a >= "]\n',
        "its pyproject.toml's project.dependencies holds an invalid requirement 'a >= ': "
        + _packaging_says("a >= "),
        id="invalid-pep508",
    ),
    pytest.param(
        '[project]\nname = "lib"\nversion = "1.0"\ndynamic = ["optional-dependencies",'
        ' "requires-python"]\n',
        "its pyproject.toml lists optional-dependencies and requires-python in project.dynamic",
        id="dynamic-extras",
    ),
]


@pytest.mark.parametrize(("project", "problem"), NEEDS_A_BUILD)
def test_pyproject_that_cannot_answer_needs_a_build(
    count: Path, project: str, problem: str
) -> None:
    content = sdist("lib", "1.0", info=OLD_INFO, project=project)
    file = dist_file("http://127.0.0.1:9", "lib-1.0.tar.gz", content)
    with pytest.raises(SdistMetadataError) as caught:
        read_sdist_metadata(content, file, build=False)
    assert caught.value.problem == (
        "lib-1.0.tar.gz needs a build to give its metadata: its PKG-INFO is Metadata-Version"
        " 2.1, older than 2.2 (PEP 643), so its dependencies may be computed at build time,"
        f" and {problem}; building sdists is switched off (--no-build)"
    )


def _project(body: str) -> bytes:
    return f'[project]\nname = "lib"\nversion = "1.0"\n{body}'.encode()


NOT_STATIC = [
    pytest.param(None, "it has no pyproject.toml", id="absent"),
    pytest.param(b"\xff", "its pyproject.toml is not UTF-8 text", id="not-utf8"),
    pytest.param(b"[build-system]\n", "its pyproject.toml has no [project] table", id="no-table"),
    pytest.param(b"project = 1\n", "its pyproject.toml has no [project] table", id="not-a-table"),
    pytest.param(b"[project]\n", "its pyproject.toml has no project.name", id="no-name"),
    pytest.param(
        b'[project]\nname = "a b"\nversion = "1"\n',
        "its pyproject.toml's project.name 'a b' is not valid",
        id="invalid-name",
    ),
    pytest.param(
        _project('dynamic = "dependencies"\n'),
        "its pyproject.toml's project.dynamic is not a list of strings",
        id="dynamic-not-a-list",
    ),
    pytest.param(
        _project('dynamic = ["name"]\n'),
        "its pyproject.toml lists name in project.dynamic, which is not allowed",
        id="dynamic-name",
    ),
    pytest.param(
        _project('dynamic = ["dependencies"]\n'),
        "its pyproject.toml lists dependencies in project.dynamic",
        id="dynamic-dependencies",
    ),
    pytest.param(
        b'[project]\nname = "lib"\n',
        "its pyproject.toml has no project.version and does not list it in project.dynamic",
        id="no-version",
    ),
    pytest.param(
        _project('dynamic = ["version"]\n'),
        "its pyproject.toml both sets project.version and lists it in project.dynamic",
        id="version-static-and-dynamic",
    ),
    pytest.param(
        b'[project]\nname = "lib"\nversion = "one"\n',
        "its pyproject.toml's project.version 'one' is not a valid version",
        id="invalid-version",
    ),
    pytest.param(
        b'[project]\nname = "lib"\nversion = 1\n',
        "its pyproject.toml's project.version 1 is not a valid version",
        id="version-not-a-string",
    ),
    pytest.param(
        b'[project]\nname = "lib"\nversion = "1.1"\n',
        "its pyproject.toml gives version 1.1, not 1.0",
        id="version-mismatch",
    ),
    pytest.param(
        _project('dependencies = "a"\n'),
        "its pyproject.toml's project.dependencies is not a list of strings",
        id="dependencies-not-a-list",
    ),
    pytest.param(
        _project("dependencies = [1]\n"),
        "its pyproject.toml's project.dependencies is not a list of strings",
        id="dependency-not-a-string",
    ),
    pytest.param(
        _project('optional-dependencies = ["a"]\n'),
        "its pyproject.toml's project.optional-dependencies is not a table",
        id="extras-not-a-table",
    ),
    pytest.param(
        _project('optional-dependencies = {x = "a"}\n'),
        "its pyproject.toml's project.optional-dependencies.x is not a list of strings",
        id="extra-not-a-list",
    ),
    pytest.param(
        _project('optional-dependencies = {"-x" = ["a"]}\n'),
        "its pyproject.toml's project.optional-dependencies has an invalid extra name '-x'",
        id="invalid-extra-name",
    ),
    pytest.param(
        _project('optional-dependencies = {A_b = ["a"], "a.B" = ["b"]}\n'),
        "its pyproject.toml's project.optional-dependencies names the extra a-b twice (PEP 685)",
        id="extra-twice",
    ),
    pytest.param(
        _project('optional-dependencies = {x = ["a;"]}\n'),
        "its pyproject.toml's project.optional-dependencies.x holds an invalid requirement"
        " 'a;': " + _packaging_says("a;"),
        id="invalid-extra-requirement",
    ),
    pytest.param(
        _project('requires-python = ">=3.x"\n'),
        "its pyproject.toml's project.requires-python '>=3.x' is not a version specifier",
        id="invalid-requires-python",
    ),
    pytest.param(
        _project('requires-python = [">=3.9"]\n'),
        "its pyproject.toml's project.requires-python ['>=3.9'] is not a version specifier",
        id="requires-python-not-a-string",
    ),
    pytest.param(
        _project('dependencies = ["a @ https://example.org/a\\nb"]\n'),
        "its pyproject.toml has a line break inside a metadata field",
        id="line-break",
    ),
    pytest.param(
        _project('[tool.poetry.dependencies]\npython = "^3.9"\n'),
        "its pyproject.toml has a [tool.poetry] table and no project.dependencies (Poetry"
        " before 2.0 reads the dependencies from [tool.poetry])",
        id="poetry-without-dependencies",
    ),
]


@pytest.mark.parametrize(("pyproject", "problem"), NOT_STATIC)
def test_static_pyproject_problem(pyproject: bytes | None, problem: str) -> None:
    assert static_pyproject_metadata(pyproject, "lib", Version("1.0")) == problem


def test_offline_static_pyproject_from_the_http_cache(tmp_path: Path) -> None:
    project = '[project]\nname = "lib"\nversion = "1.0"\ndependencies = ["a"]\n'
    content = sdist("lib", "1.0", info=None, project=project)
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        with HttpClient(tmp_path / "cache", retries=0) as online:
            online.get(file.url)  # the sdist is in the HTTP cache, its metadata is not
    with HttpClient(tmp_path / "cache", offline=True) as offline:
        assert sdist_metadata(offline, file).requires_dist == ("a",)


@settings(max_examples=200)
@given(
    base=st.sampled_from([STATIC_PROJECT, EXTRAS_PROJECT]),
    position=st.integers(0, 10_000),
    inserted=st.text(max_size=3),
    cut=st.integers(0, 3),
)
def test_any_pyproject_gives_metadata_or_a_reason(
    base: str, position: int, inserted: str, cut: int
) -> None:
    at = position % (len(base) + 1)
    text = base[:at] + inserted + base[at + cut :]
    found = static_pyproject_metadata(text.encode("utf-8", "surrogatepass"), "lib", Version("1"))
    if isinstance(found, str):
        assert found.startswith("its pyproject.toml")
    else:
        assert canonicalize_name(found.name) == "lib"


# random [project] tables: the metadata's requirements are the table's

_ATOMS = [
    'python_version < "3.10"',
    "python_version >= '3.12'",
    'sys_platform == "win32"',
    "os_name != 'nt'",
    'platform_machine == "x86_64"',
    'implementation_name == "cpython"',
]
_ENVIRONMENTS = [
    {"python_version": p, "sys_platform": s, "os_name": o, "platform_machine": m}
    for p, s, o, m in [
        ("3.9", "linux", "posix", "x86_64"),
        ("3.12", "win32", "nt", "AMD64"),
        ("3.11", "darwin", "posix", "arm64"),
    ]
]
_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,4}([._-][A-Za-z0-9]{1,3})?", fullmatch=True)


@st.composite
def _markers(draw: st.DrawFn) -> str:
    atoms = draw(st.lists(st.sampled_from(_ATOMS), min_size=1, max_size=3))
    text = atoms[0]
    for atom in atoms[1:]:
        joined = f"{text} {draw(st.sampled_from(['and', 'or']))} {atom}"
        text = f"({joined})" if draw(st.booleans()) else joined
    return text


@st.composite
def _requirement_texts(draw: st.DrawFn) -> str:
    text = draw(_NAMES)
    extras = draw(st.lists(_NAMES, max_size=2))
    if extras:
        text += f"[{','.join(extras)}]"
    if draw(st.booleans()):
        text += " @ https://example.org/dist/pkg-1.0.tar.gz"
    else:
        text += draw(st.sampled_from(["", ">=1", " == 2.0.*", "<3,>=1.2", "~=1.4", "!=1.5"]))
    if draw(st.booleans()):
        text += f" ; {draw(_markers())}"
    return text


_EXTRA_NAMES = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,5}[A-Za-z0-9])?", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(
    dependencies=st.lists(_requirement_texts(), max_size=4),
    extras=st.dictionaries(
        _EXTRA_NAMES, st.lists(_requirement_texts(), max_size=3), max_size=3
    ).filter(lambda table: len({canonicalize_name(k) for k in table}) == len(table)),
    python=st.sampled_from([None, ">=3.9", ">=3.8, <4", "~=3.10"]),
)
def test_random_project_tables(
    dependencies: list[str], extras: dict[str, list[str]], python: str | None
) -> None:
    lines = ["[project]", 'name = "lib"', 'version = "1.0"']
    lines.append(f"dependencies = {json.dumps(dependencies)}")
    if python is not None:
        lines.append(f"requires-python = {json.dumps(python)}")
    lines.append("[project.optional-dependencies]")
    lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in extras.items()]
    content = sdist("lib", "1.0", info=None, project="\n".join(lines) + "\n")
    file = dist_file("http://127.0.0.1:9", "lib-1.0.tar.gz", content)
    found = read_sdist_metadata(content, file, build=False)  # through the METADATA file
    assert found.requires_python == python
    names: list[str] = [canonicalize_name(key) for key in extras]
    assert found.provides_extra == tuple(names)
    expected: list[tuple[str | None, str]] = [(None, text) for text in dependencies]
    expected += [(n, t) for n, texts in zip(names, extras.values(), strict=True) for t in texts]
    assert len(found.requires_dist) == len(expected)
    for (extra, text), made in zip(expected, found.requires_dist, strict=True):
        _same_requirement(Requirement(text), Requirement(made), extra, names)


def _same_requirement(
    given: Requirement, made: Requirement, extra: str | None, extras: list[str]
) -> None:
    """``made`` is ``given``, applying only with ``extra`` when there is one."""
    assert (made.name, made.extras, made.specifier, made.url) == (
        given.name,
        given.extras,
        given.specifier,
        given.url,
    )
    if extra is None:
        assert made.marker == given.marker
        return
    assert made.marker is not None
    for environment in _ENVIRONMENTS:
        own = given.marker is None or given.marker.evaluate(dict(environment))
        for asked in ["", *extras]:
            expected = own and asked == extra
            assert made.marker.evaluate({**environment, "extra": asked}) is expected


# --- PEP 517 builds ----------------------------------------------------------------------


def test_prepare_metadata_in_isolated_env(client: HttpClient, count: Path) -> None:
    info = pkg_info("lib", "1.0", metadata_version="2.1")  # older than PEP 643: a build
    content = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        found = SimpleIndex(client, [fake.url("/simple")]).metadata(file)
    major, minor = sys.version_info[:2]  # the build environment's Python is this one
    assert found.requires_dist == (f"dep=={major}.{minor}", "extra-dep; extra == 'more'")
    assert found.provides_extra == ("more",)
    assert hooks_run(count) == ["prepare_metadata_for_build_wheel"]


def test_dynamic_requires_dist_is_built(client: HttpClient, count: Path) -> None:
    info = pkg_info("lib", "1.0", "stale>=0", metadata_version="2.4", dynamic=("Requires-Dist",))
    content = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake:
        found = sdist_metadata(client, _served(fake, "lib-1.0.tar.gz", content))
    assert "stale>=0" not in found.requires_dist
    assert hooks_run(count) == ["prepare_metadata_for_build_wheel"]


def test_backend_without_prepare_hook_builds_the_wheel(client: HttpClient, count: Path) -> None:
    content = sdist("lib", "2.0", info=None, backend=WHEEL_ONLY_BACKEND, count=count, kind="zip")
    with serve() as fake:
        found = sdist_metadata(client, _served(fake, "lib-2.0.zip", content))
    assert (found.name, found.version) == ("lib", "2.0")
    assert found.requires_dist == (f"from-wheel>={sys.version_info[0]}",)
    assert hooks_run(count) == ["build_wheel"]


def test_failing_backend_reports_its_output_tail(client: HttpClient, count: Path) -> None:
    content = sdist("lib", "1.0", info=None, backend=FAILING_BACKEND, count=count)
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        with pytest.raises(SdistMetadataError) as caught:
            SimpleIndex(client, [fake.url("/simple")]).metadata(file)
    error = caught.value
    assert isinstance(error, IndexPageError)  # callers that catch the old error still do
    assert (error.project, error.version, error.filename) == ("lib", "1.0", "lib-1.0.tar.gz")
    assert error.problem == (
        "building the metadata of lib-1.0.tar.gz failed (exit status 1):"
        " RuntimeError: the backend broke on purpose"
    )
    assert "the backend broke on purpose" in error.output
    lines = error.output.splitlines()
    assert len(lines) == 20
    assert "backend line 40" in error.output
    assert "backend line 1\n" not in error.output + "\n"  # only the tail is kept
    text = str(error)
    assert text.startswith(f"lib 1.0: {error.problem}\n  sdist: {file.url}\n")
    assert "  the build's last 20 lines of output:\n    | " in text


def test_missing_build_requirement(
    client: HttpClient, count: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # pip, run by the build, finds nothing offline
    needs = IN_TREE.replace("requires = []", 'requires = ["polypac-no-such-project"]')
    content = tar_gz(
        {
            "lib-1.0/pyproject.toml": needs,
            "lib-1.0/backend.py": PREPARE_BACKEND.format(
                count=str(count), name="lib", version="1.0"
            ),
        }
    )
    with serve() as fake, pytest.raises(SdistMetadataError) as caught:
        sdist_metadata(client, _served(fake, "lib-1.0.tar.gz", content))
    assert caught.value.problem == (
        "building the metadata of lib-1.0.tar.gz failed (exit status 1):"
        " No matching distribution found for polypac-no-such-project"
    )
    last = caught.value.output.splitlines()[-1]
    assert last.startswith("error: installing the build requirements with pip failed: ")
    assert hooks_run(count) == []


def test_hung_backend_is_stopped(client: HttpClient, count: Path) -> None:
    content = sdist("lib", "1.0", info=None, backend=HUNG_BACKEND, count=count)
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        index = SimpleIndex(client, [fake.url("/simple")], build_timeout=3)
        with pytest.raises(SdistMetadataError) as caught:
            index.metadata(file)
    assert caught.value.problem == (
        "building the metadata of lib-1.0.tar.gz did not finish within 3 seconds, and was stopped"
    )
    pid = int(count.read_text())  # the hook had started, and was killed with its tree
    assert _gone(pid)


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie waiting for its reaper counts)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_metadata_that_names_another_release(client: HttpClient, count: Path) -> None:
    info = pkg_info("other", "9.9", metadata_version="2.2")
    content = sdist("lib", "1.0", info=info)
    with serve() as fake, pytest.raises(SdistMetadataError) as caught:
        sdist_metadata(client, _served(fake, "lib-1.0.tar.gz", content))
    assert caught.value.problem == ("the PKG-INFO of lib-1.0.tar.gz names other 9.9, not lib 1.0")


# --- building switched off -----------------------------------------------------------------


def test_build_switched_off(client: HttpClient, count: Path) -> None:
    info = pkg_info("lib", "1.0", metadata_version="2.1")
    content = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        index = SimpleIndex(client, [fake.url("/simple")], build_sdists=False)
        with pytest.raises(SdistMetadataError) as caught:
            index.metadata(file)
        with pytest.raises(SdistMetadataError):
            index.metadata(file)  # the failure is kept, not met again
        downloads = fake.count("/files/lib-1.0.tar.gz")
    assert caught.value.problem == (
        "lib-1.0.tar.gz needs a build to give its metadata: its PKG-INFO is Metadata-Version"
        " 2.1, older than 2.2 (PEP 643), so its dependencies may be computed at build time,"
        " and its pyproject.toml has no [project] table; building sdists is switched off"
        " (--no-build)"
    )
    assert downloads == 1
    assert hooks_run(count) == []


# --- hashes and unsafe archives ------------------------------------------------------------


def test_digest_mismatch_propagates(client: HttpClient, count: Path) -> None:
    content = sdist("lib", "1.0", info=pkg_info("lib", "1.0"))
    with serve() as fake:
        fake.scripts["/files/lib-1.0.tar.gz"] = [Reply(200, content)]
        file = dist_file(fake.base_url, "lib-1.0.tar.gz", content, digest=sha256(b"other"))
        index = SimpleIndex(client, [fake.url("/simple")])
        with pytest.raises(DigestMismatch) as caught:
            index.metadata(file)
        downloads = fake.count("/files/lib-1.0.tar.gz")
    assert downloads == 1  # never retried
    assert caught.value.problem == (
        f"the sdist of lib-1.0.tar.gz (lib 1.0) does not match its published hash:"
        f" expected sha256={sha256(b'other')}, got sha256={sha256(content)}"
    )


TOP = "lib-1.0"
UNSAFE = [
    pytest.param(
        "tar.gz",
        tar_gz({f"{TOP}/PKG-INFO": pkg_info("lib", "1.0"), "../evil.txt": "x"}),
        id="tar-parent",
    ),
    pytest.param(
        "tar.gz",
        tar_gz({f"{TOP}/PKG-INFO": pkg_info("lib", "1.0"), "/tmp/evil.txt": "x"}),
        id="tar-absolute",
    ),
    pytest.param(
        "tar.gz",
        tar_gz({f"{TOP}/PKG-INFO": pkg_info("lib", "1.0")}, links={f"{TOP}/up": "../../.."}),
        id="tar-link-outside",
    ),
    pytest.param(
        "tar.gz",
        tar_gz({f"{TOP}/PKG-INFO": pkg_info("lib", "1.0")}, links={f"{TOP}/abs": "/etc/passwd"}),
        id="tar-absolute-link",
    ),
    pytest.param(
        "zip",
        zip_bytes({f"{TOP}/PKG-INFO": pkg_info("lib", "1.0"), f"{TOP}/../../evil.txt": "x"}),
        id="zip-parent",
    ),
    pytest.param(
        "zip",
        zip_bytes({f"{TOP}/PKG-INFO": pkg_info("lib", "1.0"), "/evil.txt": "x"}),
        id="zip-absolute",
    ),
]


@pytest.mark.parametrize(("kind", "content"), UNSAFE)
def test_unsafe_archive_is_refused(client: HttpClient, kind: str, content: bytes) -> None:
    with serve() as fake, pytest.raises(SdistMetadataError) as caught:
        sdist_metadata(client, _served(fake, f"lib-1.0.{kind}", content))
    assert caught.value.problem.startswith(f"lib-1.0.{kind} is not safe to unpack: ")


def test_unreadable_archive(client: HttpClient) -> None:
    with serve() as fake, pytest.raises(SdistMetadataError) as caught:
        sdist_metadata(client, _served(fake, "lib-1.0.tar.gz", b"not a tarball"))
    assert caught.value.problem.startswith("lib-1.0.tar.gz is not a readable tar.gz archive: ")


# --- the disk cache and offline mode -----------------------------------------------------


def test_second_resolution_uses_the_disk_cache(tmp_path: Path, count: Path) -> None:
    info = pkg_info("lib", "1.0", metadata_version="2.1")
    content = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        answers = []
        for _ in range(2):  # two resolutions: new clients, new indexes, one cache folder
            with HttpClient(tmp_path / "cache", retries=0) as http:
                answers.append(SimpleIndex(http, [fake.url("/simple")]).metadata(file))
        downloads = fake.count("/files/lib-1.0.tar.gz")
    assert answers[0] == answers[1]
    assert hooks_run(count) == ["prepare_metadata_for_build_wheel"]  # built once
    assert downloads == 1  # the published sha256 finds the result before any download
    with HttpClient(tmp_path / "cache", offline=True) as offline:
        assert sdist_metadata(offline, file) == answers[0]  # offline, no server at all


def test_damaged_cache_entry_is_rebuilt(tmp_path: Path, count: Path) -> None:
    info = pkg_info("lib", "1.0", metadata_version="2.1")
    content = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake, HttpClient(tmp_path / "cache", retries=0) as http:
        file = _served(fake, "lib-1.0.tar.gz", content)
        first = sdist_metadata(http, file)
        (entry,) = (tmp_path / "cache" / "sdist-metadata").rglob(sha256(content))
        entry.write_bytes(entry.read_bytes()[:-5])  # cut short
        again = sdist_metadata(http, file)
        header = json.loads(entry.read_bytes().partition(b"\n")[0])
    assert first == again
    assert hooks_run(count) == ["prepare_metadata_for_build_wheel"] * 2
    assert header["sdist-sha256"] == sha256(content)


def test_offline_without_cache(tmp_path: Path, count: Path) -> None:
    info = pkg_info("lib", "1.0", metadata_version="2.1")
    content = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        # the sdist itself was never fetched
        with HttpClient(tmp_path / "cache", offline=True) as offline, pytest.raises(NotCached):
            sdist_metadata(offline, file)
        with HttpClient(tmp_path / "cache", retries=0) as online:
            online.get(file.url)  # the sdist is in the HTTP cache, its metadata is not
        offline = HttpClient(tmp_path / "cache", offline=True)
        with offline, pytest.raises(NotCached) as caught:
            sdist_metadata(offline, file)
    assert caught.value.problem == (
        "lib-1.0.tar.gz needs a build to give its metadata (its PKG-INFO is Metadata-Version"
        " 2.1, older than 2.2 (PEP 643), so its dependencies may be computed at build time,"
        " and its pyproject.toml has no [project] table); a build installs its build"
        " requirements from the network, and polypac is offline"
    )
    assert hooks_run(count) == []


def test_offline_static_sdist_from_the_http_cache(tmp_path: Path) -> None:
    content = sdist("lib", "1.0", info=pkg_info("lib", "1.0", "a"))
    with serve() as fake:
        file = _served(fake, "lib-1.0.tar.gz", content)
        with HttpClient(tmp_path / "cache", retries=0) as online:
            online.get(file.url)
    with HttpClient(tmp_path / "cache", offline=True) as offline:
        assert sdist_metadata(offline, file).requires_dist == ("a",)


# --- the provider --------------------------------------------------------------------------


def _page_entry(filename: str, content: bytes) -> dict[str, Any]:
    return {
        "filename": filename,
        "url": f"/files/{filename}",
        "hashes": {"sha256": sha256(content)},
        "upload-time": "2024-01-01T00:00:00Z",
    }


# the Python running the tests (and the build): lib's built metadata pins dep to it
BUILT_DEP = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _sdist_only_index(fake: FakeServer, lib: bytes) -> str:
    """app 1.0 (a wheel) needs lib; lib 1.0 is only an sdist; dep has wheels of 1.0, of
    BUILT_DEP and of 99.0 (so that only lib's built metadata can choose BUILT_DEP)."""
    files = {
        "app-1.0-py3-none-any.whl": wheel_bytes("app", "1.0", metadata_text("app", "1.0", "lib")),
        "lib-1.0.tar.gz": lib,
    }
    pages = {"app": ["app-1.0-py3-none-any.whl"], "lib": ["lib-1.0.tar.gz"], "dep": []}
    for version in ("1.0", BUILT_DEP, "99.0"):
        name = f"dep-{version}-py3-none-any.whl"
        files[name] = wheel_bytes("dep", version, metadata_text("dep", version))
        pages["dep"].append(name)
    for project, names in pages.items():
        entries = [_page_entry(n, files[n]) for n in names]
        fake.scripts[f"/simple/{project}/"] = [json_reply(json_page(*entries))]
    for filename, content in files.items():
        fake.scripts[f"/files/{filename}"] = [Reply(200, content)]
    return fake.url("/simple")


def test_resolution_picks_the_sdist_only_release(client: HttpClient, count: Path) -> None:
    info = pkg_info("lib", "1.0", metadata_version="2.1")
    lib = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake:
        url = _sdist_only_index(fake, lib)
        answer = resolve_requirements(["app"], environment=PY312, client=client, index_urls=[url])
    assert isinstance(answer, Resolution)
    assert answer.pins() == {"app": "1.0", "lib": "1.0", "dep": BUILT_DEP}
    assert hooks_run(count) == ["prepare_metadata_for_build_wheel"]


def test_provider_unavailable_carries_the_problem(client: HttpClient, count: Path) -> None:
    info = pkg_info("lib", "1.0", metadata_version="2.1")
    lib = sdist("lib", "1.0", info=info, backend=PREPARE_BACKEND, count=count)
    with serve() as fake:
        url = _sdist_only_index(fake, lib)
        index = SimpleIndex(client, [url], build_sdists=False)
        provider = PypiProvider(index, PY312, ["lib"])
        answer = provider.get_dependencies(Package("lib", SCHEME.parse_version("1.0")))
    assert answer == Unavailable(
        "lib-1.0.tar.gz needs a build to give its metadata: its PKG-INFO is Metadata-Version"
        " 2.1, older than 2.2 (PEP 643), so its dependencies may be computed at build time,"
        " and its pyproject.toml has no [project] table; building sdists is switched off"
        " (--no-build)"
    )


# --- any bytes: only the typed error ------------------------------------------------------

_VALID = sdist("lib", "1.0", info=pkg_info("lib", "1.0", "a"))


def _damaged(data: st.DataObject) -> bytes:
    position = data.draw(st.integers(0, len(_VALID) - 1))
    byte = data.draw(st.integers(0, 255))
    return _VALID[:position] + bytes([byte]) + _VALID[position + 1 :]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["tar.gz", "zip"]),
    content=st.binary(max_size=2048),
    data=st.data(),
    how=st.sampled_from(["random", "damaged", "truncated"]),
)
def test_any_bytes_raise_only_the_typed_error(
    kind: str, content: bytes, data: st.DataObject, how: str
) -> None:
    if how == "damaged":
        content, kind = _damaged(data), "tar.gz"
    elif how == "truncated":
        content, kind = _VALID[: data.draw(st.integers(0, len(_VALID)))], "tar.gz"
    file = dist_file("http://127.0.0.1:9", f"lib-1.0.{kind}", content)
    outcome: CoreMetadata | SdistMetadataError
    try:
        outcome = read_sdist_metadata(content, file, build=False)
    except SdistMetadataError as error:  # anything else fails the test
        outcome = error
    if isinstance(outcome, SdistMetadataError):
        assert outcome.filename == file.filename
    else:
        assert (outcome.name, outcome.version) == ("lib", "1.0")


# --- the real thing ----------------------------------------------------------------------


REAL = [
    # setup.py and setuptools (installed by pip from PyPI), Metadata-Version 1.1
    pytest.param("docopt", "0.6.2", id="docopt-setuptools"),
    # an in-tree backend whose build_wheel downloads a prebuilt wheel from GitHub; its
    # static [project] table answers before any build (test_real_static_pyproject)
    pytest.param("dbt-core-experimental-parser", "2.0.8", id="dbt-parser-in-tree-backend"),
]


@pytest.mark.online
@pytest.mark.parametrize(("project", "version"), REAL)
def test_real_sdist_only_release(client: HttpClient, project: str, version: str) -> None:
    index = SimpleIndex(client, ["https://pypi.org/simple"])
    page = index.project(project)
    assert page is not None
    files = [f for f in page.files if str(f.version) == version]
    assert [f.is_wheel for f in files] == [False]  # only an sdist
    found = index.metadata(files[0])
    assert (canonicalize_name(found.name), found.version) == (files[0].project, version)
    if files[0].requires_python is not None:
        assert found.requires_python == files[0].requires_python
    # the second time comes from the disk cache, offline
    with HttpClient(client.cache.directory, offline=True) as offline:
        assert SimpleIndex(offline, ["https://pypi.org/simple"]).metadata(files[0]) == found


@pytest.mark.online
def test_real_static_pyproject(client: HttpClient) -> None:
    # PKG-INFO 2.1 (not static), [project] with requires-python and no dependencies, no
    # dynamic; its build would need github.com, so building is switched off
    index = SimpleIndex(client, ["https://pypi.org/simple"], build_sdists=False)
    page = index.project("dbt-core-experimental-parser")
    assert page is not None
    (file,) = [f for f in page.files if str(f.version) == "2.0.8"]
    found = index.metadata(file)
    assert (found.requires_dist, found.requires_python) == ((), ">=3.9")
    assert found.provides_extra == ()


def test_too_many_members_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from polypac.ecosystems.python import sdist as module

    monkeypatch.setattr(module, "_MAX_MEMBERS", 3)
    members: dict[str, str | bytes] = {f"lib-1.0/f{i}.txt": "x" for i in range(5)}
    content = tar_gz({"lib-1.0/PKG-INFO": pkg_info("lib", "1.0"), **members})
    with pytest.raises(SdistMetadataError) as caught:
        read_sdist_metadata(content, dist_file("https://i.test", "lib-1.0.tar.gz", content))
    assert caught.value.problem == "lib-1.0.tar.gz has more than the 3 members allowed"


def test_a_duplicated_member_is_read_as_extraction_keeps_it() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for text in (pkg_info("lib", "1.0", "first"), pkg_info("lib", "1.0", "second")):
            data = text.encode()
            info = tarfile.TarInfo("lib-1.0/PKG-INFO")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    content = buffer.getvalue()
    found = read_sdist_metadata(content, dist_file("https://i.test", "lib-1.0.tar.gz", content))
    assert found.requires_dist == ("second",)
