"""Run the VERS suite's version cases with polypac and with univers, in the same run.

The cases are the containment, comparison and equality cases of the VERS test suite
(package-url/vers-spec tests/); ``--all`` adds its parse, validate and from_native cases.
Each library answers every case through its public API::

    containment  polypac:  parse_vers(vers, strict=False).contains(version)
                 univers:  VersionRange.from_string(vers) and version_class(version) in it
    comparison   polypac:  sorted(versions, key=get_scheme(type).parse_version)
                 univers:  sorted(versions, key=RANGE_CLASS_BY_SCHEMES[type].version_class)
    equality     polypac:  compare(get_scheme(type), a, b) == 0
                 univers:  version_class(a) == version_class(b)
    parse        polypac:  parse_vers(text) (raises VersError where the case expects failure)
                 univers:  VersionRange.from_string(text) (raises where the case expects it)
    validate     polypac:  parse_vers(text, strict=False).to_string()
                 univers:  str(VersionRange.from_string(text))
    from_native  polypac:  vers_from_native(type, native).to_string()
                 univers:  str(RANGE_CLASS_BY_SCHEMES[type].from_native(native))

A sorted list passes when each of its versions equals the expected one by the library's own
equality (the suite writes some versions normalized). A case whose call raises counts as
failed, for either library. Printed: cases passed per test type, the best time over
``--repeat`` runs, and the ratio. Run from the repository root::

    .venv/bin/python benchmarks/vers_bench.py --repeat 5

univers is not annotated, hence the ``type: ignore[no-untyped-call]`` on its calls.
univers 32.0.1 has no ``univers.vers`` module: its VERS parser is
``univers.version_range.VersionRange.from_string``. It knows Gentoo versions as ``ebuild``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TYPES = ("containment", "comparison", "equality")
ALL_TYPES = (*TYPES, "parse", "validate", "from_native")
UNIVERS_NAMES = {"gentoo": "ebuild"}

Case = dict[str, Any]
Runner = Callable[[Case], bool]


def anchors_dir() -> Path:
    """$POLYPAC_ANCHORS, else ../shared/anchors beside the repository."""
    env = os.environ.get("POLYPAC_ANCHORS")
    return Path(env) if env else REPO.parent / "shared" / "anchors"


def suite_cases(anchors: Path, types: tuple[str, ...]) -> list[Case]:
    """The cases of the VERS suite whose test type is one of ``types``."""
    tests = anchors / "vers" / "tests"
    if not tests.is_dir():
        sys.exit(f"VERS test suite not found at {tests} (set POLYPAC_ANCHORS)")
    cases = []
    for path in sorted(tests.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8"))["tests"]:
            if case["test_type"] in types:
                cases.append(case)
    return cases


def polypac_runner() -> Runner:
    """Answer one case with polypac's public API."""
    from polypac.errors import VersError
    from polypac.vers import parse_vers, vers_from_native
    from polypac.version import compare, get_scheme

    def run(case: Case) -> bool:
        data: Any = case["input"]
        expected: Any = case.get("expected_output")
        if case["test_type"] == "parse":
            try:
                vers = parse_vers(data)
            except VersError:
                return bool(case.get("expected_failure"))
            decoded = [[c.comparator, c.version] for c in vers.constraints]
            return not case.get("expected_failure") and [vers.scheme, decoded] == [
                expected["scheme"],
                expected["version_constraints"],
            ]
        if case["test_type"] == "validate":
            return bool(parse_vers(data, strict=False).to_string() == expected)
        if case["test_type"] == "from_native":
            vers = vers_from_native(data["scheme"], data["native_range"])
            return bool(vers.to_string() == expected)
        if case["test_type"] == "containment":
            return parse_vers(data["vers"], strict=False).contains(data["version"]) is expected
        scheme = get_scheme(data["input_scheme"])
        if case["test_type"] == "equality":
            first, second = data["versions"]
            return (compare(scheme, first, second) == 0) is expected
        ordered = sorted(data["versions"], key=scheme.parse_version)
        return len(ordered) == len(expected) and all(
            compare(scheme, a, b) == 0 for a, b in zip(ordered, expected, strict=True)
        )

    return run


def univers_runner() -> Runner:
    """Answer one case with univers's public API."""
    from univers.version_range import RANGE_CLASS_BY_SCHEMES, VersionRange

    def version_class(name: str) -> Any:
        return RANGE_CLASS_BY_SCHEMES[UNIVERS_NAMES.get(name, name)].version_class

    def run(case: Case) -> bool:
        data: Any = case["input"]
        expected: Any = case.get("expected_output")
        if case["test_type"] == "parse":
            try:
                parsed = VersionRange.from_string(data)  # type: ignore[no-untyped-call]
            except Exception:  # univers raises ValueError and others for bad input
                return bool(case.get("expected_failure"))
            decoded = [[c.comparator, str(c.version)] for c in parsed.constraints]
            return not case.get("expected_failure") and [parsed.scheme, decoded] == [
                expected["scheme"],
                expected["version_constraints"],
            ]
        if case["test_type"] == "validate":
            written = str(VersionRange.from_string(data))  # type: ignore[no-untyped-call]
            return bool(written == expected)
        if case["test_type"] == "from_native":
            range_class = RANGE_CLASS_BY_SCHEMES[data["scheme"]]
            native = range_class.from_native(data["native_range"])  # type: ignore[no-untyped-call]
            return bool(str(native) == expected)
        if case["test_type"] == "containment":
            vers = VersionRange.from_string(data["vers"])  # type: ignore[no-untyped-call]
            return (vers.version_class(data["version"]) in vers) is expected
        make = version_class(data["input_scheme"])
        if case["test_type"] == "equality":
            first, second = data["versions"]
            return (make(first) == make(second)) is expected
        ordered = sorted(data["versions"], key=make)
        return len(ordered) == len(expected) and all(
            make(a) == make(b) for a, b in zip(ordered, expected, strict=True)
        )

    return run


def score(
    run: Runner, cases: list[Case], types: tuple[str, ...]
) -> tuple[dict[str, int], list[int]]:
    """Cases passed per test type, and the indexes of the cases that failed or raised."""
    passed = dict.fromkeys(types, 0)
    failed = []
    for index, case in enumerate(cases):
        try:
            ok = run(case)
        except Exception:  # a library raising on a case fails that case, nothing more
            ok = False
        if ok:
            passed[case["test_type"]] += 1
        else:
            failed.append(index)
    return passed, failed


def best_time(run: Runner, cases: list[Case], repeat: int) -> float:
    """The fastest of ``repeat`` passes over every case, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for case in cases:
            with contextlib.suppress(Exception):  # counted in score(); timing goes on
                run(case)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the best counts")
    parser.add_argument("--show-failures", action="store_true", help="list failed cases")
    parser.add_argument("--all", action="store_true", help="every test type of the suite")
    args = parser.parse_args(argv)
    types = ALL_TYPES if args.all else TYPES
    cases = suite_cases(anchors_dir(), types)
    totals = {t: sum(c["test_type"] == t for c in cases) for t in types}
    times: dict[str, float] = {}
    print(f"{len(cases)} cases: " + ", ".join(f"{totals[t]} {t}" for t in types))
    print(f"{'library':10} {'passed':>13}  " + "  ".join(f"{t:>13}" for t in types) + "  time")
    for label, make in (("polypac", polypac_runner), ("univers", univers_runner)):
        run = make()
        passed, failed = score(run, cases, types)
        times[label] = best_time(run, cases, args.repeat)
        cells = "  ".join(f"{passed[t]:>6}/{totals[t]:<6}" for t in types)
        total = f"{sum(passed.values())}/{len(cases)}"
        print(f"{label:10} {total:>13}  {cells}  {times[label] * 1000:8.1f} ms")
        if args.show_failures:
            for index in failed:
                print(f"    failed: {json.dumps(cases[index]['input'], ensure_ascii=False)}")
    ratio = times["univers"] / times["polypac"]
    print(f"ratio: univers time / polypac time = {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
