"""Resolution side by side with the native tools, on real requirement sets, in one run.

    python benchmarks/resolve_bench.py [--python N] [--npm N] [--workdir DIR]

Python: each requirement set is resolved by ``uv pip compile --exclude-newer DATE
--python-version 3.12`` and by ``polypac resolve --exclude-newer DATE --python-version
3.12`` (to requirements.txt with hashes). polypac's lock must install: ``uv pip install
--dry-run --no-deps --require-hashes`` of exactly its pins into an empty environment, and
the consistency of the pins is what the resolver's checker asserts. The chosen
versions are compared pin by pin.

npm: each package.json is locked by ``npm install --package-lock-only --before DATE`` and
by ``polypac resolve --exclude-newer DATE``; polypac's lock must pass ``npm ci --dry-run``
and is compared with npm's entry by entry (path, version).

Speed: every set is run once to warm both tools' caches (uv's, npm's and polypac's HTTP
cache), then timed; the script prints the totals and the ratios. Everything goes to the
registries this machine's pip and npm are configured with.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# A timestamp, not a bare date: uv reads "2026-11-01" as the end of that day in local time,
# npm and polypac as its first instant in UTC; with a timestamp all three agree.
DATE = "2026-11-01T00:00:00Z"
PYTHON = "3.12"

PYTHON_SETS: list[list[str]] = [
    ["requests"],
    ["flask"],
    ["django"],
    ["fastapi[standard]"],
    ["jupyterlab"],
    ["pandas", "scikit-learn"],
    ["apache-airflow"],
    ["numpy", "scipy", "matplotlib"],
    ["sqlalchemy", "alembic", "psycopg[binary]"],
    ["celery[redis]", "kombu"],
    ["boto3", "botocore"],
    ["black", "ruff", "mypy"],
    ["pytest", "pytest-cov", "hypothesis"],
    ["httpx[http2]", "anyio"],
    ["pydantic", "pydantic-settings"],
    ["scrapy"],
    ["ansible"],
    ["dask[complete]"],
    ["polars", "pyarrow"],
    ["sphinx", "furo", "myst-parser"],
    ["mkdocs-material"],
    ["streamlit"],
    ["dash"],
    ["bokeh", "panel"],
    ["xarray", "netcdf4"],
    ["statsmodels", "seaborn"],
    ["networkx", "sympy"],
    ["pillow", "imageio", "scikit-image"],
    ["opencv-python-headless", "albumentations"],
    ["nltk", "gensim"],
    ["spacy"],
    ["transformers", "datasets"],
    ["lightgbm", "xgboost", "catboost"],
    ["optuna", "mlflow"],
    ["great-expectations"],
    ["dbt-core", "dbt-postgres"],
    ["prefect"],
    ["luigi", "dagster"],
    ["sentry-sdk[flask]", "gunicorn"],
    ["uvicorn[standard]", "starlette", "jinja2"],
    ["aiohttp[speedups]", "yarl"],
    ["tornado", "pyzmq"],
    ["paramiko", "fabric", "invoke"],
    ["cryptography", "pyopenssl", "certifi"],
    ["poetry"],
    ["tox", "nox", "virtualenv"],
    ["twine", "build", "hatch"],
    ["rich", "typer", "click"],
    ["selenium", "playwright"],
    ["beautifulsoup4", "lxml", "html5lib"],
    ["openpyxl", "xlsxwriter", "pandas"],
    ["pyyaml", "toml", "jsonschema"],
    ["redis", "pymongo", "elasticsearch"],
    ["graphene", "strawberry-graphql"],
]

NPM_SETS: list[dict[str, str]] = [
    {"express": "^4.18.0"},
    {"react": "^18.2.0", "react-dom": "^18.2.0"},
    {"next": "^14.0.0", "react": "^18.2.0", "react-dom": "^18.2.0"},
    {"vue": "^3.3.0", "vue-router": "^4.2.0", "pinia": "^2.1.0"},
    {"@angular/core": "^17.0.0", "@angular/common": "^17.0.0", "rxjs": "^7.8.0"},
    {"lodash": "^4.17.21", "moment": "^2.29.0"},
    {"axios": "^1.6.0"},
    {"webpack": "^5.88.0", "webpack-cli": "^5.1.0"},
    {"jest": "^29.7.0"},
    {"eslint": "^8.50.0", "prettier": "^3.0.0"},
    {"typescript": "^5.2.0", "ts-node": "^10.9.0"},
    {"vite": "^5.0.0"},
    {"@babel/core": "^7.23.0", "@babel/preset-env": "^7.23.0"},
    {"mocha": "^10.2.0", "chai": "^4.3.0", "sinon": "^17.0.0"},
    {"socket.io": "^4.7.0"},
    {"mongoose": "^8.0.0"},
    {"sequelize": "^6.35.0", "pg": "^8.11.0"},
    {"koa": "^2.14.0", "koa-router": "^12.0.0"},
    {"fastify": "^4.24.0"},
    {"@nestjs/core": "^10.2.0", "@nestjs/common": "^10.2.0", "reflect-metadata": "^0.1.13"},
    {"graphql": "^16.8.0", "@apollo/server": "^4.9.0"},
    {"redux": "^5.0.0", "@reduxjs/toolkit": "^2.0.0", "react-redux": "^9.0.0"},
    {"styled-components": "^6.1.0", "react": "^18.2.0"},
    {"@mui/material": "^5.14.0", "@emotion/react": "^11.11.0", "@emotion/styled": "^11.11.0"},
    {"tailwindcss": "^3.3.0", "postcss": "^8.4.0", "autoprefixer": "^10.4.0"},
    {"sass": "^1.69.0"},
    {"rollup": "^4.5.0"},
    {"esbuild": "^0.19.0"},
    {"puppeteer-core": "^21.5.0"},
    {"playwright": "^1.40.0"},
    {"commander": "^11.1.0", "chalk": "^5.3.0", "inquirer": "^9.2.0"},
    {"yargs": "^17.7.0", "ora": "^7.0.0"},
    {"dotenv": "^16.3.0", "cross-env": "^7.0.3"},
    {"nodemon": "^3.0.0"},
    {"pm2": "^5.3.0"},
    {"winston": "^3.11.0", "morgan": "^1.10.0"},
    {"jsonwebtoken": "^9.0.0", "bcryptjs": "^2.4.3"},
    {"passport": "^0.7.0", "passport-jwt": "^4.0.1"},
    {"uuid": "^9.0.0", "nanoid": "^5.0.0"},
    {"date-fns": "^2.30.0", "dayjs": "^1.11.0"},
    {"zod": "^3.22.0", "yup": "^1.3.0"},
    {"ajv": "^8.12.0", "ajv-formats": "^2.1.1"},
    {"cheerio": "^1.0.0-rc.12", "node-fetch": "^3.3.0"},
    {"sharp": "^0.33.0"},
    {"d3": "^7.8.0"},
    {"three": "^0.158.0"},
    {"chart.js": "^4.4.0", "react-chartjs-2": "^5.2.0", "react": "^18.2.0"},
    {"@tanstack/react-query": "^5.8.0", "react": "^18.2.0"},
    {"storybook": "^7.5.0"},
    {"gatsby": "^5.12.0"},
    {"@vue/cli-service": "^5.0.0"},
    {"karma": "^6.4.0", "jasmine-core": "^5.1.0"},
]


@dataclass
class Report:
    """What one ecosystem's comparison found."""

    sets: int = 0
    agree: int = 0
    entries: int = 0
    equal_entries: int = 0
    installs: int = 0
    polypac_seconds: float = 0.0
    tool_seconds: float = 0.0
    differences: list[str] = field(default_factory=list)


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"{name} not found")
    return found


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def pins(text: str) -> dict[str, str]:
    found = {}
    for raw in text.splitlines():
        line = raw.split("#")[0].split(";")[0].strip().rstrip("\\").strip()
        if "==" in line and not line.startswith("-"):
            name, _, version = line.partition("==")
            found[name.strip().lower().replace("_", "-").replace(".", "-")] = version.strip()
    return found


def python_sets(workdir: Path, count: int, report: Report) -> None:
    uv, polypac = tool("uv"), tool("polypac")
    for index, requirements in enumerate(PYTHON_SETS[:count]):
        folder = workdir / "python" / f"{index:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "requirements.in").write_text("\n".join(requirements) + "\n")
        ours = [polypac, "resolve", "requirements.in", "--output", "requirements.txt"]
        ours += ["--exclude-newer", DATE, "--python-version", PYTHON]
        # the target Python is not installed here: uv must not go and download one
        theirs = [uv, "pip", "compile", "-q", "--no-python-downloads", "requirements.in"]
        theirs += ["-o", "uv.txt"]
        theirs += ["--exclude-newer", DATE, "--python-version", PYTHON]
        timed(theirs, folder)  # warm the caches
        timed(ours, folder)
        their_time, their_run = timed(theirs, folder)
        our_time, our_run = timed(ours, folder)
        label = " ".join(requirements)
        if their_run.returncode != 0 or our_run.returncode != 0:
            report.differences.append(
                f"{label}: uv exit {their_run.returncode}, polypac exit {our_run.returncode}: "
                f"{(our_run.stderr or their_run.stderr).strip().splitlines()[-1:]}"
            )
            continue
        report.sets += 1
        report.tool_seconds += their_time
        report.polypac_seconds += our_time
        mine = pins((folder / "requirements.txt").read_text())
        other = pins((folder / "uv.txt").read_text())
        report.entries += len(other)
        report.equal_entries += sum(1 for k, v in other.items() if mine.get(k) == v)
        if mine == other:
            report.agree += 1
        else:
            changed = sorted(
                f"{k} {other.get(k)} vs {mine.get(k)}"
                for k in set(mine) | set(other)
                if mine.get(k) != other.get(k)
            )
            report.differences.append(f"{label}: uv vs polypac: {changed[:6]}")
        check = [uv, "pip", "install", "--no-python-downloads", "--dry-run", "--no-deps"]
        check += ["--require-hashes"]
        check += ["--python-version", PYTHON, "--target", str(folder / "target")]
        _, installed = timed([*check, "-r", "requirements.txt"], folder)
        if installed.returncode == 0:
            report.installs += 1
        else:
            report.differences.append(
                f"{label}: uv cannot install polypac's lock: "
                f"{installed.stderr.strip().splitlines()[-1:]}"
            )


def npm_sets(workdir: Path, count: int, report: Report) -> None:
    polypac = tool("polypac")
    for index, dependencies in enumerate(NPM_SETS[:count]):
        folder = workdir / "npm" / f"{index:02d}"
        ours_dir, theirs_dir = folder / "polypac", folder / "npm"
        for place in (ours_dir, theirs_dir):
            place.mkdir(parents=True, exist_ok=True)
            manifest = {
                "name": f"set-{index:02d}",
                "version": "1.0.0",
                "dependencies": dependencies,
            }
            (place / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
        theirs = ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit"]
        theirs += ["--no-fund", "--before", DATE]
        ours = [polypac, "resolve", "package.json", "--output", "package-lock.json"]
        ours += ["--exclude-newer", DATE]
        timed(theirs, theirs_dir)
        timed(ours, ours_dir)
        (theirs_dir / "package-lock.json").unlink(missing_ok=True)
        their_time, their_run = timed(theirs, theirs_dir)
        our_time, our_run = timed(ours, ours_dir)
        label = " ".join(dependencies)
        if their_run.returncode != 0 or our_run.returncode != 0:
            report.differences.append(
                f"{label}: npm exit {their_run.returncode}, polypac exit {our_run.returncode}: "
                f"{(our_run.stderr or their_run.stderr).strip().splitlines()[-1:]}"
            )
            continue
        report.sets += 1
        report.tool_seconds += their_time
        report.polypac_seconds += our_time
        mine = json.loads((ours_dir / "package-lock.json").read_text())["packages"]
        other = json.loads((theirs_dir / "package-lock.json").read_text())["packages"]
        report.entries += len(other)
        report.equal_entries += sum(
            1 for k, v in other.items() if k in mine and mine[k].get("version") == v.get("version")
        )
        if {k: v.get("version") for k, v in mine.items()} == {
            k: v.get("version") for k, v in other.items()
        }:
            report.agree += 1
        else:
            changed = sorted(set(mine) ^ set(other))
            report.differences.append(f"{label}: paths only on one side: {changed[:6]}")
        ci = ["npm", "ci", "--dry-run", "--ignore-scripts", "--no-audit"]
        _, check = timed(ci, ours_dir)
        if check.returncode == 0:
            report.installs += 1
        else:
            _, own = timed(ci, theirs_dir)
            same = "; npm's own lock is refused too" if own.returncode != 0 else ""
            first = [line for line in check.stderr.splitlines() if "Missing" in line][:1]
            report.differences.append(
                f"{label}: npm ci --dry-run refuses polypac's lock{same}: {first}"
            )


def show(name: str, tool_name: str, report: Report) -> None:
    print(f"\n{name}: {report.sets} sets resolved by both")
    print(
        f"  same versions as {tool_name}: {report.agree} of {report.sets} sets, "
        f"{report.equal_entries} of {report.entries} entries"
    )
    print(f"  polypac's lock installs: {report.installs} of {report.sets}")
    if report.polypac_seconds:
        ratio = report.polypac_seconds / report.tool_seconds
        print(
            f"  warm: polypac {report.polypac_seconds:.1f} s, {tool_name} "
            f"{report.tool_seconds:.1f} s (polypac / {tool_name} = {ratio:.2f})"
        )
    for line in report.differences:
        print(f"  - {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", type=int, default=len(PYTHON_SETS))
    parser.add_argument("--npm", type=int, default=len(NPM_SETS))
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    parser.add_argument("--workdir", type=Path, default=Path(cache) / "polypac" / "resolve-bench")
    args = parser.parse_args()
    # An installed wheel comes with its bytecode; an editable install run with
    # PYTHONDONTWRITEBYTECODE set never gets any and compiles polypac at every start.
    # Compile it once, so that polypac is timed as it runs when installed.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)
    python, npm = Report(), Report()
    if args.python:
        python_sets(args.workdir, args.python, python)
        show("Python", "uv", python)
    if args.npm:
        npm_sets(args.workdir, args.npm, npm)
        show("npm", "npm", npm)


if __name__ == "__main__":
    main()
