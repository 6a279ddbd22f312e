"""Every message marked for translation has a Korean translation with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import cdcare
from cdcare.errors import InputError
from cdcare.i18n import catalogue, normalize_lang, translate

SRC = Path(cdcare.__file__).parent


def _marked() -> dict[str, str]:
    found: dict[str, str] = {}
    method_map = [("**.py", "python"), ("web/templates/**.html", "jinja2.ext:babel_extract")]
    for filename, _lineno, message, _comments, _ctx in extract_from_dir(
        str(SRC), method_map, keywords={"_": None, "N_": None}
    ):
        if isinstance(message, str):
            found.setdefault(message, filename)
    return found


MARKED = _marked()


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_messages_are_found() -> None:
    assert "File not found: {path}" in MARKED
    assert "Record number" in MARKED  # from a template


@pytest.mark.parametrize("message", sorted(MARKED))
def test_every_message_has_korean(message: str) -> None:
    ko = catalogue("ko")
    assert message in ko, f"no Korean translation for {message!r} ({MARKED[message]})"
    assert _fields(ko[message]) == _fields(message), f"placeholders differ in {message!r}"


def test_error_renders_in_both_languages() -> None:
    err = InputError("File not found: {path}", path="a.json")
    assert err.text("en") == "File not found: a.json"
    assert err.text("ko") == "파일을 찾을 수 없습니다: a.json"
    assert str(err) == "File not found: a.json"


def test_language_normalisation_and_fallback() -> None:
    assert normalize_lang("ko-KR") == "ko"
    assert normalize_lang("EN_us") == "en"
    assert normalize_lang("fr") == "en"
    assert translate("a message nobody translated", "ko") == "a message nobody translated"
