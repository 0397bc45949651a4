"""``polypac debian install``: apt's plan from this machine's lists (CI has the same image)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from polypac.cli import main

_INST = re.compile(r"^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) ", re.MULTILINE)


@pytest.fixture
def apt_lists() -> None:
    if not list(Path("/var/lib/apt/lists").glob("*_Packages*")) or not shutil.which("apt-get"):
        message = "no apt lists on this machine"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.mark.usefixtures("apt_lists")
def test_the_plan_is_apts(capsys: pytest.CaptureFixture[str]) -> None:
    apt = subprocess.run(
        ["apt-get", "install", "-s", "-q", "curl"],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "")},
        check=True,
    )
    assert main(["debian", "install", "curl", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {(r["name"], r["version"]) for r in rows} == set(_INST.findall(apt.stdout))


@pytest.mark.usefixtures("apt_lists")
def test_an_unknown_package_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["debian", "install", "no-such-package-polypac"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot install no-such-package-polypac")
    assert "hint: " in err
