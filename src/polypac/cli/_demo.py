"""``polypac demo``: a short tour of identity and version features on real examples."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from polypac.errors import PolypacError

__all__ = ["run_demo"]

MESSY_PURLS = [
    "pkg:PyPI/Django_REST_framework@3.15.2",
    "pkg:npm/%40angular/core@17.3.0",
    "pkg:maven/org.apache.commons/commons-lang3@3.14.0?type=jar",
    "pkg:golang/github.com/gorilla/mux@v1.8.1",
    "pkg:deb/debian/curl@7.88.1-10+deb12u5?distro=bookworm&arch=amd64",
    "pkg:GitHub/Package-URL/purl-spec@main#tests/types",
    "pkg:cargo/serde@1.0.197",
]

URL_PURLS = [
    "pkg:pypi/requests@2.32.3",
    "pkg:npm/%40types/node@20.11.30",
    "pkg:cargo/serde@1.0.197",
    "pkg:maven/org.apache.commons/commons-lang3@3.14.0",
]

# (ecosystem, a, b): the same kind of question, answered by each ecosystem's own rules.
COMPARISONS = [
    ("pypi", "1.0rc1", "1.0"),
    ("pypi", "1.0", "1.0.post1"),
    ("npm", "1.0.0-beta.2", "1.0.0-beta.11"),
    ("cargo", "1.0.0-alpha", "1.0.0-alpha.1"),
    ("deb", "1.0~rc1", "1.0"),
    ("deb", "1:0.9", "2.0"),
    ("rpm", "1.0^git1", "1.0"),
    ("maven", "1.0-alpha-1", "1.0"),
    ("maven", "1.0", "1.0-sp1"),
    ("gem", "1.0.a", "1.0"),
    ("nuget", "1.01", "1.1"),
    ("golang", "v0.0.0-20240101000000-abcdefabcdef", "v0.1.0"),
    ("alpm", "1.0rc1-1", "1.0-1"),
    ("nix", "1.0pre1", "1.0"),
]

# (ecosystem, native range, versions to test)
RANGES = [
    ("npm", "^1.2.3", ["1.9.0", "2.0.0", "1.5.0-beta.1"]),
    ("npm", ">=1.2.3-beta.1 <2.0.0", ["1.2.3-beta.2", "1.3.0-beta.1", "1.2.3"]),
    ("cargo", "0.3", ["0.3.9", "0.4.0"]),
    ("pypi", "~=2.2", ["2.9", "3.0", "2.3rc1"]),
    ("gem", "~> 2.0.8", ["2.0.12", "2.1.0"]),
    ("maven", "[1.0,2.0)", ["1.5", "2.0"]),
    ("deb", ">= 1.2-3", ["1.2-10", "1.2~rc1-1"]),
    ("nuget", "[1.0,2.0)", ["1.9.9", "2.0.0"]),
]


# Two small problems in Pac, the calculus as text: Python extras and markers resolve; an
# npm-style conflict between two majors does not, and the solver says why.
RESOLVABLE = """\
scheme pypi
variable python_version {3.10, 3.11, 3.12}
environment python_version = 3.12
root app 1.0

package app 1.0
  depends requests[socks] >=2.30
  depends when python_version in {3.10} then tomli >=2

package requests 2.31.0, 2.32.3
  depends urllib3 (>=1.21.1,<3)
  feature socks: pysocks >=1.5.6

package urllib3 1.26.18, 2.2.2
package pysocks 1.7.1
package tomli 2.0.1
"""

UNSATISFIABLE = """\
scheme npm
root app 1.0.0

package app 1.0.0
  depends left ^1.0.0
  depends right ^1.0.0

package left 1.0.0, 1.1.0
  depends shared ^1.0.0

package right 1.0.0
  depends shared ^2.0.0

package shared 1.4.0, 2.1.0
"""


def _try(action: object) -> str:
    try:
        return str(action() if callable(action) else action)
    except PolypacError as error:
        return f"[red]{error.problem if hasattr(error, 'problem') else error}[/red]"


def _table(*headers: str) -> Table:
    """A table whose cells wrap instead of being cut, so every value can be read whole."""
    table = Table()
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def run_demo(console: Console | None = None) -> None:
    """Print the tour."""
    from polypac.purl import parse_purl
    from polypac.purl.urls import purl_to_urls
    from polypac.vers import vers_from_native
    from polypac.version import get_scheme

    out = console or Console()
    out.rule("[bold]polypac[/bold]: one name for every package")
    table = _table("as written", "canonical PURL (ECMA-427)")
    for text in MESSY_PURLS:
        table.add_row(text, parse_purl(text).to_string())
    out.print(table)

    out.print("A mistake is pointed at, not guessed around:")
    try:
        parse_purl("pkg:maven/commons-lang3@3.14.0")
    except PolypacError as error:
        out.print(str(error), markup=False, highlight=False)

    table = _table("PURL", "registry page", "download")
    for text in URL_PURLS:
        urls = purl_to_urls(parse_purl(text))
        table.add_row(text, urls.registry_page or "", urls.download or "")
    out.print(table)

    out.rule("[bold]versions[/bold]: each ecosystem by its own rules")
    table = _table("ecosystem", "a", "", "b")
    for ecosystem, a, b in COMPARISONS:
        scheme = get_scheme(ecosystem)
        va, vb = scheme.parse_version(a), scheme.parse_version(b)
        sign = "<" if va < vb else (">" if vb < va else "=")
        table.add_row(ecosystem, a, sign, b)
    out.print(table)

    out.rule("[bold]ranges[/bold]: native syntax, exact sets, VERS")
    table = _table("ecosystem", "native range", "as VERS", "in the range", "not in it")
    for ecosystem, native, versions in RANGES:
        scheme = get_scheme(ecosystem)
        vs = scheme.parse_range(native)
        inside = [v for v in versions if vs.contains(scheme.parse_version(v))]
        outside = [v for v in versions if v not in inside]
        vers = _try(lambda e=ecosystem, n=native: vers_from_native(e, n).to_string())
        table.add_row(ecosystem, native, vers, ", ".join(inside), ", ".join(outside))
    out.print(table)

    npm = get_scheme("npm")
    a, b = "^1.2.0 || ^2.0.0", ">=1.5.0 <2.3.0"
    both = npm.parse_range(a) & npm.parse_range(b)
    out.print(f"npm: ({a}) and ({b}) = {_try(lambda: npm.format_range(both))}")
    either = npm.parse_range(a) | npm.parse_range(">=3.1.0 <3.2.0")
    out.print(f"npm: ({a}) or (>=3.1.0 <3.2.0) = {_try(lambda: npm.format_range(either))}")

    from polypac.pac import parse_pac
    from polypac.solve.extended import ExtendedFailure, solve_extended

    out.rule("[bold]resolution[/bold]: the Package Calculus, written in Pac")
    for title, text in (("extras and markers", RESOLVABLE), ("a conflict", UNSATISFIABLE)):
        out.print(text, markup=False, highlight=False)
        answer = solve_extended(parse_pac(text, source=title).problem)
        if isinstance(answer, ExtendedFailure):
            out.print(f"no resolution:\n{answer.explain()}", markup=False, highlight=False)
        else:
            chosen = sorted(answer.packages, key=lambda p: p.name)
            out.print("resolution: " + ", ".join(map(str, chosen)), markup=False)
