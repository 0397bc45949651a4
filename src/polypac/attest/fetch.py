"""Fetching attestations from the registries that publish them, many packages at once.

Each ecosystem serves them from its own endpoint:

- PyPI (PEP 740): the JSON simple API (``application/vnd.pypi.simple.v1+json``) lists each
  file with its ``hashes`` and a ``provenance`` URL (``null``: none); an index that does not
  send the field is asked through the integrity API,
  ``{base}/integrity/<project>/<version>/<filename>/provenance``;
- npm: the packument's ``versions[v].dist`` (``integrity``, ``signatures``,
  ``attestations.url``, else ``{registry}-/npm/v1/attestations/<name>@<version>``) and the
  registry keys, ``{registry}-/npm/v1/keys``;
- RubyGems: ``/api/v1/attestations/<name>-<version>[-<platform>].json``, the gem's sha256
  from ``/api/v2/rubygems/<name>/versions/<version>.json``;
- Maven Central: ``<artifact URL>.sigstore.json`` (legacy ``.sigstore``) beside the file,
  its sha256 from ``<artifact URL>.sha256``;
- GitHub: ``/repos/<owner>/<repo>/attestations/sha256:<hex>`` (also ``/orgs/``, ``/users/``),
  through :func:`fetch_github`.

Every request goes through :class:`polypac.net.HttpClient` (cache, retries, offline), in two
rounds of :meth:`~polypac.net.HttpClient.get_many`: the index documents of every package,
then every attestation URL they lead to. A 404 is an answer: the artifact has no
attestations (:class:`NoAttestations`). Anything else that goes wrong for a package is a
:class:`FetchError` naming the package, the step and the URL, in that package's slot of the
result: one bad package never stops the others.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_sdist_filename,
    parse_wheel_filename,
)

from polypac.attest.bundle import Attestation, load_attestations
from polypac.attest.digest import Digest
from polypac.attest.errors import AttestationError, BundleError, InvalidDigest
from polypac.errors import PolypacError
from polypac.net import HttpClient, HttpResponse, HttpStatusError, NetError
from polypac.net import npm_registry as configured_npm_registry
from polypac.net import pip_index_urls as configured_pip_index_urls
from polypac.purl import PackageURL, parse_purl

__all__ = [
    "ATTESTED_TYPES",
    "PYPI_SIMPLE_JSON",
    "ArtifactAttestations",
    "Endpoints",
    "FetchError",
    "NoAttestations",
    "NpmMaterial",
    "fetch_attestations",
    "fetch_github",
]

PYPI_SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
"""The media type of PyPI's JSON simple API (PEP 691), which carries ``provenance``."""

ATTESTED_TYPES = frozenset({"pypi", "npm", "gem", "maven"})
"""The PURL types whose registries publish attestations."""

_JSON = "application/json"
_ABSENT: Any = object()  # a field the index did not send (unlike one it sent as null)


class FetchError(AttestationError):
    """A package whose attestations could not be fetched or read.

    ``source`` is the package's PURL, ``step`` what was being fetched or read ("index",
    "packument", "attestations", "registry keys", ...), ``url`` the request, ``reason`` why.
    """

    action = "cannot fetch attestations"
    hint = "The registry failed or sent something unreadable; try again, or check the URL."

    def __init__(self, source: str, step: str, reason: str, url: str | None = None) -> None:
        self.url = url
        super().__init__(source, step, reason if url is None else f"{reason} (GET {url})")
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.source, self.step, self.reason, self.url))


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where each registry is: defaults are the public ones, :meth:`configured` reads pip's
    and npm's configuration. Every URL is a base without a trailing ``/``."""

    pypi_simple: str = "https://pypi.org/simple"
    pypi_integrity: str | None = "https://pypi.org"
    npm_registry: str = "https://registry.npmjs.org"
    rubygems: str = "https://rubygems.org"
    maven: str = "https://repo1.maven.org/maven2"
    github_api: str = "https://api.github.com"

    @classmethod
    def configured(cls) -> Endpoints:
        """pip's ``index-url`` and npm's ``registry``; the integrity API only for pypi.org."""
        index = configured_pip_index_urls().index_url.rstrip("/")
        integrity = "https://pypi.org" if index == "https://pypi.org/simple" else None
        return cls(
            pypi_simple=index,
            pypi_integrity=integrity,
            npm_registry=configured_npm_registry().rstrip("/"),
        )


@dataclass(frozen=True, slots=True)
class NoAttestations:
    """The registry has no attestations for the artifact: ``url`` answered 404, or the index
    said so (``url`` is then the index page); ``reason`` says which."""

    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class NpmMaterial:
    """What npm's verification needs beside the attestations: ``dist.integrity``, the
    registry's ``dist.signatures`` as ``(keyid, sig)``, the keys document, the response."""

    integrity: str
    signatures: tuple[tuple[str, str], ...]
    keys: Mapping[str, Any] = field(hash=False, compare=False)
    response: Mapping[str, Any] | None = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class ArtifactAttestations:
    """The attestations of one artifact (a file) of a package.

    ``artifact`` is the file name, ``digests`` what the registry says the file's digests are,
    ``url`` where the attestations were (or would be) served, ``attestations`` what was read
    there (empty when ``missing``), ``npm`` the npm material for npm packages.
    """

    purl: str
    artifact: str
    digests: tuple[Digest, ...]
    url: str | None
    attestations: tuple[Attestation, ...]
    missing: NoAttestations | None = None
    npm: NpmMaterial | None = None


PackageAttestations = tuple[ArtifactAttestations, ...]


# planning: the first round (index documents) and the second (attestations)


@dataclass(slots=True)
class _Request:
    url: str
    accept: str | None


@dataclass(slots=True)
class _Pending:
    """An artifact whose attestation URLs are known (first found wins)."""

    artifact: str
    digests: tuple[Digest, ...]
    urls: tuple[str, ...]
    npm: tuple[str, tuple[tuple[str, str], ...], str] | None = None  # integrity, sigs, keys URL
    missing: NoAttestations | None = None
    hash_artifact: str | None = None  # the URL to fetch and hash when no digest is published


def fetch_attestations(
    client: HttpClient,
    purls: Iterable[str | PackageURL],
    *,
    endpoints: Endpoints | None = None,
) -> dict[str, PackageAttestations | FetchError]:
    """Fetch the attestations of every package in ``purls`` (with versions), concurrently.

    The answer maps each canonical PURL to the attestations of its artifacts, or to the
    :class:`FetchError` that stopped that package. A PURL ``checksum`` qualifier
    (``sha256:HEX``, as lockfiles record) overrides the digest the registry states.
    """
    where = endpoints or Endpoints()
    results: dict[str, PackageAttestations | FetchError] = {}
    targets: dict[str, PackageURL] = {}
    order: list[str] = []  # the answer keeps the order of ``purls``
    for given in purls:
        text = given if isinstance(given, str) else given.to_string()
        try:
            purl = parse_purl(given) if isinstance(given, str) else given
        except PolypacError as error:
            results[text] = FetchError(text, "purl", str(error).splitlines()[0])
            order.append(text)
            continue
        key = purl.to_string()
        order.append(key)
        if purl.type not in ATTESTED_TYPES:
            results[key] = FetchError(key, "purl", f"{purl.type} packages have no attestations")
        elif not purl.version:
            results[key] = FetchError(key, "purl", "a version is needed")
        else:
            targets[key] = purl

    first = {key: _first_request(purl, where) for key, purl in targets.items()}
    answers = _get_all(client, first.values())
    pending: dict[str, list[_Pending]] = {}
    for key, request in first.items():
        try:
            pending[key] = _plan(targets[key], key, request, answers[request.url], where)
        except FetchError as error:
            results[key] = error

    _hash_artifacts(client, pending, results)
    second = [
        _Request(url, _JSON)
        for items in pending.values()
        for item in items
        for url in (*item.urls, *([item.npm[2]] if item.npm else []))
    ]
    answers.update(_get_all(client, second))
    for key, items in pending.items():
        try:
            results[key] = tuple(_read(key, item, answers) for item in items)
        except FetchError as error:
            results[key] = error
    return {key: results[key] for key in dict.fromkeys(order)}


def fetch_github(
    client: HttpClient,
    digest: Digest,
    *,
    repository: str | None = None,
    org: str | None = None,
    user: str | None = None,
    api: str = "https://api.github.com",
    token: str | None = None,
) -> list[Attestation] | NoAttestations:
    """GitHub's attestations of the artifact with ``digest`` (sha256), by one owner.

    Give exactly one of ``repository`` (``OWNER/REPO``), ``org`` or ``user``. ``token`` is
    sent as a bearer token (private repositories need one).
    """
    owners = [value for value in (repository, org, user) if value]
    if len(owners) != 1:
        raise ValueError("give exactly one of repository, org and user")
    if repository:
        path = f"repos/{repository.strip('/')}"
    elif org:
        path = f"orgs/{quote(org, safe='')}"
    else:
        path = f"users/{quote(str(user), safe='')}"
    url = f"{api.rstrip('/')}/{path}/attestations/{digest}"
    headers = {"Authorization": f"Bearer {token}"} if token else None
    source = f"github:{digest}"
    try:
        response = client.get(url, headers=headers, accept="application/vnd.github+json")
    except HttpStatusError as error:
        if error.status == 404:
            return NoAttestations(url, "GitHub has no attestations for this digest")
        raise FetchError(source, "attestations", error.problem, url) from error
    except NetError as error:
        raise FetchError(source, "attestations", error.problem, url) from error
    return _load(source, response, url)


def _get_all(
    client: HttpClient, requests: Iterable[_Request]
) -> dict[str, HttpResponse | NetError]:
    by_accept: dict[str | None, list[str]] = defaultdict(list)
    for request in requests:
        by_accept[request.accept].append(request.url)
    answers: dict[str, HttpResponse | NetError] = {}
    for accept, urls in by_accept.items():
        answers.update(client.get_many(urls, accept=accept))
    return answers


def _first_request(purl: PackageURL, where: Endpoints) -> _Request:
    if purl.type == "pypi":
        name = canonicalize_name(purl.name)
        return _Request(f"{where.pypi_simple.rstrip('/')}/{name}/", PYPI_SIMPLE_JSON)
    if purl.type == "npm":
        return _Request(f"{where.npm_registry}/{_npm_path(purl)}", _JSON)
    if purl.type == "gem":
        platform = purl.qualifier("platform")
        query = f"?platform={quote(platform)}" if platform else ""
        gem, version = quote(purl.name), quote(str(purl.version))
        return _Request(
            f"{where.rubygems}/api/v2/rubygems/{gem}/versions/{version}.json{query}", _JSON
        )
    return _Request(f"{_maven_url(purl, where)}.sha256", None)


def _npm_name(purl: PackageURL) -> str:
    return f"{purl.namespace}/{purl.name}" if purl.namespace else purl.name


def _npm_path(purl: PackageURL) -> str:
    return quote(_npm_name(purl), safe="@")  # the registry wants "@scope%2fname"


def _maven_url(purl: PackageURL, where: Endpoints) -> str:
    group = (purl.namespace or "").replace(".", "/")
    classifier = purl.qualifier("classifier")
    extension = purl.qualifier("type") or "jar"
    file = f"{purl.name}-{purl.version}{f'-{classifier}' if classifier else ''}.{extension}"
    return f"{where.maven}/{group}/{purl.name}/{purl.version}/{file}"


def _checksums(purl: PackageURL, key: str) -> tuple[Digest, ...]:
    """The PURL's ``checksum`` qualifier (what a lockfile recorded), as digests."""
    text = purl.qualifier("checksum")
    if not text:
        return ()
    found: list[Digest] = []
    for part in text.split(","):
        try:
            found.append(Digest.parse(part.strip()))
        except InvalidDigest as error:
            raise FetchError(key, "checksum", str(error).splitlines()[0]) from error
    return tuple(found)


def _answer_json(
    key: str, step: str, url: str, answer: HttpResponse | NetError | None
) -> Any | None:
    """The JSON document ``url`` answered; ``None`` for a 404; else a :class:`FetchError`."""
    if answer is None:
        raise FetchError(key, step, "no answer", url)
    if isinstance(answer, NetError):
        if isinstance(answer, HttpStatusError) and answer.status in (404, 410):
            return None
        tries = f" after {answer.attempts} attempts" if answer.attempts > 1 else ""
        status = f"HTTP {answer.status}: " if answer.status is not None else ""
        raise FetchError(key, step, f"{status}{answer.problem}{tries}", url)
    text = _text(key, step, url, answer.content)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FetchError(key, step, f"malformed JSON: {error}", url) from error


def _text(key: str, step: str, url: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FetchError(
            key, step, f"not UTF-8 text (byte {error.start}: {error.reason})", url
        ) from error


def _plan(
    purl: PackageURL,
    key: str,
    request: _Request,
    answer: HttpResponse | NetError,
    where: Endpoints,
) -> list[_Pending]:
    if purl.type == "pypi":
        return _plan_pypi(purl, key, request.url, answer, where)
    if purl.type == "npm":
        return [_plan_npm(purl, key, request.url, answer, where)]
    if purl.type == "gem":
        return [_plan_gem(purl, key, request.url, answer, where)]
    return [_plan_maven(purl, key, request.url, answer, where)]


def _plan_pypi(
    purl: PackageURL, key: str, url: str, answer: HttpResponse | NetError, where: Endpoints
) -> list[_Pending]:
    page = _answer_json(key, "index", url, answer)
    if page is None:
        raise FetchError(key, "index", "the index has no such project", url)
    files = page.get("files") if isinstance(page, dict) else None
    if not isinstance(files, list):
        raise FetchError(key, "index", "not a JSON simple API page (no 'files' list)", url)
    wanted_file = purl.qualifier("file_name")
    version = canonicalize_version(str(purl.version))
    lockfile_digests = _checksums(purl, key)
    pending: list[_Pending] = []
    for number, entry in enumerate(files):
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            raise FetchError(key, "index", f"files[{number}] has no filename", url)
        filename: str = entry["filename"]
        if wanted_file is not None and filename != wanted_file:
            continue
        if wanted_file is None and _file_version(filename) != version:
            continue
        digests = lockfile_digests or _pypi_hashes(key, url, entry, number)
        provenance = entry.get("provenance", _ABSENT)
        if provenance is None:
            missing = NoAttestations(url, f"the index lists no provenance for {filename}")
            pending.append(_Pending(filename, digests, (), missing=missing))
        elif isinstance(provenance, str):
            pending.append(_Pending(filename, digests, (provenance,)))
        elif provenance is _ABSENT and where.pypi_integrity is not None:
            integrity = (
                f"{where.pypi_integrity.rstrip('/')}/integrity/{quote(canonicalize_name(purl.name))}"
                f"/{quote(str(purl.version))}/{quote(filename)}/provenance"
            )
            pending.append(_Pending(filename, digests, (integrity,)))
        elif provenance is _ABSENT:
            missing = NoAttestations(url, "the index does not serve PEP 740 provenance")
            pending.append(_Pending(filename, digests, (), missing=missing))
        else:
            raise FetchError(key, "index", f"files[{number}].provenance is not a URL", url)
    if not pending:
        raise FetchError(key, "index", f"no file of version {purl.version} on the index", url)
    return pending


def _file_version(filename: str) -> str | None:
    try:
        if filename.endswith(".whl"):
            return str(canonicalize_version(str(parse_wheel_filename(filename)[1])))
        return str(canonicalize_version(str(parse_sdist_filename(filename)[1])))
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None


def _pypi_hashes(key: str, url: str, entry: dict[str, Any], number: int) -> tuple[Digest, ...]:
    hashes = entry.get("hashes")
    if not isinstance(hashes, dict):
        return ()
    found: list[Digest] = []
    for algorithm in ("sha256", "sha512"):
        value = hashes.get(algorithm)
        if isinstance(value, str):
            try:
                found.append(Digest.parse(f"{algorithm}:{value}"))
            except InvalidDigest as error:
                raise FetchError(
                    key, "index", f"files[{number}].hashes.{algorithm} is not hexadecimal", url
                ) from error
    return tuple(found)


def _plan_npm(
    purl: PackageURL, key: str, url: str, answer: HttpResponse | NetError, where: Endpoints
) -> _Pending:
    packument = _answer_json(key, "packument", url, answer)
    if packument is None:
        raise FetchError(key, "packument", "the registry has no such package", url)
    versions = packument.get("versions") if isinstance(packument, dict) else None
    manifest = versions.get(str(purl.version)) if isinstance(versions, dict) else None
    if not isinstance(manifest, dict):
        raise FetchError(key, "packument", f"no version {purl.version} in the packument", url)
    dist = manifest.get("dist")
    integrity = dist.get("integrity") if isinstance(dist, dict) else None
    if not isinstance(dist, dict) or not isinstance(integrity, str):
        raise FetchError(key, "packument", "the version has no dist.integrity", url)
    try:
        digests = _checksums(purl, key) or (_sri_digest(integrity),)
    except ValueError as error:
        raise FetchError(key, "packument", f"dist.integrity: {error}", url) from error
    listed = dist.get("signatures")
    signatures = tuple(
        (str(item.get("keyid", "")), str(item.get("sig", "")))
        for item in (listed if isinstance(listed, list) else ())
        if isinstance(item, dict)
    )
    attestations = dist.get("attestations")
    given = attestations.get("url") if isinstance(attestations, dict) else None
    name = _npm_name(purl)
    attestation_url = (
        given
        if isinstance(given, str)
        else f"{where.npm_registry}/-/npm/v1/attestations/{quote(name, safe='@/')}@{purl.version}"
    )
    tarball = dist.get("tarball")
    artifact = tarball.rsplit("/", 1)[-1] if isinstance(tarball, str) else f"{name}@{purl.version}"
    keys_url = f"{where.npm_registry}/-/npm/v1/keys"
    return _Pending(artifact, digests, (attestation_url,), npm=(integrity, signatures, keys_url))


def _sri_digest(integrity: str) -> Digest:
    """The sha512 (or sha256) of an SRI ``dist.integrity``, as a :class:`Digest`."""
    for part in integrity.split():
        algorithm, _, value = part.partition("-")
        if algorithm in ("sha512", "sha256"):
            try:
                raw = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError) as error:
                raise ValueError(f"{part!r} is not base64") from error
            return Digest("sha512" if algorithm == "sha512" else "sha256", raw.hex())
    raise ValueError(f"{integrity!r} has no sha512 or sha256 digest")


def _plan_gem(
    purl: PackageURL, key: str, url: str, answer: HttpResponse | NetError, where: Endpoints
) -> _Pending:
    digests = _checksums(purl, key)
    if not digests:
        info = _answer_json(key, "version info", url, answer)
        sha = info.get("sha") if isinstance(info, dict) else None
        if not isinstance(sha, str):
            raise FetchError(key, "version info", "the gem version has no sha", url)
        try:
            digests = (Digest.parse(f"sha256:{sha}"),)
        except InvalidDigest as error:
            raise FetchError(key, "version info", "sha is not a sha256", url) from error
    platform = purl.qualifier("platform")
    suffix = f"-{platform}" if platform and platform != "ruby" else ""
    full = f"{purl.name}-{purl.version}{suffix}"
    return _Pending(
        f"{full}.gem", digests, (f"{where.rubygems}/api/v1/attestations/{quote(full)}.json",)
    )


def _plan_maven(
    purl: PackageURL, key: str, url: str, answer: HttpResponse | NetError, where: Endpoints
) -> _Pending:
    artifact_url = _maven_url(purl, where)
    digests = _checksums(purl, key)
    hash_artifact: str | None = None
    if not digests:
        if isinstance(answer, NetError):
            _answer_json(key, "checksum", url, answer)  # raises, unless a 404
            hash_artifact = artifact_url  # no .sha256 published: hash the artifact itself
        else:
            text = _text(key, "checksum", url, answer.content).split()
            try:
                digests = (Digest.parse(f"sha256:{text[0] if text else ''}"),)
            except InvalidDigest as error:
                raise FetchError(
                    key, "checksum", "the .sha256 file holds no sha256", url
                ) from error
    return _Pending(
        artifact_url.rsplit("/", 1)[-1],
        digests,
        (f"{artifact_url}.sigstore.json", f"{artifact_url}.sigstore"),
        hash_artifact=hash_artifact,
    )


def _hash_artifacts(
    client: HttpClient,
    pending: dict[str, list[_Pending]],
    results: dict[str, PackageAttestations | FetchError],
) -> None:
    """Digest the artifacts whose registry publishes no sha256 (Maven without ``.sha256``)."""
    wanted = [item.hash_artifact for items in pending.values() for item in items
              if item.hash_artifact is not None]  # fmt: skip
    if not wanted:
        return
    answers = client.get_many(wanted)
    for key, items in list(pending.items()):
        for number, item in enumerate(items):
            if item.hash_artifact is None:
                continue
            answer = answers[item.hash_artifact]
            if isinstance(answer, NetError):
                status = f"HTTP {answer.status}: " if answer.status is not None else ""
                results[key] = FetchError(
                    key, "artifact", f"{status}{answer.problem}", item.hash_artifact
                )
                del pending[key]
                break
            items[number] = _Pending(
                item.artifact, Digest.of_bytes(answer.content), item.urls, item.npm, item.missing
            )


def _read(
    key: str, item: _Pending, answers: Mapping[str, HttpResponse | NetError]
) -> ArtifactAttestations:
    npm: NpmMaterial | None = None
    if item.npm is not None:
        integrity, signatures, keys_url = item.npm
        keys = _answer_json(key, "registry keys", keys_url, answers.get(keys_url))
        if not isinstance(keys, dict):
            raise FetchError(key, "registry keys", "the registry serves no keys", keys_url)
        npm = NpmMaterial(integrity, signatures, keys, None)
    if item.missing is not None:
        return ArtifactAttestations(key, item.artifact, item.digests, None, (), item.missing, npm)
    for url in item.urls:
        answer = answers.get(url)
        document = _answer_json(key, "attestations", url, answer)
        if document is None:
            continue
        assert isinstance(answer, HttpResponse)
        attestations = _load(key, answer, url)
        if npm is not None and isinstance(document, dict):
            npm = NpmMaterial(npm.integrity, npm.signatures, npm.keys, document)
        if not attestations:
            missing = NoAttestations(url, "the registry answered an empty list")
            return ArtifactAttestations(key, item.artifact, item.digests, url, (), missing, npm)
        return ArtifactAttestations(
            key, item.artifact, item.digests, url, tuple(attestations), None, npm
        )
    last = item.urls[-1]
    missing = NoAttestations(item.urls[0], f"no attestations (HTTP 404 from {last})")
    return ArtifactAttestations(key, item.artifact, item.digests, item.urls[0], (), missing, npm)


def _load(key: str, answer: HttpResponse, url: str) -> list[Attestation]:
    text = _text(key, "attestations", url, answer.content)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FetchError(key, "attestations", f"malformed JSON: {error}", url) from error
    # RubyGems answers a JSON array of bundles; the others one document.
    documents = document if isinstance(document, list) else [document]
    if not documents:
        return []
    found: list[Attestation] = []
    try:
        for one in documents:
            found.extend(load_attestations(json.dumps(one), source=url))
    except BundleError as error:
        raise FetchError(key, f"attestations ({error.step})", error.reason, url) from error
    return found
