"""PURLs to registry URLs and back, type by type."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypac.errors import PurlError
from polypac.purl import build_purl, parse_purl
from polypac.purl.urls import PurlUrls, purl_from_url, purl_to_urls

# purl -> (registry page, download, repository), with the real layout of each registry
TO_URLS = {
    "pkg:pypi/django@1.11.1?file_name=Django-1.11.1.tar.gz": (
        "https://pypi.org/project/django/1.11.1/",
        "https://files.pythonhosted.org/packages/source/d/django/Django-1.11.1.tar.gz",
        "https://pypi.org",
    ),
    "pkg:pypi/django@1.11.1?file_name=Django-1.11.1-py2.py3-none-any.whl": (
        "https://pypi.org/project/django/1.11.1/",
        "https://files.pythonhosted.org/packages/py2.py3/d/django/Django-1.11.1-py2.py3-none-any.whl",
        "https://pypi.org",
    ),
    "pkg:pypi/django": ("https://pypi.org/project/django/", None, "https://pypi.org"),
    "pkg:npm/%40angular/animation@12.3.1": (
        "https://www.npmjs.com/package/@angular/animation/v/12.3.1",
        "https://registry.npmjs.org/@angular/animation/-/animation-12.3.1.tgz",
        "https://registry.npmjs.org",
    ),
    "pkg:npm/foobar@12.3.1": (
        "https://www.npmjs.com/package/foobar/v/12.3.1",
        "https://registry.npmjs.org/foobar/-/foobar-12.3.1.tgz",
        "https://registry.npmjs.org",
    ),
    "pkg:cargo/rand@0.7.2": (
        "https://crates.io/crates/rand/0.7.2",
        "https://crates.io/api/v1/crates/rand/0.7.2/download",
        "https://crates.io",
    ),
    "pkg:gem/jruby-launcher@1.1.2?platform=java": (
        "https://rubygems.org/gems/jruby-launcher/versions/1.1.2-java",
        "https://rubygems.org/downloads/jruby-launcher-1.1.2-java.gem",
        "https://rubygems.org",
    ),
    "pkg:gem/rails@7.0.0": (
        "https://rubygems.org/gems/rails/versions/7.0.0",
        "https://rubygems.org/downloads/rails-7.0.0.gem",
        "https://rubygems.org",
    ),
    "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources": (
        "https://central.sonatype.com/artifact/org.apache.xmlgraphics/batik-anim/1.9.1",
        "https://repo1.maven.org/maven2/org/apache/xmlgraphics/batik-anim/1.9.1/"
        "batik-anim-1.9.1-sources.jar",
        "https://repo1.maven.org/maven2",
    ),
    "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom": (
        "https://central.sonatype.com/artifact/org.apache.xmlgraphics/batik-anim/1.9.1",
        "https://repo1.maven.org/maven2/org/apache/xmlgraphics/batik-anim/1.9.1/batik-anim-1.9.1.pom",
        "https://repo1.maven.org/maven2",
    ),
    "pkg:nuget/EnterpriseLibrary.Common@6.0.1304": (
        "https://www.nuget.org/packages/EnterpriseLibrary.Common/6.0.1304",
        "https://www.nuget.org/api/v2/package/EnterpriseLibrary.Common/6.0.1304",
        "https://www.nuget.org",
    ),
    "pkg:golang/github.com/BurntSushi/toml@v1.3.2": (
        "https://pkg.go.dev/github.com/BurntSushi/toml@v1.3.2",
        "https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/v1.3.2.zip",
        "https://proxy.golang.org",
    ),
    "pkg:golang/google.golang.org/genproto@v0.0.1#googleapis/api/annotations": (
        "https://pkg.go.dev/google.golang.org/genproto@v0.0.1/googleapis/api/annotations",
        "https://proxy.golang.org/google.golang.org/genproto/@v/v0.0.1.zip",
        "https://proxy.golang.org",
    ),
    "pkg:github/package-url/purl-spec@244fd47e07d1004": (
        "https://github.com/package-url/purl-spec/tree/244fd47e07d1004",
        "https://github.com/package-url/purl-spec/archive/244fd47e07d1004.tar.gz",
        "https://github.com/package-url/purl-spec",
    ),
    "pkg:gitlab/gitlab-org/gitlab-runner@v16.0.0": (
        "https://gitlab.com/gitlab-org/gitlab-runner/-/tree/v16.0.0",
        "https://gitlab.com/gitlab-org/gitlab-runner/-/archive/v16.0.0/gitlab-runner-v16.0.0.tar.gz",
        "https://gitlab.com/gitlab-org/gitlab-runner",
    ),
    "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c": (
        "https://bitbucket.org/birkenfeld/pygments-main/src/244fd47e07d1014f0aed9c",
        "https://bitbucket.org/birkenfeld/pygments-main/get/244fd47e07d1014f0aed9c.tar.gz",
        "https://bitbucket.org/birkenfeld/pygments-main",
    ),
    "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie": (
        "https://packages.debian.org/jessie/curl",
        None,
        "https://deb.debian.org/debian",
    ),
    "pkg:deb/debian/attr@1:2.4.47-2?arch=source&distro=buster": (
        "https://packages.debian.org/source/buster/attr",
        "https://deb.debian.org/debian/pool/main/a/attr/attr_2.4.47-2.dsc",
        "https://deb.debian.org/debian",
    ),
    "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64": (
        "https://packages.ubuntu.com/search?keywords=dpkg&searchon=names&exact=1",
        None,
        "http://archive.ubuntu.com/ubuntu",
    ),
    "pkg:docker/cassandra@latest": (
        "https://hub.docker.com/_/cassandra",
        "https://registry-1.docker.io/v2/library/cassandra/manifests/latest",
        "https://hub.docker.com",
    ),
    "pkg:docker/smartentry/debian@dc437cc87d10": (
        "https://hub.docker.com/r/smartentry/debian",
        "https://registry-1.docker.io/v2/smartentry/debian/manifests/dc437cc87d10",
        "https://hub.docker.com",
    ),
    "pkg:docker/customer/dockerimage@sha256:244fd47e07d10?repository_url=gcr.io": (
        None,
        "https://gcr.io/v2/customer/dockerimage/manifests/sha256:244fd47e07d10",
        "https://gcr.io",
    ),
    "pkg:oci/static@sha256:244fd47e07d10?repository_url=gcr.io/distroless/static&tag=latest": (
        None,
        "https://gcr.io/v2/distroless/static/manifests/sha256:244fd47e07d10",
        "https://gcr.io/distroless/static",
    ),
    "pkg:oci/debian@sha256:244fd47e07d10?repository_url=docker.io/library/debian": (
        None,
        "https://registry-1.docker.io/v2/library/debian/manifests/sha256:244fd47e07d10",
        "https://docker.io/library/debian",
    ),
    "pkg:oci/hello-wasm@sha256:244fd47e07d10?tag=v1": (None, None, None),
    "pkg:composer/laravel/laravel@5.5.0": (
        "https://packagist.org/packages/laravel/laravel#5.5.0",
        None,
        "https://packagist.org",
    ),
    "pkg:hex/jason@1.1.2": (
        "https://hex.pm/packages/jason/1.1.2",
        "https://repo.hex.pm/tarballs/jason-1.1.2.tar",
        "https://repo.hex.pm",
    ),
    "pkg:hex/acme/foo@2.3.0": (
        "https://hex.pm/packages/acme/foo/2.3.0",
        "https://repo.hex.pm/repos/acme/tarballs/foo-2.3.0.tar",
        "https://repo.hex.pm",
    ),
    "pkg:pub/characters@1.2.0": (
        "https://pub.dev/packages/characters/versions/1.2.0",
        "https://pub.dev/api/archives/characters-1.2.0.tar.gz",
        "https://pub.dev",
    ),
    "pkg:cran/A3@0.9.1": (
        "https://cran.r-project.org/package=A3",
        "https://cran.r-project.org/src/contrib/A3_0.9.1.tar.gz",
        "https://cran.r-project.org",
    ),
    "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2": (
        "https://anaconda.org/anaconda/absl-py",
        "https://repo.anaconda.com/pkgs/main/linux-64/absl-py-0.4.1-py36h06a4308_0.tar.bz2",
        "https://repo.anaconda.com/pkgs/main",
    ),
    "pkg:conda/numpy@1.26.4?build=py312h8753938_0&channel=conda-forge&subdir=linux-64&type=conda": (
        "https://anaconda.org/conda-forge/numpy",
        "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py312h8753938_0.conda",
        "https://conda.anaconda.org/conda-forge",
    ),
    "pkg:cocoapods/AFNetworking@4.0.1": (
        "https://cocoapods.org/pods/AFNetworking",
        None,
        "https://cdn.cocoapods.org",
    ),
    "pkg:swift/github.com/Alamofire/Alamofire@5.4.3": (
        "https://swiftpackageindex.com/Alamofire/Alamofire",
        "https://github.com/Alamofire/Alamofire/archive/refs/tags/5.4.3.tar.gz",
        "https://github.com/Alamofire/Alamofire",
    ),
    "pkg:hackage/AC-HalfInteger@1.2.1": (
        "https://hackage.haskell.org/package/AC-HalfInteger-1.2.1",
        "https://hackage.haskell.org/package/AC-HalfInteger-1.2.1/AC-HalfInteger-1.2.1.tar.gz",
        "https://hackage.haskell.org",
    ),
    "pkg:brew/sqlite@3.43.2": (
        "https://formulae.brew.sh/formula/sqlite",
        None,
        "https://github.com/Homebrew/homebrew-core",
    ),
    "pkg:brew/homebrew/cask/firefox@120.0": (
        "https://formulae.brew.sh/cask/firefox",
        None,
        "https://github.com/Homebrew/homebrew-cask",
    ),
    "pkg:brew/some-org/some-tap/some-app@1.2.3": (
        None,
        None,
        "https://github.com/some-org/homebrew-some-tap",
    ),
}

# URL -> the purl it names (a page names the package, or its version; a download its file)
FROM_URL = {
    "https://pypi.org/project/Django/": "pkg:pypi/django",
    "https://pypi.org/project/django/1.11.1/": "pkg:pypi/django@1.11.1",
    "https://files.pythonhosted.org/packages/source/d/django/Django-1.11.1.tar.gz": (
        "pkg:pypi/django@1.11.1?file_name=Django-1.11.1.tar.gz"
    ),
    "https://files.pythonhosted.org/packages/ab/cd/0123/Django-1.11.1-py2.py3-none-any.whl": (
        "pkg:pypi/django@1.11.1?file_name=Django-1.11.1-py2.py3-none-any.whl"
    ),
    "https://www.npmjs.com/package/@angular/animation/v/12.3.1": (
        "pkg:npm/%40angular/animation@12.3.1"
    ),
    "https://www.npmjs.com/package/foobar": "pkg:npm/foobar",
    "https://registry.npmjs.org/@angular/animation/-/animation-12.3.1.tgz": (
        "pkg:npm/%40angular/animation@12.3.1"
    ),
    "https://registry.npmjs.org/foobar/-/foobar-12.3.1.tgz": "pkg:npm/foobar@12.3.1",
    "https://crates.io/crates/rand/0.7.2": "pkg:cargo/rand@0.7.2",
    "https://crates.io/api/v1/crates/rand/0.7.2/download": "pkg:cargo/rand@0.7.2",
    "https://static.crates.io/crates/rand/rand-0.7.2.crate": "pkg:cargo/rand@0.7.2",
    "https://rubygems.org/gems/jruby-launcher/versions/1.1.2-java": (
        "pkg:gem/jruby-launcher@1.1.2?platform=java"
    ),
    "https://rubygems.org/downloads/jruby-launcher-1.1.2-java.gem": (
        "pkg:gem/jruby-launcher@1.1.2?platform=java"
    ),
    "https://rubygems.org/gems/nokogiri-1.15.0-x86_64-linux.gem": (
        "pkg:gem/nokogiri@1.15.0?platform=x86_64-linux"
    ),
    "https://rubygems.org/downloads/rails-7.0.0.gem": "pkg:gem/rails@7.0.0",
    "https://repo1.maven.org/maven2/org/apache/xmlgraphics/batik-anim/1.9.1/"
    "batik-anim-1.9.1-sources.jar": (
        "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources"
    ),
    "https://repo.maven.apache.org/maven2/org/apache/xmlgraphics/batik-anim/1.9.1/"
    "batik-anim-1.9.1.pom": "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom",
    "https://central.sonatype.com/artifact/org.apache.xmlgraphics/batik-anim/1.9.1": (
        "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1"
    ),
    "https://www.nuget.org/packages/EnterpriseLibrary.Common/6.0.1304": (
        "pkg:nuget/EnterpriseLibrary.Common@6.0.1304"
    ),
    "https://www.nuget.org/api/v2/package/EnterpriseLibrary.Common/6.0.1304": (
        "pkg:nuget/EnterpriseLibrary.Common@6.0.1304"
    ),
    "https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg": (
        "pkg:nuget/newtonsoft.json@13.0.3"
    ),
    "https://pkg.go.dev/github.com/BurntSushi/toml@v1.3.2": (
        "pkg:golang/github.com/BurntSushi/toml@v1.3.2"
    ),
    "https://pkg.go.dev/google.golang.org/genproto@v0.0.1/googleapis/api/annotations": (
        "pkg:golang/google.golang.org/genproto@v0.0.1#googleapis/api/annotations"
    ),
    "https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/v1.3.2.zip": (
        "pkg:golang/github.com/BurntSushi/toml@v1.3.2"
    ),
    "https://github.com/Package-URL/purl-spec": "pkg:github/package-url/purl-spec",
    "https://github.com/package-url/purl-spec.git": "pkg:github/package-url/purl-spec",
    "https://github.com/package-url/purl-spec/tree/244fd47e07d1004": (
        "pkg:github/package-url/purl-spec@244fd47e07d1004"
    ),
    "https://github.com/package-url/purl-spec/archive/244fd47e07d1004.tar.gz": (
        "pkg:github/package-url/purl-spec@244fd47e07d1004"
    ),
    "https://github.com/package-url/purl-spec/archive/refs/tags/v1.0.1.zip": (
        "pkg:github/package-url/purl-spec@v1.0.1"
    ),
    "https://github.com/package-url/purl-spec/releases/tag/v1.0.1": (
        "pkg:github/package-url/purl-spec@v1.0.1"
    ),
    "https://gitlab.com/gitlab-org/gitlab-runner/-/tree/v16.0.0": (
        "pkg:gitlab/gitlab-org/gitlab-runner@v16.0.0"
    ),
    "https://gitlab.com/gitlab-org/gitlab-runner/-/archive/v16.0.0/gitlab-runner-v16.0.0.tar.gz": (
        "pkg:gitlab/gitlab-org/gitlab-runner@v16.0.0"
    ),
    "https://gitlab.com/gitlab-org/security/gitlab": "pkg:gitlab/gitlab-org/security/gitlab",
    "https://bitbucket.org/birkenfeld/pygments-main/src/244fd47e07d1014f0aed9c": (
        "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c"
    ),
    "https://bitbucket.org/birkenfeld/pygments-main/get/244fd47e07d1014f0aed9c.tar.gz": (
        "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c"
    ),
    "https://packages.debian.org/jessie/curl": "pkg:deb/debian/curl?distro=jessie",
    "https://packages.debian.org/source/buster/attr": (
        "pkg:deb/debian/attr?arch=source&distro=buster"
    ),
    "https://deb.debian.org/debian/pool/main/a/attr/attr_2.4.47-2.dsc": (
        "pkg:deb/debian/attr@2.4.47-2?arch=source"
    ),
    "https://deb.debian.org/debian/pool/main/c/curl/curl_7.50.3-1_i386.deb": (
        "pkg:deb/debian/curl@7.50.3-1?arch=i386"
    ),
    "http://archive.ubuntu.com/ubuntu/pool/main/d/dpkg/dpkg_1.19.0.4_amd64.deb": (
        "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64"
    ),
    "https://hub.docker.com/_/cassandra": "pkg:docker/cassandra",
    "https://hub.docker.com/r/smartentry/debian": "pkg:docker/smartentry/debian",
    "https://registry-1.docker.io/v2/library/cassandra/manifests/latest": (
        "pkg:docker/cassandra@latest"
    ),
    "https://registry-1.docker.io/v2/smartentry/debian/manifests/dc437cc87d10": (
        "pkg:docker/smartentry/debian@dc437cc87d10"
    ),
    "https://gcr.io/v2/distroless/static/manifests/sha256:244fd47e07d10": (
        "pkg:oci/static@sha256:244fd47e07d10?repository_url=gcr.io/distroless/static"
    ),
    "https://ghcr.io/v2/debian/manifests/bullseye": (
        "pkg:oci/debian?repository_url=ghcr.io/debian&tag=bullseye"
    ),
    "https://packagist.org/packages/laravel/laravel#5.5.0": "pkg:composer/laravel/laravel@5.5.0",
    "https://packagist.org/packages/Laravel/Laravel": "pkg:composer/laravel/laravel",
    "https://hex.pm/packages/jason/1.1.2": "pkg:hex/jason@1.1.2",
    "https://hex.pm/packages/acme/foo/2.3.0": "pkg:hex/acme/foo@2.3.0",
    "https://hex.pm/packages/acme/foo": "pkg:hex/acme/foo",
    "https://repo.hex.pm/tarballs/jason-1.1.2.tar": "pkg:hex/jason@1.1.2",
    "https://repo.hex.pm/repos/acme/tarballs/foo-2.3.0.tar": "pkg:hex/acme/foo@2.3.0",
    "https://pub.dev/packages/characters/versions/1.2.0": "pkg:pub/characters@1.2.0",
    "https://pub.dev/api/archives/characters-1.2.0.tar.gz": "pkg:pub/characters@1.2.0",
    "https://pub.dartlang.org/packages/characters/versions/1.2.0.tar.gz": (
        "pkg:pub/characters@1.2.0"
    ),
    "https://cran.r-project.org/package=A3": "pkg:cran/A3",
    "https://CRAN.R-project.org/web/packages/rJava/index.html": "pkg:cran/rJava",
    "https://cran.r-project.org/src/contrib/A3_0.9.1.tar.gz": "pkg:cran/A3@0.9.1",
    "https://cran.r-project.org/src/contrib/Archive/caret/caret_6.0-88.tar.gz": (
        "pkg:cran/caret@6.0-88"
    ),
    "https://anaconda.org/anaconda/absl-py": "pkg:conda/absl-py?channel=main",
    "https://repo.anaconda.com/pkgs/main/linux-64/absl-py-0.4.1-py36h06a4308_0.tar.bz2": (
        "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2"
    ),
    "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py312h8753938_0.conda": (
        "pkg:conda/numpy@1.26.4?build=py312h8753938_0&channel=conda-forge&subdir=linux-64&type=conda"
    ),
    "https://cocoapods.org/pods/AFNetworking": "pkg:cocoapods/AFNetworking",
    "https://swiftpackageindex.com/Alamofire/Alamofire": "pkg:swift/github.com/Alamofire/Alamofire",
    "https://hackage.haskell.org/package/AC-HalfInteger-1.2.1": "pkg:hackage/AC-HalfInteger@1.2.1",
    "https://hackage.haskell.org/package/3d-graphics-examples": "pkg:hackage/3d-graphics-examples",
    "https://hackage.haskell.org/package/a50-0.5/a50-0.5.tar.gz": "pkg:hackage/a50@0.5",
    "https://formulae.brew.sh/formula/sqlite": "pkg:brew/sqlite",
    "https://formulae.brew.sh/formula/postgresql@12": "pkg:brew/postgresql%4012",
    "https://formulae.brew.sh/cask/firefox": "pkg:brew/homebrew/cask/firefox",
}


@pytest.mark.parametrize(("purl", "urls"), TO_URLS.items(), ids=list(TO_URLS))
def test_purl_to_urls(purl: str, urls: tuple[str | None, str | None, str | None]) -> None:
    assert purl_to_urls(purl) == PurlUrls(*urls)
    assert purl_to_urls(parse_purl(purl)) == PurlUrls(*urls)


@pytest.mark.parametrize(("url", "purl"), FROM_URL.items(), ids=list(FROM_URL))
def test_purl_from_url(url: str, purl: str) -> None:
    assert purl_from_url(url) == parse_purl(purl)


def test_every_download_url_reads_back_as_its_purl() -> None:
    checked = 0
    for purl, (_page, download, _repository) in TO_URLS.items():
        expected = parse_purl(purl)
        if download is None or (expected.type == "docker" and "repository_url" in purl):
            continue  # a docker image on another registry reads back as an oci purl
        found = purl_from_url(download)
        if expected.type == "swift":  # a tag archive on GitHub reads back as a github purl
            assert (found.type, found.version) == ("github", expected.version)
        elif expected.type == "deb":  # pool file names drop the epoch and the distro
            assert (found.name, found.qualifier("arch")) == (expected.name, "source")
        elif expected.type == "oci":  # tags are not part of a manifest URL by digest
            assert found.version == expected.version
        elif expected.type == "golang":  # a module zip holds every package: no subpath
            assert found == dataclasses.replace(expected, subpath=None)
        else:
            assert found == expected
        checked += 1
    assert checked >= 25


@pytest.mark.parametrize(
    ("purl", "urls"),
    [
        (
            "pkg:npm/foobar@1.0.0?repository_url=https://npm.example.com/",
            (None, "https://npm.example.com/foobar/-/foobar-1.0.0.tgz", "https://npm.example.com"),
        ),
        (
            "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?repository_url=repo.spring.io/release",
            (
                None,
                "https://repo.spring.io/release/org/apache/xmlgraphics/batik-anim/1.9.1/"
                "batik-anim-1.9.1.jar",
                "https://repo.spring.io/release",
            ),
        ),
        (
            "pkg:gem/rails@7.0.0?repository_url=https://gems.example.com",
            (None, "https://gems.example.com/gems/rails-7.0.0.gem", "https://gems.example.com"),
        ),
        (
            "pkg:hex/bar@1.2.3?repository_url=https://myrepo.example.com",
            (
                None,
                "https://myrepo.example.com/tarballs/bar-1.2.3.tar",
                "https://myrepo.example.com",
            ),
        ),
        (
            "pkg:pypi/django@1.0?repository_url=https://pypi.example.com/simple",
            (None, None, "https://pypi.example.com/simple"),
        ),
        (
            "pkg:cargo/rand@0.7.2?repository_url=https://crates.example.com",
            (None, None, "https://crates.example.com"),
        ),
        (
            "pkg:generic/openssl@1.1.0g?download_url=https://openssl.org/source/openssl-1.1.0g.tar.gz",
            (None, "https://openssl.org/source/openssl-1.1.0g.tar.gz", None),
        ),
        (
            "pkg:bazel/rules_java@7.8.0",
            (None, None, "https://bcr.bazel.build"),
        ),
    ],
)
def test_qualifiers_override_the_default_registry(
    purl: str, urls: tuple[str | None, str | None, str | None]
) -> None:
    assert purl_to_urls(purl) == PurlUrls(*urls)


@pytest.mark.parametrize(
    ("url", "position", "problem"),
    [
        ("https://example.com/x", 8, "no rule turns a URL of this host into a purl"),
        ("https://crates.io/teams/x", 17, "no rule of crates.io matches this path"),
        ("https://pypi.org", 16, "no rule of pypi.org matches this path"),
        (
            "https://files.pythonhosted.org/packages/x.whl",
            30,
            "no rule of files.pythonhosted.org matches this path",
        ),
        ("ftp://pypi.org/project/x/", 0, "expected an http or https URL"),
        ("pkg:pypi/django", 0, "expected an http or https URL"),
    ],
)
def test_unknown_urls_raise_purl_errors(url: str, position: int, problem: str) -> None:
    with pytest.raises(PurlError) as caught:
        purl_from_url(url)
    assert (caught.value.what, caught.value.problem, caught.value.position) == (
        "URL",
        problem,
        position,
    )


PATH_WORDS = sorted(
    {segment for url in FROM_URL for segment in url.split("#")[0].split("/")[3:]}
    | {"x.whl", "a-b.tar.gz", "a.gem", "a_1.deb", "a.dsc", "-", "@v", "v2", "a.tar"}
)
KNOWN_HOSTS = sorted({url.split("/")[2].lower().removeprefix("www.") for url in FROM_URL})


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(KNOWN_HOSTS),
    st.lists(
        st.one_of(
            # the words the rules look for, so generated paths get past the first checks
            st.sampled_from(PATH_WORDS),
            st.text(st.sampled_from("ab1.-_@!~%:"), max_size=8),
        ),
        max_size=7,
    ),
    st.text(st.sampled_from("ab1.-"), max_size=4),
)
def test_purl_from_url_raises_only_purl_errors(host: str, segments: list[str], tail: str) -> None:
    url = f"https://{host}/{'/'.join(segments)}{tail}"
    try:
        purl = purl_from_url(url)
    except PurlError:
        return
    assert parse_purl(purl.to_string()) == purl


URL_TYPES = ["pypi", "npm", "cargo", "gem", "maven", "nuget", "golang", "github", "gitlab"]
URL_TYPES += ["bitbucket", "deb", "docker", "oci", "composer", "hex", "pub", "cran", "conda"]
URL_TYPES += ["cocoapods", "swift", "hackage", "brew", "bazel", "generic"]
URL_QUALIFIERS = ["file_name", "platform", "classifier", "type", "channel", "subdir", "build"]
URL_QUALIFIERS += ["repository_url", "download_url", "arch", "distro", "tag"]
text_piece = st.text(st.sampled_from("ab1.-_@/: é"), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(URL_TYPES),
    text_piece,
    st.none() | text_piece,
    st.none() | text_piece,
    st.dictionaries(
        st.sampled_from(URL_QUALIFIERS),
        text_piece,
        max_size=4,
    ),
)
def test_purl_to_urls_never_fails_on_a_valid_purl(
    purl_type: str,
    name: str,
    namespace: str | None,
    version: str | None,
    qualifiers: dict[str, str],
) -> None:
    try:
        purl = build_purl(purl_type, name, namespace, version, qualifiers)
    except PurlError:
        return
    urls = purl_to_urls(purl)
    given_download = purl.qualifier("download_url")
    for url in (urls.registry_page, urls.download, urls.repository):
        assert url is None or url == given_download or "://" in url
