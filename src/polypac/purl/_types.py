"""The rules of each registered PURL type, as polypac data.

The purl-spec project keeps one JSON definition per registered type. Those files are not
shipped with polypac; the facts they state that change how a PURL is normalized or checked
are written down here instead, one :class:`TypeRules` per type:

- whether the namespace is required, optional or prohibited;
- which components are case-insensitive (their canonical form is lowercase) and, for cpan,
  uppercase;
- rewrites of the name (pypi ``_`` to ``-``, pub's ``[a-z0-9_]`` alphabet, hackage kebab-case,
  mlflow names lowercased on Databricks servers);
- character patterns of names and versions (chrome-extension), forbidden names (cpan ``::``,
  cocoapods), required qualifiers (julia ``uuid``, swid ``tag_id``) and qualifier value
  rewrites (a swid ``tag_id`` GUID is lowercase);
- the git type's layout, where the namespace is the host and the name the path on it;
- the default package repository, used by :mod:`polypac.purl.urls`.

A type that is not registered follows only the generic rules of ECMA-427.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

__all__ = ["GENERIC_RULES", "KNOWN_QUALIFIER_KEYS", "REGISTERED_TYPES", "TypeRules", "rules_for"]

Requirement = Literal["required", "optional", "prohibited"]

#: A check on one decoded component: the problem found, or None when it is fine.
Check = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class TypeRules:
    """How one PURL type normalizes and checks its components.

    Case flags name the canonical form: ``lower_name`` means the name is case-insensitive
    and written in lowercase. ``name_rewrite`` runs after the case rule and gets the
    qualifiers too (mlflow needs the server to know the case rule). ``host_namespace`` marks
    the git layout: the namespace is the first path segment, the name is every segment after
    it, joined with ``/``.
    """

    type: str
    namespace: Requirement = "optional"
    lower_namespace: bool = False
    upper_namespace: bool = False
    max_namespace_segments: int | None = None
    lower_name: bool = False
    name_rewrite: Callable[[str, Mapping[str, str]], str] | None = None
    name_check: Check | None = None
    lower_version: bool = False
    version_check: Check | None = None
    required_qualifiers: tuple[str, ...] = ()
    qualifier_rewrites: tuple[tuple[str, Callable[[str], str]], ...] = ()
    lower_subpath: bool = False
    host_namespace: bool = False
    default_repository: str | None = None

    #: True when the type adds nothing to the generic rules but its namespace requirement:
    #: the parser then skips the per-component steps (a fast path).
    plain: bool = field(init=False, repr=False, compare=False)
    #: True when the type has a rule beyond its namespace requirement and lowercasing.
    special: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        special = (
            self.upper_namespace
            or self.max_namespace_segments is not None
            or self.name_rewrite is not None
            or self.name_check is not None
            or self.version_check is not None
            or bool(self.required_qualifiers)
            or bool(self.qualifier_rewrites)
            or self.lower_subpath
            or self.host_namespace
        )
        lowercase = self.lower_namespace or self.lower_name or self.lower_version
        object.__setattr__(self, "special", special)
        object.__setattr__(self, "plain", not (special or lowercase))


GENERIC_RULES = TypeRules(type="")


# --- name rewrites and checks: one small function per rule stated in a type definition ---


def _pypi_name(name: str, _qualifiers: Mapping[str, str]) -> str:
    # "a PyPI package name shall be lowercased and underscore _ replaced with a dash -"
    return name.lower().replace("_", "-")


_PUB_OUTSIDE_ALPHABET = re.compile(r"[^a-z0-9_]")


def _pub_name(name: str, _qualifiers: Mapping[str, str]) -> str:
    # pub names are lowercase and use only [a-z0-9_]; anything else becomes "_"
    return _PUB_OUTSIDE_ALPHABET.sub("_", name.lower())


def _hackage_name(name: str, _qualifiers: Mapping[str, str]) -> str:
    # hackage names are kebab-case: words joined by "-"
    return name.replace("_", "-").replace(" ", "-")


_DATABRICKS_SUFFIXES = (".azuredatabricks.net", ".databricks.com")


def _mlflow_name(name: str, qualifiers: Mapping[str, str]) -> str:
    # The name's case rule is the server's: Databricks is case-insensitive (lowercase),
    # Azure ML and others are case-sensitive (kept as is).
    repository = qualifiers.get("repository_url", "").lower()
    host = repository.partition("://")[2].partition("/")[0].partition(":")[0]
    if host.endswith(_DATABRICKS_SUFFIXES):
        return name.lower()
    return name


_CHROME_EXTENSION_ID = re.compile(r"[a-p]{32}", re.ASCII)
_CHROME_EXTENSION_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){0,3}", re.ASCII)


def _chrome_extension_name(name: str) -> str | None:
    if _CHROME_EXTENSION_ID.fullmatch(name):
        return None
    return "a chrome-extension name is an extension id of 32 letters from 'a' to 'p'"


def _chrome_extension_version(version: str) -> str | None:
    if _CHROME_EXTENSION_VERSION.fullmatch(version):
        return None
    return "a chrome-extension version is 1 to 4 dot-separated numbers"


def _cpan_name(name: str) -> str | None:
    if "::" in name:
        return "a cpan name is a distribution name (with '-'), not a module name with '::'"
    return None


def _cocoapods_name(name: str) -> str | None:
    if name.startswith("."):
        return "a cocoapods name must not start with '.'"
    if "+" in name or any(char.isspace() for char in name):
        return "a cocoapods name must not contain '+' or whitespace"
    return None


_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I | re.A)


def _swid_tag_id(value: str) -> str:
    # "If a GUID is used, it shall be lowercase."
    return value.lower() if _GUID.fullmatch(value) else value


def _rules(*rules: TypeRules) -> Mapping[str, TypeRules]:
    return MappingProxyType({rule.type: rule for rule in rules})


#: Rules of the 42 registered types (purl-spec types/, 2026-08).
REGISTERED_TYPES: Mapping[str, TypeRules] = _rules(
    TypeRules("alpm", "required", lower_namespace=True, lower_name=True),
    TypeRules("apk", "required", lower_namespace=True, lower_name=True),
    TypeRules("bazel", "prohibited", default_repository="https://bcr.bazel.build"),
    TypeRules(
        "bitbucket",
        "required",
        lower_namespace=True,
        lower_name=True,
        default_repository="https://bitbucket.org",
    ),
    TypeRules(
        "bitnami",
        "prohibited",
        lower_name=True,
        default_repository="https://downloads.bitnami.com/files/stacksmith",
    ),
    TypeRules(
        "brew",
        "optional",
        lower_namespace=True,
        lower_name=True,
        default_repository="https://formulae.brew.sh",
    ),
    TypeRules("cargo", "prohibited", default_repository="https://crates.io"),
    TypeRules(
        "chrome-extension",
        "prohibited",
        lower_name=True,
        name_check=_chrome_extension_name,
        version_check=_chrome_extension_version,
        default_repository="https://chromewebstore.google.com",
    ),
    TypeRules(
        "cocoapods",
        "prohibited",
        name_check=_cocoapods_name,
        default_repository="https://cdn.cocoapods.org",
    ),
    TypeRules(
        "composer",
        "required",
        lower_namespace=True,
        lower_name=True,
        default_repository="https://packagist.org",
    ),
    TypeRules("conan", "optional", default_repository="https://center.conan.io"),
    TypeRules("conda", "prohibited", default_repository="https://repo.anaconda.com"),
    TypeRules(
        "cpan",
        "optional",
        upper_namespace=True,
        name_check=_cpan_name,
        default_repository="https://www.cpan.org",
    ),
    TypeRules("cran", "prohibited", default_repository="https://cran.r-project.org"),
    TypeRules("deb", "required", lower_namespace=True, lower_name=True),
    TypeRules("docker", "optional", default_repository="https://hub.docker.com"),
    TypeRules("gem", "prohibited", default_repository="https://rubygems.org"),
    TypeRules("generic", "optional"),
    TypeRules("git", "required", host_namespace=True),
    TypeRules(
        "github",
        "required",
        lower_namespace=True,
        lower_name=True,
        default_repository="https://github.com",
    ),
    # The golang definition says "shall be lowercased" in its notes but marks both
    # components case-sensitive; Go module paths are case-sensitive, so the case is kept.
    TypeRules("golang", "required"),
    TypeRules(
        "hackage",
        "prohibited",
        name_rewrite=_hackage_name,
        default_repository="https://hackage.haskell.org",
    ),
    TypeRules(
        "hex",
        "optional",
        lower_namespace=True,
        lower_name=True,
        default_repository="https://repo.hex.pm",
    ),
    TypeRules(
        "huggingface",
        "required",
        lower_version=True,
        default_repository="https://huggingface.co",
    ),
    TypeRules(
        "julia",
        "prohibited",
        required_qualifiers=("uuid",),
        default_repository="https://github.com/JuliaRegistries/General",
    ),
    TypeRules(
        "luarocks",
        "optional",
        lower_namespace=True,
        lower_name=True,
        default_repository="https://luarocks.org",
    ),
    TypeRules(
        "maven",
        "required",
        default_repository="https://repo.maven.apache.org/maven2",
    ),
    TypeRules("mlflow", "prohibited", name_rewrite=_mlflow_name),
    TypeRules("npm", "optional", default_repository="https://registry.npmjs.org"),
    TypeRules("nuget", "prohibited", default_repository="https://www.nuget.org"),
    TypeRules("oci", "prohibited", lower_name=True, lower_version=True),
    TypeRules("opam", "prohibited", default_repository="https://opam.ocaml.org"),
    TypeRules("otp", "prohibited", lower_name=True, lower_subpath=True),
    TypeRules(
        "pub",
        "prohibited",
        name_rewrite=_pub_name,
        default_repository="https://pub.dartlang.org",
    ),
    TypeRules(
        "pypi",
        "prohibited",
        name_rewrite=_pypi_name,
        lower_version=True,
        default_repository="https://pypi.org",
    ),
    TypeRules("qpkg", "required", lower_namespace=True),
    TypeRules("rpm", "required", lower_namespace=True),
    TypeRules(
        "swid",
        "optional",
        max_namespace_segments=2,
        required_qualifiers=("tag_id",),
        qualifier_rewrites=(("tag_id", _swid_tag_id),),
    ),
    TypeRules("swift", "required"),
    TypeRules(
        "vcpkg",
        "prohibited",
        default_repository="https://github.com/microsoft/vcpkg",
    ),
    TypeRules(
        "vscode-extension",
        "required",
        lower_namespace=True,
        lower_name=True,
        lower_version=True,
        default_repository="https://marketplace.visualstudio.com/vscode-extension",
    ),
    TypeRules("yocto", "optional", lower_namespace=True),
)


#: Qualifier keys that the spec's common qualifiers and the type definitions name; all are
#: valid keys, which lets the parser skip the key pattern for them.
KNOWN_QUALIFIER_KEYS = frozenset(
    {
        # common qualifiers (ECMA-427 Annex B)
        "repository_url",
        "download_url",
        "vcs_url",
        "file_name",
        "checksum",
        # keys of the type definitions
        "arch",
        "author",
        "build",
        "channel",
        "classifier",
        "distpath",
        "distro",
        "epoch",
        "ext",
        "layer_version",
        "model_uuid",
        "patch",
        "platform",
        "port_version",
        "prev",
        "repository_revision",
        "rrev",
        "run_id",
        "subdir",
        "tag",
        "tag_creator_name",
        "tag_creator_regid",
        "tag_id",
        "tag_version",
        "triplet",
        "type",
        "user",
        "uuid",
    }
)


def rules_for(purl_type: str) -> TypeRules:
    """The rules of a (lowercase) type; the generic rules when it is not registered."""
    return REGISTERED_TYPES.get(purl_type, GENERIC_RULES)
