"""Whole-archive installability: polypac, dose-distcheck and libsolv's installcheck, one run.

    python benchmarks/debian_installability.py [PACKAGES_FILE] [--repeat N] [--generic]

Default input: the largest main amd64 Packages index apt keeps. It is decompressed once to
a plain ``Packages`` file that every tool reads. Each tool runs as its own child process;
its wall time is measured around it and its peak memory is the child's own maximum
resident set size (``os.wait4``). With ``--repeat`` the best of N runs counts. With
``--generic`` polypac's generic path (extended calculus, reduction, core SAT) runs too.

polypac and dose-distcheck install the Essential packages with every package (dose's
default); installcheck does not, so polypac is also timed with ``--ignore-essential``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DECOMPRESS = """
import sys
from pathlib import Path
from polypac.ecosystems.debian.packages import read_index_text
Path(sys.argv[2]).write_text(read_index_text(Path(sys.argv[1])))
"""

POLYPAC = """
import sys
from polypac.cli._debian import debian
sys.exit(debian.main(args=["installability", *sys.argv[1:]], standalone_mode=False))
"""

GENERIC = """
import json, sys
from polypac.ecosystems.debian.installability import installability_by_reduction, load_archive
verdicts = installability_by_reduction(load_archive(sys.argv[1:]))
print(json.dumps({"broken": [str(p) for p, ok in verdicts.items() if not ok]}))
"""


@dataclass(frozen=True, slots=True)
class Run:
    """One tool's run: its wall time, peak memory and how many packages it found broken."""

    tool: str
    seconds: float
    peak_mb: float
    broken: int | None


def run_child(command: list[str], workdir: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one child process."""
    out_path = workdir / "stdout"
    with out_path.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = 0  # reaped by wait4; keep Popen from waiting again
    return seconds, usage.ru_maxrss / 1024, out_path.read_text()


def count_polypac(output: str) -> int | None:
    try:
        return len(json.loads(output)["broken"])
    except (ValueError, KeyError):
        return None


def count_dose(output: str) -> int | None:
    found = re.search(r"^broken-packages: (\d+)", output, re.MULTILINE)
    return int(found.group(1)) if found else None


def count_installcheck(output: str) -> int | None:
    return len(re.findall(r"^can't install ", output, re.MULTILINE))


Counter = Callable[[str], int | None]


def best(tool: str, command: list[str], count: Counter, workdir: Path, repeat: int) -> Run:
    runs = []
    for _ in range(repeat):
        seconds, peak, output = run_child(command, workdir)
        runs.append(Run(tool, seconds, peak, count(output)))
    return min(runs, key=lambda r: r.seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index", nargs="?")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--generic", action="store_true")
    args = parser.parse_args()
    found = glob.glob("/var/lib/apt/lists/*_main_binary-amd64_Packages*")
    source = args.index or max(found, key=lambda p: Path(p).stat().st_size, default=None)
    if source is None:
        print("no Packages index given and none found under apt's lists", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        plain = workdir / "Packages"
        python = sys.executable
        # decompress in a child: a large parent would count in every child's peak memory
        subprocess.run([python, "-c", DECOMPRESS, source, str(plain)], check=True)
        plans: list[tuple[str, list[str], Counter]] = [
            ("polypac", [python, "-c", POLYPAC, "--json", str(plain)], count_polypac),
            (
                "polypac --ignore-essential",
                [python, "-c", POLYPAC, "--json", "--ignore-essential", str(plain)],
                count_polypac,
            ),
        ]
        if shutil.which("dose-distcheck"):
            plans.append(
                (
                    "dose-distcheck",
                    ["dose-distcheck", "--deb-native-arch=amd64", "-f", "-e", f"deb://{plain}"],
                    count_dose,
                )
            )
        if shutil.which("installcheck"):
            plans.append(
                ("installcheck", ["installcheck", "amd64", str(plain)], count_installcheck)
            )
        if args.generic:
            plans.append(("polypac generic", [python, "-c", GENERIC, str(plain)], count_polypac))
        print(f"input: {source} ({plain.stat().st_size / 2**20:.0f} MB uncompressed)")
        results = [
            best(tool, command, count, workdir, args.repeat) for tool, command, count in plans
        ]
    ours = results[0]
    print(f"{'tool':28} {'wall s':>8} {'peak MB':>8} {'broken':>7} {'time/polypac':>13}")
    for run in results:
        ratio = run.seconds / ours.seconds
        print(
            f"{run.tool:28} {run.seconds:8.2f} {run.peak_mb:8.0f} {run.broken!s:>7} {ratio:12.2f}x"
        )
    for run in results[1:]:
        if run.tool.startswith("dose"):
            print(
                f"polypac is {run.seconds / ours.seconds:.1f}x faster than dose-distcheck, "
                f"in {ours.peak_mb / run.peak_mb:.2f}x its memory"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
