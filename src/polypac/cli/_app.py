"""The click command tree. Each command only wires inputs to the library and renders."""

from __future__ import annotations

import json
from typing import Any

import click

from polypac import __version__
from polypac.cli._io import Outcome, iter_inputs, run_batch
from polypac.errors import PolypacError, PurlError

__all__ = ["cli"]

JSON_HELP = "Print one JSON object per input (errors included) instead of text."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="polypac")
def cli() -> None:
    """polypac: package identity, versions and ranges for every ecosystem."""


# ---------------------------------------------------------------------------- purl


@cli.group()
def purl() -> None:
    """Parse, build, validate and convert Package-URLs (ECMA-427)."""


def _purl_data(p: Any) -> dict[str, Any]:
    return {
        "purl": p.to_string(),
        "type": p.type,
        "namespace": p.namespace,
        "name": p.name,
        "version": p.version,
        "qualifiers": dict(p.qualifiers),
        "subpath": p.subpath,
    }


@purl.command("parse")
@click.argument("purls", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def purl_parse(purls: tuple[str, ...], as_json: bool) -> int:
    """Parse PURLS (or '-' for stdin) and print each in canonical form."""
    from polypac.purl import parse_purl

    def handle(text: str) -> Outcome:
        p = parse_purl(text)
        return Outcome({"input": text, **_purl_data(p)}, p.to_string())

    return run_batch(iter_inputs(purls), handle, as_json=as_json)


@purl.command("build")
@click.argument("objects", nargs=-1)
@click.option("--type", "type_", help="The package type (pypi, npm, maven, ...).")
@click.option("--namespace", help="The namespace (npm scope, Maven group, ...).")
@click.option("--name", help="The package name.")
@click.option("--version", "version", help="The package version.")
@click.option("--qualifier", "qualifiers", multiple=True, metavar="KEY=VALUE")
@click.option("--subpath", help="A path inside the package.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def purl_build(
    objects: tuple[str, ...],
    type_: str | None,
    namespace: str | None,
    name: str | None,
    version: str | None,
    qualifiers: tuple[str, ...],
    subpath: str | None,
    as_json: bool,
) -> int:
    """Build a PURL from its components.

    Give the components as options, or '-' to read one JSON object of components per line
    of stdin (keys type, namespace, name, version, qualifiers, subpath).
    """
    from polypac.purl import build_purl

    def from_object(text: str) -> Outcome:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as error:
            raise PurlError(text, error.pos, f"not a JSON object: {error.msg}") from error
        if not isinstance(obj, dict):
            raise PurlError(text, 0, "expected a JSON object of PURL components")
        known = {"type", "namespace", "name", "version", "qualifiers", "subpath"}
        unknown = sorted(set(obj) - known)
        if unknown:
            raise PurlError(text, None, f"unknown component(s): {', '.join(unknown)}")
        if not isinstance(obj.get("type"), str) or not isinstance(obj.get("name"), str):
            raise PurlError(text, None, "components 'type' and 'name' are required strings")
        p = build_purl(
            obj["type"],
            obj["name"],
            namespace=obj.get("namespace"),
            version=obj.get("version"),
            qualifiers=obj.get("qualifiers"),
            subpath=obj.get("subpath"),
        )
        return Outcome({"input": obj, **_purl_data(p)}, p.to_string())

    if objects:
        return run_batch(iter_inputs(objects), from_object, as_json=as_json)
    if not type_ or not name:
        raise click.UsageError("give --type and --name, or '-' to read JSON objects from stdin")
    pairs: dict[str, str] = {}
    for item in qualifiers:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--qualifier takes KEY=VALUE, not {item!r}")
        pairs[key] = value
    components = {
        "type": type_,
        "namespace": namespace,
        "name": name,
        "version": version,
        "qualifiers": pairs or None,
        "subpath": subpath,
    }
    return run_batch([json.dumps(components)], from_object, as_json=as_json)


@purl.command("validate")
@click.argument("purls", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def purl_validate(purls: tuple[str, ...], as_json: bool) -> int:
    """Check PURLS against the spec and their type's rules; exit 1 if any is invalid."""
    from polypac.purl import validate_purl

    def handle(text: str) -> Outcome:
        problems = [str(problem) for problem in validate_purl(text)]
        line = f"valid: {text}" if not problems else f"invalid: {text}\n  " + "\n  ".join(problems)
        return Outcome(
            {"input": text, "valid": not problems, "problems": problems}, line, ok=not problems
        )

    return run_batch(iter_inputs(purls), handle, as_json=as_json)


@purl.command("to-url")
@click.argument("purls", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def purl_to_url(purls: tuple[str, ...], as_json: bool) -> int:
    """Print the registry page, download URL and repository URL of each PURL."""
    from polypac.purl import parse_purl
    from polypac.purl.urls import purl_to_urls

    def handle(text: str) -> Outcome:
        urls = purl_to_urls(parse_purl(text))
        data = {
            "registry_page": urls.registry_page,
            "download": urls.download,
            "repository": urls.repository,
        }
        lines = [f"{key}: {value}" for key, value in data.items() if value]
        return Outcome({"input": text, **data}, "\n".join([text, *("  " + ln for ln in lines)]))

    return run_batch(iter_inputs(purls), handle, as_json=as_json)


@purl.command("from-url")
@click.argument("urls", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def purl_from_url(urls: tuple[str, ...], as_json: bool) -> int:
    """Name the package behind each registry, download or repository URL as a PURL."""
    from polypac.purl.urls import purl_from_url as to_purl

    def handle(text: str) -> Outcome:
        p = to_purl(text)
        return Outcome({"input": text, **_purl_data(p)}, p.to_string())

    return run_batch(iter_inputs(urls), handle, as_json=as_json)


# ------------------------------------------------------------------------- version

ECOSYSTEM = click.option(
    "--ecosystem",
    "-e",
    required=True,
    metavar="NAME",
    help="The version scheme: pypi, npm, cargo, golang, nuget, deb, rpm, gem, maven, ...",
)


@cli.group()
def version() -> None:
    """Compare versions, test ranges and convert them to VERS, in any ecosystem."""


def _split(text: str, what: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition(" ")
    if not rest.strip():
        raise PolypacError(f"expected {what} on one line, got {text!r}")
    return first, rest.strip()


def _pairs(args: tuple[str, ...], what: str) -> list[str]:
    if args == ("-",):
        return list(iter_inputs(args))
    if len(args) != 2:
        raise click.UsageError(f"give {what} as two arguments, or '-' to read lines from stdin")
    return [f"{args[0]} {args[1]}"]


@version.command("compare")
@click.argument("versions", nargs=-1, required=True)
@ECOSYSTEM
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def version_compare(versions: tuple[str, ...], ecosystem: str, as_json: bool) -> int:
    """Compare two versions (A B, or '-' for 'A B' lines on stdin): prints A <|=|> B."""
    from polypac.version import get_scheme

    scheme = get_scheme(ecosystem)

    def handle(line: str) -> Outcome:
        a, b = _split(line, "two versions")
        va, vb = scheme.parse_version(a), scheme.parse_version(b)
        order = -1 if va < vb else (1 if vb < va else 0)
        sign = "<=>"[order + 1]
        return Outcome(
            {"a": a, "b": b, "order": order, "ecosystem": scheme.name}, f"{a} {sign} {b}"
        )

    return run_batch(_pairs(versions, "two versions"), handle, as_json=as_json)


@version.command("sort")
@click.argument("versions", nargs=-1, required=True)
@ECOSYSTEM
@click.option("--json", "as_json", is_flag=True, help="Print the sorted list as JSON.")
def version_sort(versions: tuple[str, ...], ecosystem: str, as_json: bool) -> int:
    """Sort VERSIONS (or '-' for lines on stdin) in the ecosystem's order, oldest first."""
    from polypac.version import get_scheme

    scheme = get_scheme(ecosystem)
    parsed = sorted((scheme.parse_version(text), text) for text in iter_inputs(versions))
    ordered = [text for _, text in parsed]
    click.echo(json.dumps(ordered) if as_json else "\n".join(ordered))
    return 0


@version.command("satisfies")
@click.argument("items", nargs=-1, required=True)
@ECOSYSTEM
@click.option("--pre", "include_prerelease", is_flag=True, help="Admit pre-releases anywhere.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def version_satisfies(
    items: tuple[str, ...], ecosystem: str, include_prerelease: bool, as_json: bool
) -> int:
    """Whether VERSION is in RANGE (native syntax or vers:); exit 1 if not.

    Give VERSION RANGE as two arguments, or '-' for 'VERSION RANGE' lines on stdin.
    """
    from polypac.version import get_scheme

    scheme = get_scheme(ecosystem)

    def handle(line: str) -> Outcome:
        text, range_text = _split(line, "a version and a range")
        if range_text.startswith("vers:"):
            from polypac.vers import parse_vers

            inside = parse_vers(range_text).contains(text)
        else:
            versions = scheme.parse_range(range_text, include_prerelease=include_prerelease)
            inside = versions.contains(scheme.parse_version(text))
        data = {"version": text, "range": range_text, "satisfies": inside, "ecosystem": scheme.name}
        word = "satisfies" if inside else "does not satisfy"
        return Outcome(data, f"{text} {word} {range_text}", ok=inside)

    return run_batch(_pairs(items, "a version and a range"), handle, as_json=as_json)


@version.command("to-vers")
@click.argument("ranges", nargs=-1, required=True)
@ECOSYSTEM
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def version_to_vers(ranges: tuple[str, ...], ecosystem: str, as_json: bool) -> int:
    """Convert native RANGES (or '-' for lines on stdin) to VERS specifiers."""
    from polypac.vers import vers_from_native

    def handle(text: str) -> Outcome:
        spec = vers_from_native(ecosystem, text).to_string()
        return Outcome({"input": text, "ecosystem": ecosystem, "vers": spec}, spec)

    return run_batch(iter_inputs(ranges), handle, as_json=as_json)


def _register_groups() -> None:
    from polypac.cli._attest import attest
    from polypac.cli._debian import debian
    from polypac.cli._pac import pac
    from polypac.cli._resolve import resolve_command
    from polypac.cli._scan import scan_command
    from polypac.cli._translate import translate
    from polypac.cli._vuln import vuln

    cli.add_command(pac)
    cli.add_command(debian)
    cli.add_command(resolve_command)
    cli.add_command(scan_command)
    cli.add_command(vuln)
    cli.add_command(translate)
    cli.add_command(attest)


_register_groups()


@cli.command()
def demo() -> None:
    """A tour of polypac's identity and version features."""
    from polypac.cli._demo import run_demo

    run_demo()
