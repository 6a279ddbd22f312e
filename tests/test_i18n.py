"""The catalogues: every marked message has Korean with the same placeholders, the committed
``.mo`` files are the compiled ``.po`` files, plural forms and contexts resolve, and templates
get ``ngettext``/``pgettext`` and locale-aware date and number filters."""

from __future__ import annotations

import gettext
import io
import re
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import cdcare
from cdcare.errors import InputError
from cdcare.i18n import (
    CONTEXT_SEP,
    catalogue,
    normalize_lang,
    plural_forms,
    translate,
    translate_context,
    translate_plural,
    translations,
)
from cdcare.web.templating import environment

SRC = Path(cdcare.__file__).parent
ROOT = SRC.parent.parent
LOCALE = SRC / "locale"
TEMPLATES = SRC / "web" / "templates"
PO_FILES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))

#: (context, singular, plural or None) of one marked message
Key = tuple[str | None, str, str | None]


def _babel_cfg() -> tuple[list[tuple[str, str]], dict[str, dict[str, object]]]:
    """babel.cfg (what ``make i18n`` extracts with), patterns relative to the package."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    prefix = "src/cdcare/"
    assert all(p.startswith(prefix) for p, _ in method_map)
    return (
        [(p.removeprefix(prefix), m) for p, m in method_map],
        {p.removeprefix(prefix): o for p, o in options_map.items()},
    )


def _marked() -> dict[Key, str]:
    method_map, options_map = _babel_cfg()
    found: dict[Key, str] = {}
    for filename, _lineno, message, _comments, ctx in extract_from_dir(
        str(SRC), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        if isinstance(message, str):
            found.setdefault((ctx, message, None), filename)
        elif isinstance(message[0], str):
            found.setdefault((ctx, message[0], message[1]), filename)
    return found


MARKED = _marked()
PY_FIELD = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def _fields(text: str) -> set[str]:
    """Names of the ``{name}`` and ``%(name)s`` placeholders of ``text``."""
    brace = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    return brace | set(PY_FIELD.findall(text))


def _key_id(key: Key) -> str:
    ctx, singular, plural = key
    return f"{ctx}|{singular}|{plural}" if ctx or plural else singular


def test_messages_are_found() -> None:
    assert (None, "File not found: {path}", None) in MARKED
    assert (None, "Record number", None) in MARKED  # from a template
    assert ("score", "Total", None) in MARKED  # pgettext in a template
    assert (None, "%(num)d diary day", "%(num)d diary days") in MARKED  # ngettext, template
    assert (  # translate_plural in Python (babel.cfg keywords)
        None,
        "{count} video was already done and was not analysed again",
        "{count} videos were already done and were not analysed again",
    ) in MARKED


@pytest.mark.parametrize("key", sorted(MARKED, key=_key_id), ids=_key_id)
def test_every_message_has_korean(key: Key) -> None:
    ctx, singular, plural = key
    where = MARKED[key]
    if plural is None:
        ko = catalogue("ko")
        lookup = singular if ctx is None else f"{ctx}{CONTEXT_SEP}{singular}"
        assert lookup in ko, f"no Korean translation for {singular!r} ({where})"
        assert _fields(ko[lookup]) == _fields(singular), f"placeholders differ in {singular!r}"
    else:
        forms = plural_forms("ko", singular, ctx)
        assert len(forms) == 1, f"Korean needs exactly one plural form for {singular!r} ({where})"
        # Korean's one form serves every count: it names what the plural names
        assert _fields(plural) <= _fields(forms[0]) <= _fields(singular) | _fields(plural)


def test_template_messages_survive_newstyle_percent_formatting() -> None:
    """Newstyle gettext always applies ``%``: a literal percent sign must be written ``%%``."""
    ko = catalogue("ko")
    for (ctx, singular, plural), where in MARKED.items():
        if not where.startswith("web/templates") or plural is not None:
            continue
        lookup = singular if ctx is None else f"{ctx}{CONTEXT_SEP}{singular}"
        for text in (singular, ko[lookup]):
            names = {n: 0 for n in PY_FIELD.findall(text)}
            assert isinstance(text % names, str), (where, text)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_mo_is_the_compiled_po(po: Path) -> None:
    """The committed .mo equals a fresh compile of its .po (run ``make i18n`` after editing)."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make i18n"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    fresh.seek(0)
    with mo.open("rb") as fh:
        committed = gettext.GNUTranslations(fh)
    expected = gettext.GNUTranslations(fresh)
    assert committed._catalog == expected._catalog, f"{mo.name} is stale: run make i18n"  # type: ignore[attr-defined]
    assert committed.info()["plural-forms"] == expected.info()["plural-forms"]


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_plural_forms_header(po: Path) -> None:
    lang = po.parent.parent.name
    want = {"ko": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}[lang]
    assert f'"Plural-Forms: {want}\\n"' in po.read_text(encoding="utf-8")


def test_loaded_plural_rules() -> None:
    ko, en = translations("ko"), translations("en")
    assert [ko.plural(n) for n in (0, 1, 2, 5)] == [0, 0, 0, 0]
    assert [en.plural(n) for n in (0, 1, 2, 5)] == [1, 0, 1, 1]
    # several files merged into one catalogue: messages of two areas in the same object
    assert translate("File not found: {path}", "ko") != "File not found: {path}"  # messages.po
    assert translate("Scale totals over time", "ko") != "Scale totals over time"  # web.po


def test_python_plural_and_context() -> None:
    one, many = "{count} video was already done", "{count} videos were already done"
    assert translate_plural(
        one + " and was not analysed again", many + " and were not analysed again", 1, "en"
    ).startswith(one)
    assert translate_plural(
        one + " and was not analysed again", many + " and were not analysed again", 2, "en"
    ).startswith(many)
    assert translate_context("score", "Total", "ko") == "총점"
    assert translate_context("dose", "Total", "ko") == "총량"
    assert translate_context("score", "Total", "en") == "Total"
    assert translate("", "ko") == ""  # the empty id is the header, not a message


def _render(source: str, lang: str, zone: str = "Asia/Seoul", **ctx: object) -> str:
    return environment(TEMPLATES, lang, zone).from_string(source).render(**ctx)


NGETTEXT = '{{ ngettext("%(num)d diary day", "%(num)d diary days", n) }}'


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "1 diary day"),
        ("en", 3, "3 diary days"),
        ("en", 0, "0 diary days"),
        ("ko", 1, "일지 1일"),
        ("ko", 3, "일지 3일"),
    ],
)
def test_template_ngettext(lang: str, n: int, expected: str) -> None:
    assert _render(NGETTEXT, lang, n=n) == expected


def test_template_pgettext_resolves_by_context() -> None:
    source = (
        '{{ pgettext("score", "Total") }}|{{ pgettext("dose", "Total") }}|'
        '{{ pgettext("body side", "Side") }}|{{ _("Side") }}'
    )
    assert _render(source, "ko") == "총점|총량|좌우|방향"
    assert _render(source, "en") == "Total|Total|Side|Side"


def test_template_gettext_escapes_variables_not_the_message() -> None:
    out = _render('{{ _("Signed {when}").format(when=w) }} {{ _("%(x)s", x=w) }}', "en", w="<b>")
    assert out == "Signed &lt;b&gt; &lt;b&gt;"


def test_date_and_number_filters_by_language() -> None:
    instant = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # 01:00 on 4 December in Seoul
    source = (
        "{{ d | date }}|{{ t | date }}|{{ t | datetime }}|{{ x | number }}|"
        "{{ x | number(0) }}|{{ f | percent }}|{{ none | date }}"
    )
    ctx = {"d": date(2026, 3, 9), "t": instant, "x": 12345.67, "f": 0.874}
    ko = _render(source, "ko", **ctx).split("|")
    en = _render(source, "en", **ctx).split("|")
    assert ko[:3] == ["2026. 3. 9.", "2026. 12. 4.", "2026. 12. 4. 오전 1:00"]
    assert en[:2] == ["Mar 9, 2026", "Dec 4, 2026"]
    assert en[2].replace("\u202f", " ") == "Dec 4, 2026, 1:00 AM"
    assert ko[3:6] == en[3:6] == ["12,345.7", "12,346", "87%"]
    assert ko[6] == en[6] == "–"


def test_time_signed_and_exact_filters() -> None:
    instant = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # 01:00 in Seoul
    source = (
        "{{ t | time }}|{{ a | signed }}|{{ b | signed }}|{{ z | signed }}|"
        "{{ dose | exact }}|{{ big | exact }}|{{ iso | date }}"
    )
    ctx = {"t": instant, "a": 12.46, "b": -4.0, "z": 0.01, "dose": 12.125, "big": 1000}
    ko = _render(source, "ko", **ctx, iso="2026-03-09").split("|")
    en = _render(source, "en", **ctx, iso="2026-03-09").split("|")
    assert ko[0] == "오전 1:00" and en[0].replace("\u202f", " ") == "1:00 AM"
    # + = the contract's positive direction, shown; a value that rounds to 0 has no sign
    assert ko[1:4] == en[1:4] == ["+12.5", "-4", "0"]
    # a dose keeps every decimal (number would give 12.1); grouping as the locale does
    assert ko[4:6] == en[4:6] == ["12.125", "1,000"]
    assert (ko[6], en[6]) == ("2026. 3. 9.", "Mar 9, 2026")  # an ISO string of a JSON dict


def test_error_parameters_that_are_dates_are_written_for_the_reader() -> None:
    err = InputError("Onset date {value} is in the future", value=date(2030, 1, 2))
    assert "2030. 1. 2." in err.text("ko") and "Jan 2, 2030" in err.text("en")


def test_datetime_filter_uses_the_configured_zone() -> None:
    instant = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    seoul = _render("{{ t | datetime }}", "en", "Asia/Seoul", t=instant)
    new_york = _render("{{ t | datetime }}", "en", "America/New_York", t=instant)
    assert seoul.startswith("Dec 4, 2026") and new_york.startswith("Dec 3, 2026")
    assert new_york.replace("\u202f", " ").endswith("11:00 AM")


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
    assert translate_plural("a thing", "things", 2, "ko") == "things"


@pytest.mark.parametrize(
    ("lang", "items", "expected"),
    [
        ("en", 1, "Video of Nov 30, 2026: 1 suggested TWSTRS item not confirmed"),
        ("en", 2, "Video of Nov 30, 2026: 2 suggested TWSTRS items not confirmed"),
        ("ko", 2, "2026. 11. 30. 영상: 제안된 TWSTRS 문항 2개 미확인"),
    ],
)
def test_worklist_counts_use_plural_forms(lang: str, items: int, expected: str) -> None:
    from cdcare.care.worklist import video_review_hits
    from cdcare.web.routes.worklist import explain

    suggested = {f"item{i}": 1 for i in range(items)}
    (hit,) = video_review_hits([(7, date(2026, 11, 30), suggested)])
    assert explain(hit, lang) == expected


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_template_compiles_in_its_language_environment(lang: str) -> None:
    from cdcare.web.templating import LocalizedTemplates

    env = LocalizedTemplates(TEMPLATES, "Asia/Seoul").get(lang).env
    names = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
    assert len(names) > 30
    for name in names:
        assert env.get_template(name).name == name
