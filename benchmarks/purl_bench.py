"""Parse and re-serialize PURLs with polypac and with packageurl-python, in the same run.

The inputs are the valid PURL strings of the purl-spec conformance suite (the inputs of its
parse and validate cases that are not expected to fail), cycled to ``--n`` strings. Each
library parses every string and writes it back::

    polypac:            parse_purl(s).to_string()
    packageurl-python:  PackageURL.from_string(s).to_string()

Run from the repository root::

    .venv/bin/python benchmarks/purl_bench.py --n 100000

The suite is read from $POLYPAC_ANCHORS/purl/tests, else ../shared/anchors/purl/tests
beside the repository.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def anchors_dir() -> Path:
    """$POLYPAC_ANCHORS, else ../shared/anchors beside the repository."""
    env = os.environ.get("POLYPAC_ANCHORS")
    return Path(env) if env else REPO.parent / "shared" / "anchors"


def suite_inputs(anchors: Path) -> list[str]:
    """The PURL strings of the suite's parse and validate cases that should succeed."""
    tests = anchors / "purl" / "tests"
    if not tests.is_dir():
        sys.exit(f"purl test suite not found at {tests} (set POLYPAC_ANCHORS)")
    inputs = []
    for path in sorted(tests.glob("*/*-test.json")):
        for case in json.loads(path.read_text(encoding="utf-8"))["tests"]:
            if case["test_type"] in {"parse", "validate"} and not case.get("expected_failure"):
                inputs.append(case["input"])
    return inputs


def time_once(run: Callable[[list[str]], None], data: list[str]) -> float:
    """CPU seconds of this process for one run over ``data``.

    CPU time rather than wall time: the work is single-threaded and CPU-bound, and CPU time
    does not count the time other processes on a busy machine take from this one.
    """
    gc.collect()
    start = time.process_time()
    run(data)
    return time.process_time() - start


def run_polypac(data: list[str]) -> None:
    """Parse and serialize every string with polypac."""
    from polypac.purl import parse_purl

    for text in data:
        parse_purl(text).to_string()


def run_packageurl(data: list[str]) -> None:
    """Parse and serialize every string with packageurl-python."""
    from packageurl import PackageURL

    for text in data:
        PackageURL.from_string(text).to_string()


def main(argv: list[str] | None = None) -> int:
    """Time both libraries and print the times and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of PURLs (cycled)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per library; best is kept")
    args = parser.parse_args(argv)

    inputs = suite_inputs(anchors_dir())
    data = [inputs[index % len(inputs)] for index in range(args.n)]
    # one untimed pass each: imports, and a check that both accept every input
    run_polypac(inputs)
    run_packageurl(inputs)

    # the two libraries take turns, so a busy machine slows both alike; the best run counts
    ours = theirs = float("inf")
    for _ in range(args.repeat):
        ours = min(ours, time_once(run_polypac, data))
        theirs = min(theirs, time_once(run_packageurl, data))
    print(f"inputs: {len(inputs)} suite PURLs ({len(set(inputs))} distinct), cycled to {args.n}")
    print(f"polypac            {ours:8.3f} s  {ours / args.n * 1e6:6.2f} us/purl")
    print(f"packageurl-python  {theirs:8.3f} s  {theirs / args.n * 1e6:6.2f} us/purl")
    print(f"ratio: polypac is {theirs / ours:.2f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
