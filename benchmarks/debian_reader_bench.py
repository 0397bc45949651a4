"""Read a whole Debian Packages index with polypac and with python-debian, in one run.

    python benchmarks/debian_reader_bench.py [PACKAGES_FILE]

Default: the largest main/binary index apt keeps. Both readers parse every stanza and
the Depends, Pre-Depends, Conflicts, Breaks and Provides relations of every package.
"""

from __future__ import annotations

import argparse
import glob
import io
import sys
import time
from pathlib import Path

from polypac.ecosystems.debian.packages import read_index_text, read_packages_text
from polypac.ecosystems.debian.relations import _parse_relations, _relation

FIELDS = ("depends", "pre-depends", "conflicts", "breaks", "provides")


def run_polypac(text: str) -> int:
    _parse_relations.cache_clear()
    _relation.cache_clear()
    return len(read_packages_text(text).packages)


def run_python_debian(text: str) -> int:
    from debian import deb822

    count = 0
    for stanza in deb822.Packages.iter_paragraphs(io.StringIO(text), use_apt_pkg=False):
        for name in FIELDS:
            _ = stanza.relations[name]
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index", nargs="?")
    args = parser.parse_args()
    found = glob.glob("/var/lib/apt/lists/*_main_binary-*_Packages*")
    path = args.index or max(found, key=lambda p: Path(p).stat().st_size, default=None)
    if path is None:
        print("no Packages index given and none found under apt's lists", file=sys.stderr)
        return 2
    text = read_index_text(Path(path))
    results = {}
    for label, run in (("polypac", run_polypac), ("python-debian", run_python_debian)):
        start = time.perf_counter()
        count = run(text)
        results[label] = time.perf_counter() - start
        print(f"{label:14} {count:6} packages  {results[label]:6.2f} s")
    print(f"ratio: polypac is {results['python-debian'] / results['polypac']:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
