"""The examples in the docstrings of polypac.pac run as written."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import polypac.pac
from polypac.pac import _intervals, _printer, _syntax

MODULES = [polypac.pac, _syntax, _intervals, _printer]


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_docstring_examples(module: ModuleType) -> None:
    failed, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failed == 0
