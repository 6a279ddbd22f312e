"""Every message marked in the education area has a Korean translation with the same fields."""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_file

import cdcare
from cdcare.i18n import catalogue

SRC = Path(cdcare.__file__).parent
FILES = [*sorted((SRC / "education").glob("*.py")), SRC / "cli" / "learn.py"]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_education_messages_have_korean() -> None:
    ko = catalogue("ko")
    marked = [
        msg
        for path in FILES
        for _, msg, _, _ in extract_from_file("python", str(path), keywords={"_": None, "N_": None})
        if isinstance(msg, str)
    ]
    assert len(marked) >= 20
    missing = [m for m in marked if m not in ko]
    assert not missing, missing
    assert all(_fields(ko[m]) == _fields(m) for m in marked)
