"""Catalogue upkeep for ``make i18n`` (docs/i18n.md): ``update`` and ``compile``.

Usage: ``python scripts/i18n.py update|compile [LOCALE_DIR]`` (default ``src/cdcare/locale``).

``update`` (after ``pybabel extract`` wrote ``LOCALE_DIR/messages.pot``): messages are kept in
one ``.po`` file per area (``ko/LC_MESSAGES/scales.po``...), which is why this is not
``pybabel update`` (that would copy every message into every file). A message of the template
that is in none of the Korean files is appended, untranslated, to
``ko/LC_MESSAGES/messages.po`` (``tests/test_i18n.py`` then names it until a translator fills
it in or moves it to its area's file). English is the source language: its catalogue holds
only what differs from the ids. Translated messages the code no longer uses are listed, not
deleted.

``compile``: every ``.po`` to the ``.mo`` beside it with ``babel.messages.mofile.write_mo``
(fuzzy entries left out). Not ``pybabel compile``: its python-format check takes the literal
``%`` of ``{}``-style messages ("{percent}% of the frames") for a placeholder and refuses
them; ``tests/test_i18n.py`` checks both placeholder styles instead. The ``.mo`` files are
committed; the same test fails when one differs from a fresh compile of its ``.po``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

#: languages whose files get the new messages (English is the source language)
TRANSLATED = ("ko",)


def _key(msg_id: object, context: str | None) -> tuple[str, str | None]:
    singular = msg_id[0] if isinstance(msg_id, tuple | list) else msg_id
    return str(singular), context


def _read(po: Path) -> Catalog:
    with po.open("rb") as fh:
        return read_po(fh, locale=po.parent.parent.name)


def _entries(catalog: Catalog) -> str:
    """The messages of ``catalog`` as .po text, without its header."""
    out = io.BytesIO()
    write_po(out, catalog, omit_header=True, width=100)
    return out.getvalue().decode("utf-8")


def update(locale_dir: Path) -> int:
    """Append the template's missing messages; returns how many were added."""
    with (locale_dir / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    wanted = {_key(m.id, m.context) for m in template if m.id}
    added = 0
    for lang in TRANSLATED:
        folder = locale_dir / lang / "LC_MESSAGES"
        known = {_key(m.id, m.context) for po in folder.glob("*.po") for m in _read(po) if m.id}
        new = Catalog(locale=lang)
        for msg in template:
            if msg.id and _key(msg.id, msg.context) not in known:
                new.add(msg.id, None, list(msg.locations), msg.flags, context=msg.context)
        if len(new):
            with (folder / "messages.po").open("a", encoding="utf-8") as fh:
                fh.write("\n" + _entries(new))
        added += len(new)
        print(f"{lang}: {len(new)} new message(s) appended to {folder / 'messages.po'}")
        unused = sorted(k for k, _ in known - wanted)
        if unused:
            print(f"{lang}: {len(unused)} message(s) no longer in the code, e.g. {unused[:3]}")
    return added


def compile_all(locale_dir: Path) -> int:
    """Write ``X.mo`` beside every ``X.po``; returns how many catalogues were compiled."""
    count = 0
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        out = io.BytesIO()
        write_mo(out, _read(po))
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != out.getvalue():
            mo.write_bytes(out.getvalue())
            print(f"compiled {po} -> {mo.name}")
        count += 1
    return count


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("update", "compile"):
        sys.exit(__doc__)
    where = Path(sys.argv[2] if len(sys.argv) > 2 else "src/cdcare/locale")
    (update if sys.argv[1] == "update" else compile_all)(where)
