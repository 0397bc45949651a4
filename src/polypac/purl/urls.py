"""PURLs to registry URLs and back.

:func:`purl_to_urls` gives, for a PURL, the package's web page on its registry, the URL of
its artifact for that version, and the repository that serves it; :func:`purl_from_url`
reads such a URL back into a PURL. Both use the real URL layouts of each registry:

===========  ==========================================================================
type         layouts (page; download)
===========  ==========================================================================
pypi         pypi.org/project/NAME/VERSION/; files.pythonhosted.org/packages/.../FILE
npm          www.npmjs.com/package/NAME/v/VERSION; registry.npmjs.org/NAME/-/BASE-V.tgz
cargo        crates.io/crates/NAME/VERSION; crates.io/api/v1/crates/NAME/VERSION/download
gem          rubygems.org/gems/NAME/versions/V[-PLATFORM]; rubygems.org/downloads/FILE.gem
maven        central.sonatype.com/artifact/G/A/V; repo1.maven.org/maven2/G/A/V/A-V.EXT
nuget        www.nuget.org/packages/NAME/V; www.nuget.org/api/v2/package/NAME/V
golang       pkg.go.dev/MODULE@V; proxy.golang.org/MODULE/@v/V.zip (case-escaped)
github       github.com/NS/NAME/tree/V; github.com/NS/NAME/archive/V.tar.gz
gitlab       gitlab.com/NS/NAME/-/tree/V; gitlab.com/NS/NAME/-/archive/V/NAME-V.tar.gz
bitbucket    bitbucket.org/NS/NAME/src/V; bitbucket.org/NS/NAME/get/V.tar.gz
deb          packages.debian.org/DISTRO/NAME; deb.debian.org/debian/pool/main/P/NAME/...
docker, oci  hub.docker.com/_/NAME or /r/NS/NAME; https://REGISTRY/v2/REPO/manifests/REF
composer     packagist.org/packages/NS/NAME#V; (no download: dists live elsewhere)
hex          hex.pm/packages/NAME/V; repo.hex.pm/tarballs/NAME-V.tar
pub          pub.dev/packages/NAME/versions/V; pub.dev/api/archives/NAME-V.tar.gz
cran         cran.r-project.org/package=NAME; cran.r-project.org/src/contrib/NAME_V.tar.gz
conda        anaconda.org/CHANNEL/NAME; repo.anaconda.com/pkgs/CHANNEL/SUBDIR/FILE
cocoapods    cocoapods.org/pods/NAME
swift        swiftpackageindex.com/OWNER/NAME; github.com/OWNER/NAME/archive/refs/tags/V
hackage      hackage.haskell.org/package/NAME-V; .../package/NAME-V/NAME-V.tar.gz
brew         formulae.brew.sh/formula/NAME, formulae.brew.sh/cask/NAME
===========  ==========================================================================

A ``repository_url`` qualifier replaces the default registry for the types whose other
registries share the layout (npm, maven, gem, hex, cran, hackage, docker); for the others it
only sets :attr:`PurlUrls.repository`. A ``download_url`` qualifier is always the download.
No I/O: URLs are computed, never fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import quote, unquote, urlsplit

from polypac.errors import PurlError
from polypac.purl._model import PackageURL
from polypac.purl._parse import build_purl, parse_purl
from polypac.purl._types import rules_for

__all__ = ["PurlUrls", "purl_from_url", "purl_to_urls"]


@dataclass(frozen=True, slots=True)
class PurlUrls:
    """Where a package lives on the web; each URL is None when the PURL does not say.

    ``registry_page`` is the page a person reads (of the version when there is one),
    ``download`` the URL of the artifact of that version, and ``repository`` the package
    repository that serves it: the registry (its ``repository_url`` qualifier or the type's
    default) or, for code hosts (github, gitlab, bitbucket, swift), the code repository.
    """

    registry_page: str | None = None
    download: str | None = None
    repository: str | None = None


# ------------------------------------------------------------------------ purl -> URLs


def purl_to_urls(purl: PackageURL | str) -> PurlUrls:
    """The registry page, download and repository URLs of a PURL.

    >>> urls = purl_to_urls("pkg:cargo/rand@0.7.2")
    >>> urls.registry_page
    'https://crates.io/crates/rand/0.7.2'
    >>> urls.download
    'https://crates.io/api/v1/crates/rand/0.7.2/download'
    """
    if isinstance(purl, str):
        purl = parse_purl(purl)
    custom = purl.qualifier("repository_url")
    rule = _TO_URLS.get(purl.type)
    if rule is not None:
        urls = rule(purl, _base(custom) if custom else None)
    else:
        urls = PurlUrls(
            repository=_base(custom) if custom else rules_for(purl.type).default_repository
        )
    download_url = purl.qualifier("download_url")
    if download_url:
        return PurlUrls(urls.registry_page, download_url, urls.repository)
    return urls


def _base(url: str) -> str:
    """A repository URL without its trailing slash, with https:// when it has no scheme."""
    url = url.rstrip("/")
    return url if "://" in url else "https://" + url


def _path(*parts: str) -> str:
    """A URL path from parts that may hold several ``/``-separated segments each.

    Each segment is percent-encoded, keeping the characters registries use in paths.
    """
    return "/".join(quote(segment, safe="@:+!~") for part in parts for segment in part.split("/"))


def _pypi(purl: PackageURL, custom: str | None) -> PurlUrls:
    if custom:
        return PurlUrls(repository=custom)
    name, version = purl.name, purl.version
    page = f"https://pypi.org/project/{_path(name)}/" + (f"{_path(version)}/" if version else "")
    download = None
    file_name = purl.qualifier("file_name")
    if version and file_name:
        # files.pythonhosted.org redirects /packages/{python tag}/{first letter}/{name}/{file}
        # to the stored file; "source" is the python tag of every sdist
        parts = file_name[:-4].split("-") if file_name.endswith(".whl") else []
        tag = parts[-3] if len(parts) >= 5 else "source"
        download = f"https://files.pythonhosted.org/packages/{_path(tag, name[0], name, file_name)}"
    return PurlUrls(page, download, "https://pypi.org")


def _npm(purl: PackageURL, custom: str | None) -> PurlUrls:
    registry = custom or "https://registry.npmjs.org"
    full = _path(*filter(None, (purl.namespace, purl.name)))
    page = None
    if not custom:
        page = f"https://www.npmjs.com/package/{full}"
        if purl.version:
            page += f"/v/{_path(purl.version)}"
    download = None
    if purl.version:
        download = f"{registry}/{full}/-/{_path(f'{purl.name}-{purl.version}')}.tgz"
    return PurlUrls(page, download, registry)


def _cargo(purl: PackageURL, custom: str | None) -> PurlUrls:
    if custom:  # other registries do not share crates.io's web and API layout
        return PurlUrls(repository=custom)
    name = _path(purl.name)
    page = f"https://crates.io/crates/{name}"
    download = None
    if purl.version:
        version = _path(purl.version)
        page += f"/{version}"
        download = f"https://crates.io/api/v1/crates/{name}/{version}/download"
    return PurlUrls(page, download, "https://crates.io")


def _gem(purl: PackageURL, custom: str | None) -> PurlUrls:
    platform = purl.qualifier("platform")
    full_version = purl.version
    if full_version and platform and platform != "ruby":
        full_version += f"-{platform}"
    page = download = None
    if full_version:
        file_name = _path(f"{purl.name}-{full_version}.gem")
        if custom:  # a gem source serves /gems/{file}
            download = f"{custom}/gems/{file_name}"
        else:
            download = f"https://rubygems.org/downloads/{file_name}"
    if not custom:
        page = f"https://rubygems.org/gems/{_path(purl.name)}"
        if full_version:
            page += f"/versions/{_path(full_version)}"
    return PurlUrls(page, download, custom or "https://rubygems.org")


# Maven packaging types whose artifact file has another extension.
_MAVEN_EXTENSIONS = MappingProxyType(
    {
        "bundle": "jar",
        "ejb": "jar",
        "ejb-client": "jar",
        "java-source": "jar",
        "javadoc": "jar",
        "maven-plugin": "jar",
        "test-jar": "jar",
    }
)


def _maven(purl: PackageURL, custom: str | None) -> PurlUrls:
    repository = custom or "https://repo1.maven.org/maven2"
    group, artifact, version = purl.namespace or "", purl.name, purl.version
    page = None
    if not custom:
        page = f"https://central.sonatype.com/artifact/{_path(group, artifact)}"
        if version:
            page += f"/{_path(version)}"
    download = None
    if version:
        packaging = purl.qualifier("type", "jar") or "jar"
        extension = _MAVEN_EXTENSIONS.get(packaging, packaging)
        classifier = purl.qualifier("classifier")
        file_name = f"{artifact}-{version}" + (f"-{classifier}" if classifier else "")
        path = _path(*group.split("."), artifact, version, f"{file_name}.{extension}")
        download = f"{repository}/{path}"
    return PurlUrls(page, download, repository)


def _nuget(purl: PackageURL, custom: str | None) -> PurlUrls:
    if custom:
        return PurlUrls(repository=custom)
    name = _path(purl.name)
    page = f"https://www.nuget.org/packages/{name}"
    download = None
    if purl.version:
        version = _path(purl.version)
        page += f"/{version}"
        download = f"https://www.nuget.org/api/v2/package/{name}/{version}"
    return PurlUrls(page, download, "https://www.nuget.org")


def _go_escape(path: str) -> str:
    # the module proxy protocol writes each uppercase letter as "!" and its lowercase
    return re.sub(r"[A-Z]", lambda match: "!" + match.group().lower(), path)


def _golang(purl: PackageURL, _custom: str | None) -> PurlUrls:
    module = _path(*filter(None, (purl.namespace, purl.name)))
    page = f"https://pkg.go.dev/{module}"
    download = None
    if purl.version:
        page += f"@{_path(purl.version)}"
        if purl.version.startswith("v"):  # the proxy serves versions, not bare commits
            escaped = _go_escape(module)
            download = f"https://proxy.golang.org/{escaped}/@v/{_go_escape(purl.version)}.zip"
    if purl.subpath:
        page += f"/{purl.subpath}"
    return PurlUrls(page, download, "https://proxy.golang.org")


def _code_host(host: str, tree: str, archive: str) -> Callable[[PackageURL, str | None], PurlUrls]:
    """URLs of a git hosting site, from its tree and archive path templates."""

    def urls(purl: PackageURL, _custom: str | None) -> PurlUrls:
        repository = f"https://{host}/{_path(purl.namespace or '', purl.name)}"
        if not purl.version:
            return PurlUrls(repository, None, repository)
        fill = {"name": _path(purl.name), "version": _path(purl.version)}
        return PurlUrls(
            f"{repository}/{tree.format_map(fill)}",
            f"{repository}/{archive.format_map(fill)}",
            repository,
        )

    return urls


_DEB_ARCHIVES = MappingProxyType(
    {"debian": "https://deb.debian.org/debian", "ubuntu": "http://archive.ubuntu.com/ubuntu"}
)
_DEB_PAGES = MappingProxyType(
    {"debian": "https://packages.debian.org", "ubuntu": "https://packages.ubuntu.com"}
)


def _deb(purl: PackageURL, custom: str | None) -> PurlUrls:
    vendor = purl.namespace or ""
    repository = custom or _DEB_ARCHIVES.get(vendor)
    pages = _DEB_PAGES.get(vendor)
    page = download = None
    arch = purl.qualifier("arch")
    if pages:
        distro = purl.qualifier("distro")
        name = _path(purl.name)
        if distro and distro.isalpha():  # a release code name such as "bookworm"
            page = f"{pages}/{'source/' if arch == 'source' else ''}{distro}/{name}"
        else:
            page = f"{pages}/search?keywords={name}&searchon=names&exact=1"
    if vendor == "debian" and not custom and arch == "source" and purl.version:
        # a source package's files are in the pool under its own name (component "main")
        upstream = purl.version.partition(":")[2] or purl.version
        prefix = purl.name[:4] if purl.name.startswith("lib") else purl.name[:1]
        file_name = f"{purl.name}_{upstream}.dsc"
        download = f"{repository}/pool/main/{_path(prefix, purl.name, file_name)}"
    return PurlUrls(page, download, repository)


def _docker(purl: PackageURL, custom: str | None) -> PurlUrls:
    repo = "/".join(filter(None, (purl.namespace, purl.name)))
    if custom and custom.removeprefix("https://") not in {"docker.io", "hub.docker.com"}:
        download = None
        if purl.version:
            download = f"{custom}/v2/{_path(repo)}/manifests/{_path(purl.version)}"
        return PurlUrls(None, download, custom)
    if purl.namespace in {None, "library"}:
        page = f"https://hub.docker.com/_/{_path(purl.name)}"
        repo = f"library/{purl.name}"
    else:
        page = f"https://hub.docker.com/r/{_path(repo)}"
    download = None
    if purl.version:
        download = f"https://registry-1.docker.io/v2/{_path(repo)}/manifests/{_path(purl.version)}"
    return PurlUrls(page, download, "https://hub.docker.com")


def _oci(purl: PackageURL, custom: str | None) -> PurlUrls:
    if not custom:  # oci PURLs are registry-agnostic without a repository_url
        return PurlUrls()
    host, _, repo = custom.removeprefix("https://").partition("/")
    repo = repo or purl.name
    if host in {"docker.io", "index.docker.io"}:
        host = "registry-1.docker.io"
    reference = purl.version or purl.qualifier("tag")
    download = f"https://{host}/v2/{repo}/manifests/{reference}" if reference else None
    return PurlUrls(None, download, custom)


def _composer(purl: PackageURL, custom: str | None) -> PurlUrls:
    if custom:
        return PurlUrls(repository=custom)
    page = f"https://packagist.org/packages/{_path(purl.namespace or '', purl.name)}"
    if purl.version:
        page += f"#{_path(purl.version)}"
    return PurlUrls(page, None, "https://packagist.org")


def _hex(purl: PackageURL, custom: str | None) -> PurlUrls:
    repository = custom or "https://repo.hex.pm"
    owner = [purl.namespace] if purl.namespace else []
    page = None
    if not custom:
        page = f"https://hex.pm/packages/{_path(*owner, purl.name)}"
        if purl.version:
            page += f"/{_path(purl.version)}"
    download = None
    if purl.version:
        tarballs = (
            f"{repository}/repos/{_path(*owner)}/tarballs" if owner else f"{repository}/tarballs"
        )
        download = f"{tarballs}/{_path(f'{purl.name}-{purl.version}')}.tar"
    return PurlUrls(page, download, repository)


def _pub(purl: PackageURL, custom: str | None) -> PurlUrls:
    if custom:
        return PurlUrls(repository=custom)
    page = f"https://pub.dev/packages/{_path(purl.name)}"
    download = None
    if purl.version:
        page += f"/versions/{_path(purl.version)}"
        download = f"https://pub.dev/api/archives/{_path(f'{purl.name}-{purl.version}')}.tar.gz"
    return PurlUrls(page, download, "https://pub.dev")


def _cran(purl: PackageURL, custom: str | None) -> PurlUrls:
    repository = custom or "https://cran.r-project.org"
    page = None if custom else f"https://cran.r-project.org/package={_path(purl.name)}"
    download = None
    if purl.version:
        download = f"{repository}/src/contrib/{_path(f'{purl.name}_{purl.version}')}.tar.gz"
    return PurlUrls(page, download, repository)


# Channels of the Anaconda "defaults", served from repo.anaconda.com/pkgs/.
_CONDA_DEFAULTS = {"main", "free", "r", "msys2"}


def _conda(purl: PackageURL, custom: str | None) -> PurlUrls:
    channel = purl.qualifier("channel") or "main"
    if channel in _CONDA_DEFAULTS:
        repository = f"https://repo.anaconda.com/pkgs/{channel}"
        page = f"https://anaconda.org/anaconda/{_path(purl.name)}"
    else:
        repository = f"https://conda.anaconda.org/{_path(channel)}"
        page = f"https://anaconda.org/{_path(channel, purl.name)}"
    repository = custom or repository
    subdir, build = purl.qualifier("subdir"), purl.qualifier("build")
    extension = purl.qualifier("type")
    download = None
    if purl.version and subdir and build and extension:
        file_name = f"{purl.name}-{purl.version}-{build}.{extension}"
        download = f"{repository}/{_path(subdir, file_name)}"
    return PurlUrls(page, download, repository)


def _cocoapods(purl: PackageURL, custom: str | None) -> PurlUrls:
    return PurlUrls(
        f"https://cocoapods.org/pods/{_path(purl.name)}",
        None,
        custom or "https://cdn.cocoapods.org",
    )


def _swift(purl: PackageURL, _custom: str | None) -> PurlUrls:
    host, _, owner = (purl.namespace or "").partition("/")
    repository = f"https://{_path(*(purl.namespace or '').split('/'), purl.name)}"
    if host != "github.com" or not owner:
        return PurlUrls(None, None, repository)
    page = f"https://swiftpackageindex.com/{_path(owner, purl.name)}"
    download = None
    if purl.version:  # a Swift package version is a git tag
        download = f"{repository}/archive/refs/tags/{_path(purl.version)}.tar.gz"
    return PurlUrls(page, download, repository)


def _hackage(purl: PackageURL, custom: str | None) -> PurlUrls:
    repository = custom or "https://hackage.haskell.org"
    full = f"{purl.name}-{purl.version}" if purl.version else purl.name
    page = None if custom else f"{repository}/package/{_path(full)}"
    download = None
    if purl.version:
        download = f"{repository}/package/{_path(full, full)}.tar.gz"
    return PurlUrls(page, download, repository)


def _brew(purl: PackageURL, custom: str | None) -> PurlUrls:
    tap = purl.namespace or "homebrew/core"
    page = None
    if tap == "homebrew/core":
        page = f"https://formulae.brew.sh/formula/{_path(purl.name)}"
    elif tap == "homebrew/cask":
        page = f"https://formulae.brew.sh/cask/{_path(purl.name)}"
    repository = custom
    if repository is None:
        owner, _, name = tap.partition("/")
        owner = "Homebrew" if owner == "homebrew" else owner
        # "brew tap owner/name" clones github.com/owner/homebrew-name
        repository = f"https://github.com/{_path(owner, 'homebrew-' + name)}"
    return PurlUrls(page, None, repository)


_TO_URLS: Mapping[str, Callable[[PackageURL, str | None], PurlUrls]] = MappingProxyType(
    {
        "bitbucket": _code_host("bitbucket.org", "src/{version}", "get/{version}.tar.gz"),
        "brew": _brew,
        "cargo": _cargo,
        "cocoapods": _cocoapods,
        "composer": _composer,
        "conda": _conda,
        "cran": _cran,
        "deb": _deb,
        "docker": _docker,
        "gem": _gem,
        "github": _code_host("github.com", "tree/{version}", "archive/{version}.tar.gz"),
        "gitlab": _code_host(
            "gitlab.com", "-/tree/{version}", "-/archive/{version}/{name}-{version}.tar.gz"
        ),
        "golang": _golang,
        "hackage": _hackage,
        "hex": _hex,
        "maven": _maven,
        "npm": _npm,
        "nuget": _nuget,
        "oci": _oci,
        "pub": _pub,
        "pypi": _pypi,
        "swift": _swift,
    }
)


# ------------------------------------------------------------------------ URL -> purl

_Reader = Callable[[list[str], str], "PackageURL | None"]


def purl_from_url(url: str) -> PackageURL:
    """The PURL of a registry page, download or repository URL.

    Raises :class:`~polypac.errors.PurlError` when no rule knows the URL.

    >>> purl_from_url("https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz").to_string()
    'pkg:npm/%40babel/core@7.24.0'
    >>> purl_from_url("https://example.com/x")
    Traceback (most recent call last):
    ...
    polypac.errors.PurlError: invalid URL: no rule turns a URL of this host into a purl
      https://example.com/x
              ^
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError as error:
        raise PurlError(url, None, f"not a URL: {error}", what="URL") from error
    if parts.scheme not in {"http", "https"} or not host:
        raise PurlError(url, 0, "expected an http or https URL", what="URL")
    reader = _FROM_URL.get(host)
    if reader is None:
        raise PurlError(
            url, url.find(parts.netloc), "no rule turns a URL of this host into a purl", what="URL"
        )
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    purl = reader(segments, parts.fragment)
    if purl is None:
        path_at = url.find(parts.path, len(parts.scheme) + 3) if parts.path else len(url)
        raise PurlError(url, path_at, f"no rule of {host} matches this path", what="URL")
    return purl


def _split_version(stem: str, separator: str = "-") -> tuple[str, str] | None:
    """NAME-VERSION, split at the last separator that is followed by a digit."""
    match = re.fullmatch(rf"(.+){re.escape(separator)}([0-9][^{re.escape(separator)}]*)", stem)
    return (match[1], match[2]) if match else None


def _from_pypi(segments: list[str], _fragment: str) -> PackageURL | None:
    if len(segments) in {2, 3} and segments[0] == "project":
        return build_purl("pypi", segments[1], version=segments[2] if len(segments) == 3 else None)
    return None


def _from_pythonhosted(segments: list[str], _fragment: str) -> PackageURL | None:
    if len(segments) < 2 or segments[0] != "packages":
        return None
    file_name = segments[-1]
    if file_name.endswith(".whl"):
        parts = file_name.split("-")
        if len(parts) < 5:  # name-version-python-abi-platform.whl
            return None
        name, version = parts[:2]
    else:
        stem = re.sub(r"\.(tar\.gz|tar\.bz2|tgz|zip)$", "", file_name)
        found = _split_version(stem)
        if stem == file_name or found is None:
            return None
        name, version = found
    return build_purl("pypi", name, version=version, qualifiers={"file_name": file_name})


def _npm_name(segments: list[str]) -> tuple[str | None, str, list[str]]:
    if segments[0].startswith("@") and len(segments) > 1:
        return segments[0], segments[1], segments[2:]
    return None, segments[0], segments[1:]


def _from_npmjs(segments: list[str], _fragment: str) -> PackageURL | None:
    if len(segments) < 2 or segments[0] != "package":
        return None
    scope, name, rest = _npm_name(segments[1:])
    if not rest:
        return build_purl("npm", name, namespace=scope)
    if len(rest) == 2 and rest[0] == "v":
        return build_purl("npm", name, namespace=scope, version=rest[1])
    return None


def _from_npm_registry(segments: list[str], _fragment: str) -> PackageURL | None:
    if not segments:
        return None
    scope, name, rest = _npm_name(segments)
    if len(rest) == 2 and rest[0] == "-" and rest[1].startswith(f"{name}-"):
        version = rest[1][len(name) + 1 :].removesuffix(".tgz")
        return build_purl("npm", name, namespace=scope, version=version)
    if not rest:
        return build_purl("npm", name, namespace=scope)
    return None


def _from_crates(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["crates", name]:
            return build_purl("cargo", name)
        case ["crates", name, version]:
            return build_purl("cargo", name, version=version)
        case ["api", "v1", "crates", name, version, "download"]:
            return build_purl("cargo", name, version=version)
    return None


def _from_static_crates(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["crates", name, file_name] if file_name.startswith(f"{name}-"):
            version = file_name[len(name) + 1 :].removesuffix(".crate")
            return build_purl("cargo", name, version=version)
    return None


_GEM_FILE = re.compile(r"(.+?)-([0-9][0-9A-Za-z.]*)(?:-(.+))?\.gem")


def _gem_purl(name: str, version: str, platform: str | None) -> PackageURL:
    qualifiers = {"platform": platform} if platform else None
    return build_purl("gem", name, version=version, qualifiers=qualifiers)


def _from_rubygems(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["gems" | "downloads", file_name] if found := _GEM_FILE.fullmatch(file_name):
            return _gem_purl(found[1], found[2], found[3])
        case ["gems", name]:
            return build_purl("gem", name)
        case ["gems", name, "versions", full_version]:
            version, _, platform = full_version.partition("-")
            return _gem_purl(name, version, platform or None)
    return None


def _from_maven_repository(segments: list[str], _fragment: str) -> PackageURL | None:
    if segments[:1] != ["maven2"] or len(segments) < 5:
        return None
    *group, artifact, version, file_name = segments[1:]
    stem = f"{artifact}-{version}"
    if not group or not file_name.startswith(stem):
        return None
    rest = file_name[len(stem) :]
    qualifiers = {}
    if rest.startswith("-"):
        classifier, _, rest = rest[1:].partition(".")
        qualifiers["classifier"] = classifier
        rest = "." + rest
    if not rest.startswith(".") or len(rest) < 2:
        return None
    if rest[1:] != "jar":
        qualifiers["type"] = rest[1:]
    return build_purl(
        "maven", artifact, namespace=".".join(group), version=version, qualifiers=qualifiers
    )


def _from_sonatype(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["artifact", group, artifact]:
            return build_purl("maven", artifact, namespace=group)
        case ["artifact", group, artifact, version]:
            return build_purl("maven", artifact, namespace=group, version=version)
    return None


def _from_nuget(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["packages", name]:
            return build_purl("nuget", name)
        case ["packages", name, version] | ["api", "v2", "package", name, version]:
            return build_purl("nuget", name, version=version)
    return None


def _from_nuget_api(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["v3-flatcontainer", name, version, _file]:
            return build_purl("nuget", name, version=version)
    return None


def _module_purl(module: str, version: str | None, subpath: str | None) -> PackageURL:
    namespace, _, name = module.rpartition("/")
    return build_purl("golang", name, namespace=namespace, version=version, subpath=subpath)


def _from_pkg_go_dev(segments: list[str], _fragment: str) -> PackageURL | None:
    if len(segments) < 2:
        return None
    path = "/".join(segments)
    module, at, rest = path.partition("@")
    if not at:
        return _module_purl(module, None, None)
    version, _, subpath = rest.partition("/")
    return _module_purl(module, version, subpath or None)


def _go_unescape(path: str) -> str:
    return re.sub(r"!([a-z])", lambda match: match[1].upper(), path)


def _from_go_proxy(segments: list[str], _fragment: str) -> PackageURL | None:
    if len(segments) < 4 or segments[-2] != "@v":
        return None
    version = re.sub(r"\.(zip|mod|info)$", "", segments[-1])
    return _module_purl(_go_unescape("/".join(segments[:-2])), _go_unescape(version), None)


def _from_github(segments: list[str], _fragment: str) -> PackageURL | None:
    if len(segments) < 2:
        return None
    owner, name, rest = segments[0], segments[1].removesuffix(".git"), segments[2:]
    version: str | None = None
    subpath: str | None = None
    match rest:
        case []:
            pass
        case ["tree" | "commit", ref, *sub]:
            version, subpath = ref, "/".join(sub) or None
        case ["releases", "tag", ref]:
            version = ref
        case ["archive", "refs", "tags", file_name] | ["archive", file_name]:
            version = re.sub(r"\.(tar\.gz|zip)$", "", file_name)
        case _:
            return None
    return build_purl("github", name, namespace=owner, version=version, subpath=subpath)


def _from_gitlab(segments: list[str], _fragment: str) -> PackageURL | None:
    if "-" in segments:
        dash = segments.index("-")
        project, rest = segments[:dash], segments[dash + 1 :]
    else:
        project, rest = segments, []
    if len(project) < 2:
        return None
    namespace, name = "/".join(project[:-1]), project[-1].removesuffix(".git")
    match rest:
        case []:
            return build_purl("gitlab", name, namespace=namespace)
        case ["tree", version] | ["archive", version, _]:
            return build_purl("gitlab", name, namespace=namespace, version=version)
    return None


def _from_bitbucket(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case [owner, name]:
            return build_purl("bitbucket", name.removesuffix(".git"), namespace=owner)
        case [owner, name, "src", version, *_]:
            return build_purl("bitbucket", name, namespace=owner, version=version)
        case [owner, name, "get", file_name]:
            version = re.sub(r"\.(tar\.gz|tar\.bz2|zip)$", "", file_name)
            return build_purl("bitbucket", name, namespace=owner, version=version)
    return None


def _deb_pool(vendor: str) -> _Reader:
    def read(segments: list[str], _fragment: str) -> PackageURL | None:
        if vendor not in segments[:1] or "pool" not in segments:
            return None
        file_name = segments[-1]
        if file_name.endswith(".deb"):
            parts = file_name.removesuffix(".deb").split("_")
            if len(parts) == 3:
                name, version, arch = parts
                return build_purl(
                    "deb", name, namespace=vendor, version=version, qualifiers={"arch": arch}
                )
        elif file_name.endswith(".dsc"):
            parts = file_name.removesuffix(".dsc").split("_")
            if len(parts) == 2:
                name, version = parts
                return build_purl(
                    "deb", name, namespace=vendor, version=version, qualifiers={"arch": "source"}
                )
        return None

    return read


def _deb_pages(vendor: str) -> _Reader:
    def read(segments: list[str], _fragment: str) -> PackageURL | None:
        match segments:
            case ["source", distro, name]:
                qualifiers = {"arch": "source", "distro": distro}
                return build_purl("deb", name, namespace=vendor, qualifiers=qualifiers)
            case [distro, name] if distro != "search":
                return build_purl("deb", name, namespace=vendor, qualifiers={"distro": distro})
        return None

    return read


def _from_docker_hub(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["_", name, *_]:
            return build_purl("docker", name)
        case ["r", namespace, name, *_]:
            return build_purl("docker", name, namespace=namespace)
    return None


def _registry_api(host: str) -> _Reader:
    """The OCI distribution API: https://HOST/v2/REPOSITORY/manifests/REFERENCE."""

    def read(segments: list[str], _fragment: str) -> PackageURL | None:
        if len(segments) < 4 or segments[0] != "v2" or segments[-2] not in {"manifests", "blobs"}:
            return None
        repository, reference = segments[1:-2], segments[-1]
        digest = reference if ":" in reference else None
        if host == "registry-1.docker.io":
            namespace = "/".join(repository[:-1])
            return build_purl(
                "docker",
                repository[-1],
                namespace=None if namespace == "library" else namespace or None,
                version=reference,
            )
        qualifiers = {"repository_url": f"{host}/{'/'.join(repository)}"}
        if digest is None:
            qualifiers["tag"] = reference
        return build_purl("oci", repository[-1], version=digest, qualifiers=qualifiers)

    return read


def _from_packagist(segments: list[str], fragment: str) -> PackageURL | None:
    match segments:
        case ["packages", vendor, name]:
            return build_purl("composer", name, namespace=vendor, version=fragment or None)
    return None


def _from_hex(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["packages", name]:
            return build_purl("hex", name)
        case ["packages", name, version] if version[:1].isdigit():
            return build_purl("hex", name, version=version)
        case ["packages", organization, name]:
            return build_purl("hex", name, namespace=organization)
        case ["packages", organization, name, version]:
            return build_purl("hex", name, namespace=organization, version=version)
    return None


def _from_hex_repository(segments: list[str], _fragment: str) -> PackageURL | None:
    organization = None
    if segments[:1] == ["repos"] and len(segments) == 4:
        organization, segments = segments[1], segments[2:]
    match segments:
        case ["tarballs", file_name] if file_name.endswith(".tar"):
            name, dash, version = file_name.removesuffix(".tar").partition("-")
            if dash:
                return build_purl("hex", name, namespace=organization, version=version)
    return None


def _from_pub(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["packages", name]:
            return build_purl("pub", name)
        case ["packages", name, "versions", version]:
            return build_purl("pub", name, version=version.removesuffix(".tar.gz"))
        case ["api", "archives", file_name] if file_name.endswith(".tar.gz"):
            name, dash, version = file_name.removesuffix(".tar.gz").partition("-")
            if dash:
                return build_purl("pub", name, version=version)
    return None


def _from_cran(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case [page] if page.startswith("package="):
            return build_purl("cran", page.removeprefix("package="))
        case ["web", "packages", name, *_]:
            return build_purl("cran", name)
        case ["src", "contrib", *_, file_name] if file_name.endswith(".tar.gz"):
            name, underscore, version = file_name.removesuffix(".tar.gz").partition("_")
            if underscore:
                return build_purl("cran", name, version=version)
    return None


def _conda_file(channel: str, subdir: str, file_name: str) -> PackageURL | None:
    for extension in ("tar.bz2", "conda"):
        if file_name.endswith("." + extension):
            parts = file_name.removesuffix("." + extension).rsplit("-", 2)
            if len(parts) == 3:
                name, version, build = parts
                qualifiers = {
                    "build": build,
                    "channel": channel,
                    "subdir": subdir,
                    "type": extension,
                }
                return build_purl("conda", name, version=version, qualifiers=qualifiers)
    return None


def _from_anaconda_repo(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["pkgs", channel, subdir, file_name]:
            return _conda_file(channel, subdir, file_name)
    return None


def _from_conda_channel(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case [channel, subdir, file_name]:
            return _conda_file(channel, subdir, file_name)
    return None


def _from_anaconda_org(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case [channel, name]:
            channel = "main" if channel == "anaconda" else channel
            return build_purl("conda", name, qualifiers={"channel": channel})
    return None


def _from_cocoapods(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["pods", name]:
            return build_purl("cocoapods", name)
    return None


def _from_swift_package_index(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case [owner, name, *_]:
            return build_purl("swift", name, namespace=f"github.com/{owner}")
    return None


def _from_hackage(segments: list[str], _fragment: str) -> PackageURL | None:
    if segments[:1] != ["package"] or len(segments) not in {2, 3}:
        return None
    found = _split_version(segments[1])
    if found is None or not re.fullmatch(r"[0-9]+(\.[0-9]+)*", found[1]):
        return build_purl("hackage", segments[1]) if len(segments) == 2 else None
    return build_purl("hackage", found[0], version=found[1])


def _from_brew(segments: list[str], _fragment: str) -> PackageURL | None:
    match segments:
        case ["formula", name]:
            return build_purl("brew", name)
        case ["cask", name]:
            return build_purl("brew", name, namespace="homebrew/cask")
    return None


_FROM_URL: Mapping[str, _Reader] = MappingProxyType(
    {
        "anaconda.org": _from_anaconda_org,
        "api.nuget.org": _from_nuget_api,
        "archive.ubuntu.com": _deb_pool("ubuntu"),
        "bitbucket.org": _from_bitbucket,
        "central.sonatype.com": _from_sonatype,
        "cocoapods.org": _from_cocoapods,
        "conda.anaconda.org": _from_conda_channel,
        "cran.r-project.org": _from_cran,
        "crates.io": _from_crates,
        "deb.debian.org": _deb_pool("debian"),
        "files.pythonhosted.org": _from_pythonhosted,
        "formulae.brew.sh": _from_brew,
        "github.com": _from_github,
        "gitlab.com": _from_gitlab,
        "hackage.haskell.org": _from_hackage,
        "hex.pm": _from_hex,
        "hub.docker.com": _from_docker_hub,
        "npmjs.com": _from_npmjs,
        "nuget.org": _from_nuget,
        "packages.debian.org": _deb_pages("debian"),
        "packages.ubuntu.com": _deb_pages("ubuntu"),
        "packagist.org": _from_packagist,
        "pkg.go.dev": _from_pkg_go_dev,
        "proxy.golang.org": _from_go_proxy,
        "pub.dartlang.org": _from_pub,
        "pub.dev": _from_pub,
        "pypi.org": _from_pypi,
        "registry-1.docker.io": _registry_api("registry-1.docker.io"),
        "registry.npmjs.org": _from_npm_registry,
        "repo.anaconda.com": _from_anaconda_repo,
        "repo.hex.pm": _from_hex_repository,
        "repo.maven.apache.org": _from_maven_repository,
        "repo1.maven.org": _from_maven_repository,
        "rubygems.org": _from_rubygems,
        "static.crates.io": _from_static_crates,
        "swiftpackageindex.com": _from_swift_package_index,
        **{
            host: _registry_api(host)
            for host in ("ghcr.io", "gcr.io", "quay.io", "mcr.microsoft.com")
        },
    }
)
