"""Korean and English messages from Babel catalogues.

The catalogues are ``cdcare/locale/{ko,en}/LC_MESSAGES/*.po`` (``messages.po`` for the core,
one more file per domain area, e.g. ``scales.po``); all files of a language are merged, read
with Babel at first use (no compile step). Adding a message means: write ``_("...")`` or
``N_("...")`` in code and add its Korean ``msgstr`` to the area's ``ko`` file; a test fails for
any marked message without a Korean translation.
English is the source language: an empty English translation falls back to the message id.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("ko", "en")
DEFAULT_LANG = "en"


def normalize_lang(lang: str | None) -> str:
    """Map 'ko', 'ko-KR', 'ko_KR', 'EN'... to a supported code; unknown → English."""
    if not lang:
        return DEFAULT_LANG
    code = lang.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANG


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Message id → translation for ``lang`` (only non-empty, non-fuzzy entries)."""
    folder = resources.files("cdcare") / "locale" / lang / "LC_MESSAGES"
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".po"):
            continue
        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        for msg in cat:
            usable = isinstance(msg.id, str) and msg.id and not msg.fuzzy
            if usable and isinstance(msg.string, str) and msg.string:
                out[str(msg.id)] = msg.string
    return out


def translate(message: str, lang: str | None = None) -> str:
    """Translate a message id into ``lang``; falls back to the English id."""
    return catalogue(normalize_lang(lang)).get(message, message)


def gettext_for(lang: str | None):  # type: ignore[no-untyped-def]
    """A ``_()`` function bound to one language (for templates and CLI output)."""
    code = normalize_lang(lang)

    def _(message: str) -> str:
        return translate(message, code)

    return _


__all__ = ["DEFAULT_LANG", "LANGUAGES", "catalogue", "gettext_for", "normalize_lang", "translate"]
