"""Sort every version of a Debian archive with polypac and with python-debian, in one run.

    python benchmarks/debian_version_bench.py [PACKAGES_FILE]

The versions come from a Packages index (default: the largest main/binary index apt
keeps); both libraries parse each version once and sort the whole list.
"""

from __future__ import annotations

import argparse
import glob
import re
import sys
import time
from pathlib import Path

from polypac.ecosystems.debian.packages import read_index_text
from polypac.version import get_scheme


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("index", nargs="?")
    args = parser.parse_args()
    found = glob.glob("/var/lib/apt/lists/*_main_binary-*_Packages*")
    path = args.index or max(found, key=lambda p: Path(p).stat().st_size, default=None)
    if path is None:
        print("no Packages index given and none found under apt's lists", file=sys.stderr)
        return 2
    texts = re.findall(r"^Version: (\S+)$", read_index_text(Path(path)), re.MULTILINE)

    deb = get_scheme("deb")
    start = time.perf_counter()
    ours = sorted(map(deb.parse_version, texts))
    polypac_time = time.perf_counter() - start

    from debian.debian_support import NativeVersion

    start = time.perf_counter()
    theirs = sorted(map(NativeVersion, texts))
    python_debian_time = time.perf_counter() - start

    same = [str(v) for v in theirs] == [str(v) for v in ours] or all(
        deb.parse_version(str(a)) == b for a, b in zip(theirs, ours, strict=True)
    )
    print(f"{len(texts)} versions from {path}")
    print(f"polypac        parse+sort {polypac_time:6.2f} s")
    print(f"python-debian  parse+sort {python_debian_time:6.2f} s")
    print(f"same order: {same}")
    print(f"ratio: polypac is {python_debian_time / polypac_time:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
