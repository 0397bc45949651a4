"""``polypac translate``: output, loss lines, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from polypac.cli import main


def test_exact_translation_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "requirements.txt"
    source.write_text("attrs>=1.2,<2\n")
    code = main(["translate", "--from", "requirements", "--to", "package.json", str(source)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert json.loads(out) == {"dependencies": {"attrs": ">=1.2.0 <2.0.0"}}


def test_losses_on_stderr_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "control"
    source.write_text("Package: x\nDepends: exim4 (>= 4.96) | postfix\n")
    output = tmp_path / "requirements.txt"
    code = main(
        [
            "translate",
            "--from",
            "debian",
            "--to",
            "requirements",
            str(source),
            "--output",
            str(output),
        ]
    )
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == "loss: exim4: PEP 508 has no alternatives: kept exim4, dropped postfix\n"
    assert output.read_text() == "exim4>=4.96\n"


def test_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "package.json"
    source.write_text('{"peerDependencies": {"react": ">=18.0.0"}}')
    code = main(
        ["translate", "--from", "package.json", "--to", "requirements", str(source), "--json"]
    )
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["text"] == "react>=18.0.0\n"
    assert document["dependencies"][0]["scope"] == "peer"
    assert document["losses"] == [
        {
            "item": "react",
            "source_text": '"react": ">=18.0.0"',
            "reason": "requirements files have no peer scope: written as a plain requirement",
        }
    ]


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "requirements.txt"
    source.write_text("ok>=1\nbad line !!\n")
    code = main(["translate", "--from", "requirements", "--to", "pac", str(source)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(f"error: {source}:2: invalid requirements file: ")
    assert "Traceback" not in err


def test_not_utf8_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "package.json"
    source.write_bytes(b'{"a": "\xff"}')
    code = main(["translate", "--from", "package.json", "--to", "pac", str(source)])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: {source}: invalid input: not UTF-8 text (byte 7 is 0xff)\n  \n"
    )


def test_unknown_format_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "--from", "gemfile", "--to", "pac"]) == 2
