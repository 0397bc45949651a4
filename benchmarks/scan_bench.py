"""``polypac scan`` against cdxgen (SBOM generation) and pip-audit (Python vulnerability
matching) on the same real project of more than 2,000 packages, in one run.

    python benchmarks/scan_bench.py [--workdir DIR] [--repeat N]

The project is made once in ``--workdir`` (default: $XDG_CACHE_HOME/polypac/scan-bench)
with the real tools, pinned to the registries' state on 2026-11-01:

- ``web/`` and ``admin/``: two npm applications (Angular CLI, Next, Gatsby, Jest, Webpack,
  ESLint; Nuxt, Vue CLI, Karma, Mocha, Vite), locked with
  ``npm install --package-lock-only --ignore-scripts --before 2026-11-01``;
- ``api/``: a Python service (JupyterLab, pandas, scikit-learn, FastAPI, Django, Flask,
  SQLAlchemy, Celery, boto3, Airflow, Scrapy, Ansible, Matplotlib), locked with
  ``uv pip compile --exclude-newer 2026-11-01 --generate-hashes``;
- ``legacy/``: a Python service pinned to old releases with known advisories;
- ``core/``: the Rust workspace lockfile of the test fixtures.

Each tool runs as its own child process; wall time and peak memory (``os.wait4``) are the
child's; the best of ``--repeat`` runs counts. polypac matches every package against the OSV
anchor data (PyPA and RustSec advisories) imported into its store before the timing.

- cdxgen (``@cyclonedx/cdxgen`` from npm, installed into the work folder when missing) runs
  with ``--no-install-deps --no-babel --no-validate``: read the lockfiles, write CycloneDX,
  which is what ``polypac scan --format cyclonedx`` does (with vulnerabilities on top).
  The components of both documents are compared by PURL.
- pip-audit audits the two requirements files offline where it can (``--no-deps
  --disable-pip``, its PyPI service with a warm cache). Its service asks PyPI's per-release
  JSON API; where that API cannot be reached, pip-audit audits nothing, and the script says
  so instead of printing a ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
BEFORE = "2026-11-01"
CDXGEN = "@cyclonedx/cdxgen@12.8.4"

WEB = {
    "name": "scan-bench-web",
    "version": "1.0.0",
    "private": True,
    "dependencies": {
        "@angular/cli": "^17.0.0",
        "express": "^4.18.0",
        "gatsby": "^5.12.0",
        "lodash": "^4.17.0",
        "next": "^14.0.0",
        "react": "^18.2.0",
        "react-dom": "^18.2.0",
    },
    "devDependencies": {
        "@babel/core": "^7.23.0",
        "eslint": "^8.50.0",
        "jest": "^29.7.0",
        "typescript": "^5.2.0",
        "webpack": "^5.88.0",
        "webpack-cli": "^5.1.0",
    },
}
ADMIN = {
    "name": "scan-bench-admin",
    "version": "1.0.0",
    "private": True,
    "dependencies": {
        "@vue/cli-service": "^5.0.0",
        "nuxt": "^3.8.0",
        "vue": "^3.3.0",
        "socket.io": "^4.7.0",
    },
    "devDependencies": {"karma": "^6.4.0", "mocha": "^10.2.0", "sass": "^1.69.0", "vite": "^5.0.0"},
}
API = [
    "jupyterlab",
    "pandas",
    "scikit-learn",
    "fastapi[standard]",
    "django",
    "flask",
    "sqlalchemy",
    "celery",
    "boto3",
    "requests",
    "apache-airflow",
    "scrapy",
    "ansible",
    "matplotlib",
]
LEGACY = [
    "django==3.2.0",
    "requests==2.19.0",
    "urllib3==1.24.1",
    "jinja2==2.10",
    "pyyaml==5.1",
    "flask==0.12.2",
    "werkzeug==0.14.1",
    "pillow==8.1.0",
    "cryptography==3.2",
    "lxml==4.6.2",
    "sqlalchemy==1.3.0",
    "paramiko==2.4.1",
    "numpy==1.19.0",
    "tornado==6.0",
    "aiohttp==3.7.3",
]


@dataclass(frozen=True, slots=True)
class Run:
    """One tool's best run."""

    tool: str
    seconds: float
    peak_mb: float


def anchors_dir() -> Path:
    """$POLYPAC_ANCHORS, else ../shared/anchors beside the repository."""
    env = os.environ.get("POLYPAC_ANCHORS")
    return Path(env) if env else REPO.parent / "shared" / "anchors"


def default_workdir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "polypac" / "scan-bench"


def tool(name: str) -> str:
    """A command beside this interpreter (the virtual environment's), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"{name} not found: install the dev dependencies (make test does)")
    return found


def make_project(project: Path) -> None:
    """Write the manifests and lock them with npm and uv (once)."""
    if (project / "done").exists():
        return
    print(f"making the benchmark project in {project} (npm and uv, a few minutes)")
    for folder, manifest in (("web", WEB), ("admin", ADMIN)):
        (project / folder).mkdir(parents=True, exist_ok=True)
        (project / folder / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
        npm = ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit"]
        subprocess.run([*npm, "--no-fund", "--before", BEFORE], cwd=project / folder, check=True)
    (project / "api").mkdir(exist_ok=True)
    (project / "api" / "requirements.in").write_text("\n".join(API) + "\n")
    compile_ = [tool("uv"), "pip", "compile", "--quiet", "--exclude-newer", BEFORE]
    compile_ += ["--python-version", "3.12", "--generate-hashes", "requirements.in"]
    subprocess.run([*compile_, "-o", "requirements.txt"], cwd=project / "api", check=True)
    (project / "legacy").mkdir(exist_ok=True)
    (project / "legacy" / "requirements.txt").write_text("\n".join(LEGACY) + "\n")
    (project / "core").mkdir(exist_ok=True)
    cargo = REPO / "tests" / "ecosystems" / "cargo" / "fixtures" / "workspace" / "Cargo.lock"
    shutil.copy(cargo, project / "core" / "Cargo.lock")
    (project / "done").write_text(BEFORE + "\n")


def cdxgen_command(workdir: Path) -> str:
    """cdxgen on PATH, else installed from npm into the work folder."""
    found = shutil.which("cdxgen")
    local = workdir / "tools" / "node_modules" / ".bin" / "cdxgen"
    if found is None and not local.exists():
        (workdir / "tools").mkdir(parents=True, exist_ok=True)
        install = ["npm", "install", "--prefix", str(workdir / "tools"), "--no-audit"]
        subprocess.run([*install, "--no-fund", CDXGEN], check=True)
    return found or str(local)


def run_child(command: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process; its stdout goes to ``out``."""
    with out.open("w") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024


def best(name: str, command: list[str], out: Path, repeat: int) -> Run:
    runs = [run_child(command, out) for _ in range(repeat)]
    seconds = min(s for s, _ in runs)
    return Run(name, seconds, max(m for _, m in runs))


def component_purls(document: Path) -> set[str]:
    """The PURLs of a CycloneDX document's components, decoded, without qualifiers."""
    data = json.loads(document.read_text())
    return {
        unquote(c["purl"]).split("?")[0].lower()
        for c in data.get("components", [])
        if c.get("purl")
    }


def pip_audit(project: Path, workdir: Path, repeat: int) -> tuple[Run, dict[str, set[str]]]:
    """pip-audit on each requirements file (one run each: a hashed file puts pip-audit in
    hash-checking mode for every file given with it): the summed run, and the advisories
    per package."""
    seconds = peak = 0.0
    found: dict[str, set[str]] = {}
    for folder in ("api", "legacy"):
        out = workdir / f"pip-audit-{folder}.json"
        out.unlink(missing_ok=True)
        command = [tool("pip-audit"), "--no-deps", "--disable-pip", "-s", "pypi", "-f", "json"]
        command += ["--cache-dir", str(workdir / "pip-audit-cache"), "-o", str(out)]
        command += ["-r", str(project / folder / "requirements.txt")]
        run = best("pip-audit", command, workdir / "pip-audit.stdout", repeat)
        seconds, peak = seconds + run.seconds, max(peak, run.peak_mb)
        if not out.exists():
            sys.exit(f"pip-audit wrote no report for {folder}: run {' '.join(command)}")
        for dependency in json.loads(out.read_text()).get("dependencies", []):
            if "skip_reason" in dependency:
                continue
            vulns = dependency.get("vulns", [])
            key = f"pkg:pypi/{dependency['name'].lower()}@{dependency['version']}"
            found[key] = {v["id"] for v in vulns} | {a for v in vulns for a in v["aliases"]}
    return Run("pip-audit", seconds, peak), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=default_workdir())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workdir: Path = args.workdir
    project = workdir / "project"
    make_project(project)
    polypac = tool("polypac")
    store = workdir / "vulns.sqlite3"
    if not store.exists():
        osv = anchors_dir() / "osv"
        subprocess.run(
            [
                polypac,
                "vuln",
                "import",
                "--store",
                str(store),
                str(osv / "pypa"),
                str(osv / "rustsec"),
            ],
            check=True,
        )
    cdxgen = cdxgen_command(workdir)

    scan = [polypac, "scan", str(project), "--store", str(store)]
    ours = workdir / "polypac.cdx.json"
    theirs = workdir / "cdxgen.cdx.json"
    runs = [
        best(
            "polypac (CycloneDX)",
            [*scan, "--format", "cyclonedx", "--output", str(ours)],
            workdir / "polypac.stdout",
            args.repeat,
        ),
        best(
            "polypac (JSON)",
            [*scan, "--format", "json", "--output", str(workdir / "p.json")],
            workdir / "polypac.stdout",
            args.repeat,
        ),
        best(
            "cdxgen",
            [
                cdxgen,
                "-r",
                "--no-install-deps",
                "--no-babel",
                "--no-validate",
                "-o",
                str(theirs),
                str(project),
            ],
            workdir / "cdxgen.stdout",
            args.repeat,
        ),
    ]
    audit_run, audited = pip_audit(project, workdir, args.repeat)
    runs.append(audit_run)

    scanned = json.loads((workdir / "p.json").read_text())
    packages = [p for p in scanned["packages"] if not p["root"]]
    print(
        f"\nproject: {len(packages)} packages in {len(scanned['files'])} lockfiles, "
        f"{len(scanned['vulnerabilities'])} known vulnerabilities (polypac, offline)"
    )
    print(f"{'tool':<22}{'seconds':>9}{'peak MB':>10}")
    for run in runs:
        print(f"{run.tool:<22}{run.seconds:>9.2f}{run.peak_mb:>10.0f}")
    cdx = runs[0].seconds
    print(f"cdxgen / polypac (CycloneDX): {runs[2].seconds / cdx:.1f}x")
    roots = {p["purl"].split("?")[0].lower() for p in scanned["packages"] if p["root"]}
    mine, other = component_purls(ours) - roots, component_purls(theirs) - roots
    print(
        f"components: polypac {len(mine)}, cdxgen {len(other)}, both {len(mine & other)}, "
        f"only polypac {sorted(mine - other)[:5]}, only cdxgen {sorted(other - mine)[:5]}"
    )

    python = [p for p in packages if p["purl"].startswith("pkg:pypi/")]
    if not audited:
        print(
            f"pip-audit audited 0 of {len(python)} Python packages here (its PyPI service "
            "asks https://pypi.org/pypi/<name>/<version>/json, which this machine cannot "
            "reach): no ratio"
        )
        return
    print(
        f"pip-audit / polypac (JSON): {audit_run.seconds / runs[1].seconds:.1f}x "
        f"(pip-audit audited {len(audited)} packages)"
    )
    ours_by_package: dict[str, set[str]] = {}
    for v in scanned["vulnerabilities"]:
        ours_by_package.setdefault(v["purl"], set()).update([v["id"], *v["aliases"]])
    for key in sorted(set(audited) | {k for k in ours_by_package if k.startswith("pkg:pypi/")}):
        mine_ids, their_ids = ours_by_package.get(key, set()), audited.get(key, set())
        if mine_ids.isdisjoint(their_ids) and (mine_ids or their_ids):
            print(f"  differ {key}: polypac {sorted(mine_ids)} pip-audit {sorted(their_ids)}")


if __name__ == "__main__":
    main()
