"""The PDF visit report (reportlab), Korean or English, with the Korean font embedded.

:func:`build_pdf` turns a :class:`~cdcare.reports.model.ReportData` into PDF bytes: header,
rating scales (one table per instrument, oldest first, change from the previous total with
+ = worse, and a trend plot), video measurements (newest first, each signed value with its
direction word), injection log (newest sessions in full, earlier ones one line each) and plan,
then the sources cited on the way (tag, title, authors, year, address); empty sections are left
out. Instruments resting on unconfirmed facts carry the "unconfirmed
reference" flag. Licensed item wording is never printed: only scores, codes and neutral labels.
Every page has a footer with its number and, for demo data, the words "synthetic demo data".

Fonts: NanumGothic (Debian package fonts-nanum, found through matplotlib's font manager),
embedded as a subset; a missing font file is a
:class:`~cdcare.errors.ConfigError`, never a silent fallback that prints empty boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cdcare.care.injections import adverse_event_codes
from cdcare.clinical.planning import Level
from cdcare.clinical.posture import muscles
from cdcare.clinical.scales import Instrument, list_instruments
from cdcare.clinical.sources import bibliography, split_tags, tag_key
from cdcare.clinical.toxins import get_product
from cdcare.errors import N_, ConfigError
from cdcare.i18n import normalize_lang, translate
from cdcare.reports.fonts import NANUM, find_font
from cdcare.reports.model import InjectionEntry, ReportData, ScaleEntry, VideoEntry
from cdcare.reports.plots import trend_png

REGULAR = "NanumGothic"
BOLD = "NanumGothic-Bold"
#: Font name → TTF file, filled on first use from matplotlib's font manager
#: (:func:`cdcare.reports.fonts.find_font`); both are embedded (subset) in every report.
FONT_FILES: dict[str, Path] = {}
MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN  # usable width, points
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef2f6")
DASH = "–"

SEX = {"F": N_("Female"), "M": N_("Male"), "X": N_("Other or unknown")}
SIDE = {"left": N_("left"), "right": N_("right")}
LEVEL = {Level.REFUSE: N_("Refused"), Level.WARN: N_("Warning")}
#: Direction words of a signed measurement: (word for +, word for −); docs/video.md signs.
SIDE_WORDS = (N_("left"), N_("right"))
FLEXION_WORDS = (N_("chin down"), N_("head back"))
SAGITTAL_WORDS = (N_("forward"), N_("back"))
SOURCE = {"clinic": N_("clinic"), "home": N_("home")}
SEVERITY = {"mild": N_("mild"), "moderate": N_("moderate"), "severe": N_("severe")}
GUIDANCE = {
    "none": N_("no guidance"),
    "emg": N_("EMG"),
    "ultrasound": N_("ultrasound"),
    "emg+ultrasound": N_("EMG + ultrasound"),
}


def register_fonts() -> None:
    """Register NanumGothic (regular, bold) with reportlab; ConfigError if a file is missing."""
    for name, bold in ((REGULAR, False), (BOLD, True)):
        path = FONT_FILES.get(name) or find_font(NANUM, bold=bold)
        if path is None or not path.is_file():
            raise ConfigError(
                N_("Korean font {path} is missing: install the Debian package fonts-nanum"),
                path=str(path or name),
            )
        FONT_FILES[name] = path
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR)


def _bracket(interval: tuple[float, float] | None) -> str:
    """`` [lo, hi]`` (degrees, one decimal) or nothing."""
    if interval is None:
        return ""
    return f" [{interval[0]:+.1f}, {interval[1]:+.1f}]"


def _fmt(value: float | None, signed: bool = False) -> str:
    """A number as short text (at most 2 decimals); ``signed`` prefixes + or − (not for 0)."""
    if value is None:
        return DASH
    text = f"{round(value, 2):g}"
    if signed and round(value, 2) > 0:
        return "+" + text
    return text  # ASCII '-': NanumGothic has no U+2212 minus sign


def _short(inst: Instrument) -> str:
    """A short instrument name for legends: 'TWSTRS', 'PHQ-9'..."""
    return inst.name_en.split(" (")[0]


class _Writer:
    """Builds the story (list of flowables) of one report in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        base = ParagraphStyle("base", fontName=REGULAR, fontSize=9, leading=12.5)
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=7.5, leading=10)
        self.cell = ParagraphStyle("cell", base, fontSize=8, leading=10)
        self.title = ParagraphStyle("title", base, fontName=BOLD, fontSize=16, leading=21)
        self.h2 = ParagraphStyle(
            "h2", base, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4
        )
        self.h3 = ParagraphStyle(
            "h3", base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=7, spaceAfter=2
        )
        self.label = ParagraphStyle("label", base, fontName=BOLD)
        self.flag = ParagraphStyle(
            "flag", self.small, textColor=colors.HexColor("#9a3412"), fontName=BOLD
        )
        self.story: list[Flowable] = []
        self.cited: list[str] = []  # source tags printed so far, in order

    def cite(self, source: str) -> str:
        """``source`` as printed; its tags are listed in the closing Sources section."""
        self.cited += [t for t in split_tags(source) if t not in self.cited]
        return source

    def _(self, message: str, **params: Any) -> str:
        text = translate(message, self.lang)
        return text.format(**params) if params else text

    def para(self, text: str, style: ParagraphStyle | None = None) -> None:
        self.story.append(Paragraph(escape(text), style or self.body))

    def table(self, rows: Sequence[Sequence[str]], widths: Sequence[float] | None = None) -> None:
        """A grid table with a shaded header row that repeats on every page."""
        cells = [[Paragraph(escape(c), self.cell) for c in row] for row in rows]
        t = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                    ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        self.story.append(t)

    # -- sections -------------------------------------------------------------------------

    def header(self, data: ReportData, zone: ZoneInfo) -> None:
        h = data.header
        self.para(self._(N_("Cervical dystonia visit report")), self.title)
        self.story.append(Spacer(1, 3 * mm))
        local = h.generated_at.astimezone(zone)
        when = local.strftime("%Y-%m-%d %H:%M")
        zone_name = local.tzname() or ""
        pairs = [
            (N_("Centre"), h.centre),
            (N_("Record number"), h.record_number),
            (N_("Birth year"), str(h.birth_year)),
            (N_("Sex"), self._(SEX.get(h.sex, h.sex))),
            (N_("Onset date"), h.onset_date.isoformat() if h.onset_date else DASH),
            (N_("Report date"), f"{when} {zone_name}".strip()),
            (N_("Generated by"), h.generated_by),
        ]
        rows = [
            [Paragraph(escape(self._(k)), self.label), Paragraph(escape(v), self.body)]
            for k, v in pairs
        ]
        t = Table(rows, colWidths=[38 * mm, WIDTH - 38 * mm], hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
                    ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        self.story.append(t)

    def scales(self, entries: Sequence[ScaleEntry], markers: Sequence[tuple[Any, str]]) -> None:
        if not entries:
            return
        self.para(self._(N_("Rating scales")), self.h2)
        known = {i.code: i for i in list_instruments()}
        series = {
            _short(known[e.instrument]): [
                (x.on, x.total)
                for x in entries
                if x.instrument == e.instrument and x.total is not None
            ]
            for e in entries
            if e.total is not None
        }
        if series:
            png = trend_png(
                series,
                title=self._(N_("Scale totals over time")),
                ylabel=self._(N_("points (higher = worse)")),
                markers=markers,
            )
            self.story.append(Image(io.BytesIO(png), width=WIDTH, height=WIDTH * 0.4))
        for inst in known.values():
            rows = sorted((e for e in entries if e.instrument == inst.code), key=lambda e: e.on)
            if rows:
                self.story.extend(self._instrument(inst, rows))
        self.para(
            self._(
                N_("Licensed questionnaire wording is not reproduced; items are named by code.")
            ),
            self.small,
        )

    def _instrument(self, inst: Instrument, rows: Sequence[ScaleEntry]) -> list[Flowable]:
        """Heading, flags and the table of one instrument's administrations."""
        ko = self.lang == "ko"
        start = len(self.story)
        self.para(inst.name_ko if ko else inst.name_en, self.h3)
        meta = self._(
            N_("Version {version}; source {source}"),
            version=inst.version,
            source=self.cite(inst.source),
        )
        self.para(meta, self.small)
        if not inst.verified:
            self.para(
                self._(
                    N_(
                        "Unconfirmed reference [U]: some items or scoring rules of this "
                        "instrument rest on sources not yet confirmed; verify before relying on it."
                    )
                ),
                self.flag,
            )
        # a subscale that alone is the total (PHQ-9's 'phq9') is shown once, as the total
        alone = inst.total if inst.total is not None and len(inst.total) == 1 else ()
        subs = [s for s in inst.subscales if s.code not in alone]
        head = [self._(N_("Date")), *[s.label_ko if ko else s.label_en for s in subs]]
        bounds = inst.total_bounds()
        if bounds is not None:
            head.append(self._(N_("Total score")) + f" ({_fmt(bounds[0])}–{_fmt(bounds[1])})")
            head.append(self._(N_("Change (+ = worse)")))
        if inst.bands:
            head.append(self._(N_("Severity band")))
        labels = {b.code: (b.label_ko if ko else b.label_en) for b in inst.bands}
        alerts = {a.code: (a.label_ko if ko else a.label_en) for a in inst.alerts}
        body: list[list[str]] = []
        notes: list[str] = []
        previous: float | None = None
        for e in rows:
            line = [e.on.isoformat(), *[_fmt(e.subscores.get(s.code)) for s in subs]]
            if inst.total is not None:
                change = None if previous is None or e.total is None else e.total - previous
                line += [_fmt(e.total), _fmt(change, signed=True)]
                previous = e.total if e.total is not None else previous
            if inst.bands:
                line.append(labels.get(e.band or "", DASH))
            body.append(line)
            notes += [f"{e.on.isoformat()}: {alerts.get(code, code)}" for code in e.alerts]
        self.table([head, *body])
        if notes:
            self.para(self._(N_("Alerts")) + " — " + "; ".join(notes), self.flag)
        block = self.story[start:]
        del self.story[start:]
        if len(body) <= 12:
            return [KeepTogether(block)]
        return block

    def video(self, entries: Sequence[VideoEntry]) -> None:
        if not entries:
            return
        self.para(self._(N_("Video measurements")), self.h2)
        head = [
            self._(N_("Date")),
            self._(N_("Rotation (°)")),
            self._(N_("Tilt (°)")),
            self._(N_("Flexion (°)")),
            self._(N_("Lateral shift")),
            self._(N_("Sagittal shift")),
            self._(N_("Shoulder elevation")),
            self._(N_("Tremor")),
            self._(N_("Angles")),
        ]
        body = []
        for v in sorted(entries, key=lambda v: v.on, reverse=True):
            if v.tremor_present is None:
                tremor = DASH
            elif not v.tremor_present:
                tremor = self._(N_("none"))
            else:
                tremor = (
                    f"{v.tremor_axis or ''} {_fmt(v.tremor_frequency_hz)} Hz, "
                    f"{_fmt(v.tremor_amplitude_deg)}°"
                ).strip()
            angles = self._(N_("own neutral") if v.relative else N_("absolute"))
            if v.relative and v.reference_video:
                angles += f" ({v.reference_video})"
            when = v.on.isoformat()
            if v.source in SOURCE:
                when += f" ({self._(SOURCE[v.source])})"
            body.append(
                [
                    when,
                    self._signed(v.rotation_deg, SIDE_WORDS) + _bracket(v.rotation_interval),
                    self._signed(v.tilt_deg, SIDE_WORDS) + _bracket(v.tilt_interval),
                    self._signed(v.flexion_deg, FLEXION_WORDS) + _bracket(v.flexion_interval),
                    self._signed(v.lateral_shift, SIDE_WORDS),
                    self._signed(v.sagittal_shift, SAGITTAL_WORDS),
                    self._signed(v.shoulder_elevation, SIDE_WORDS),
                    tremor,
                    angles,
                ]
            )
        self.table([head, *body])
        self.para(
            self._(
                N_(
                    "Signs: rotation + = chin toward the patient's left; tilt + = head toward "
                    "the left shoulder; flexion + = chin down. Shifts are fractions of the "
                    "inter-ocular distance (+ = toward the left / forward); shoulder elevation "
                    "+ = left shoulder higher (fraction of shoulder width). Absolute angles from "
                    "a generic face model are off by several degrees for any one person."
                )
            ),
            self.small,
        )
        if any(v.rotation_interval or v.tilt_interval or v.flexion_interval for v in entries):
            self.para(
                self._(
                    N_(
                        "Brackets: 95% interval of the angle (frames resampled, widened by how "
                        "much the calibration differs between synthetic heads). A change smaller "
                        "than these intervals is within the measurement's own noise."
                    )
                ),
                self.small,
            )

    def _signed(self, value: float | None, words: tuple[str, str]) -> str:
        """A signed number with the word of its direction (``words`` = (+ word, − word))."""
        text = _fmt(value, signed=True)
        if value is None or round(value, 2) == 0:
            return text
        return f"{text} {self._(words[0] if value > 0 else words[1])}"

    def injections(self, data: ReportData) -> None:
        if not (data.injections or data.earlier_injections):
            return
        self.para(self._(N_("Injection record")), self.h2)
        head = [
            self._(N_("Date")),
            self._(N_("Product, lot, dilution")),
            self._(N_("Total (product units)")),
            self._(N_("Muscles")),
            self._(N_("Guidance, injector")),
            self._(N_("Adverse events")),
        ]
        body = []
        for e in sorted(data.injections, key=lambda e: e.record.on, reverse=True):
            rec = e.record
            sites = ", ".join(self._site(i.muscle, i.side.value, i.dose) for i in rec.items)
            product = self._(
                N_("{product}; lot {lot}; {dilution} U/mL"),
                product=self._product(rec.product),
                lot=rec.lot,
                dilution=_fmt(rec.dilution_u_per_ml),
            )
            how = f"{self._(GUIDANCE.get(rec.guidance.value, rec.guidance.value))}; {rec.injector}"
            if e.override_reason:
                how += "; " + self._(N_("early: {reason}"), reason=e.override_reason)
            body.append(
                [rec.on.isoformat(), product, _fmt(rec.total), sites, how, self._adverse(e)]
            )
        w = WIDTH
        if body:
            widths = [0.13 * w, 0.2 * w, 0.09 * w, 0.28 * w, 0.16 * w, 0.14 * w]
            self.table([head, *body], widths)
            self.para(
                self._(
                    N_(
                        "Newest {n} sessions in full, newest first. Doses are in units of each "
                        "session's product; units of different products are not interchangeable."
                    ),
                    n=len(body),
                ),
                self.small,
            )
        self._earlier(data)

    def _earlier(self, data: ReportData) -> None:
        """Older sessions: one line each (date, product, total, adverse events)."""
        if not data.earlier_injections:
            return
        start = len(self.story)
        self.para(self._(N_("Earlier sessions (summary)")), self.h3)
        head = [
            self._(N_("Date")),
            self._(N_("Product")),
            self._(N_("Total")),
            self._(N_("Adverse events")),
        ]
        body = [
            [
                e.record.on.isoformat(),
                self._product(e.record.product),
                f"{_fmt(e.record.total)} {e.unit}",
                self._adverse(e),
            ]
            for e in sorted(data.earlier_injections, key=lambda e: e.record.on, reverse=True)
        ]
        w = WIDTH
        self.table([head, *body], [0.14 * w, 0.22 * w, 0.3 * w, 0.34 * w])
        block = self.story[start:]
        self.story[start:] = [KeepTogether(block)]  # heading never alone at a page end
        if data.omitted_injections:
            self.para(
                self._(N_("{n} older sessions are not shown."), n=data.omitted_injections),
                self.small,
            )

    def _adverse(self, e: InjectionEntry) -> str:
        known = adverse_event_codes()
        out = []
        for a in e.adverse:
            label = known.get(a.code, {}).get(self.lang, a.code)
            out.append(f"{label} ({self._(SEVERITY.get(a.severity, a.severity))})")
        return ", ".join(out) or DASH

    def plan(self, data: ReportData) -> None:
        plan = data.plan
        if plan is None:
            return
        self.para(self._(N_("Injection plan")), self.h2)
        unit = get_product(plan.product).unit
        self.para(
            self._(
                N_("Product {product}; total {total} ({unit})"),
                product=self._product(plan.product),
                total=_fmt(plan.total),
                unit=unit,
            )
        )
        head = [
            self._(N_("Muscle")),
            self._(N_("Side")),
            self._(N_("Dose")),
            self._(N_("Sourced range")),
            self._(N_("Source")),
        ]
        body = []
        for item in plan.items:
            rng = item.range
            src = DASH
            if rng is not None:
                src = self.cite(rng.source) + (
                    "" if rng.verified else " · " + self._(N_("unconfirmed"))
                )
            body.append(
                [
                    self._muscle(item.muscle),
                    self._(SIDE.get(item.side.value, item.side.value)),
                    _fmt(item.dose),
                    f"{_fmt(rng.low)}–{_fmt(rng.high)}" if rng else DASH,
                    src,
                ]
            )
        self.table([head, *body])
        for f in data.plan_findings:
            flag = "" if f.verified else " · " + self._(N_("unconfirmed"))
            line = f"{self._(LEVEL[f.level])}: {f.text(self.lang)} ({self.cite(f.source)}{flag})"
            self.para(line, self.flag if f.level is Level.REFUSE else self.small)

    def sources(self) -> None:
        """Every source tag printed in this report, with its bibliography entry."""
        if not self.cited:
            return
        self.para(self._(N_("Sources")), self.h2)
        bib = bibliography()
        for tag in sorted(self.cited, key=tag_key):
            entry = bib.get(tag)
            if entry is None:  # U: not a source
                text = f"[{tag}] {bib.unconfirmed[self.lang]}"
            else:
                year = f", {entry.year}" if entry.year else ""
                text = f"[{tag}] {entry.title}. {entry.authors}{year}. {' ; '.join(entry.url)}"
            self.para(text, self.small)

    def _muscle(self, code: str) -> str:
        m = muscles().get(code)
        return code if m is None else (m.ko if self.lang == "ko" else m.en)

    def _site(self, muscle: str, side: str, dose: float) -> str:
        return f"{self._muscle(muscle)} {self._(SIDE.get(side, side))} {_fmt(dose)}"

    def _product(self, code: str) -> str:
        p = get_product(code)
        return p.ko if self.lang == "ko" else p.en


def _numbered_canvas(footer: str, page_text: str) -> type[Canvas]:
    """A canvas class that writes ``footer`` and "page n of N" on every page (two passes)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab: begin a new page

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(REGULAR, 7.5)
                self.setFillColor(colors.HexColor("#52606d"))
                self.drawString(MARGIN, 9 * mm, footer)
                number = page_text.format(page=self.getPageNumber(), pages=len(self._pages))
                self.drawRightString(A4[0] - MARGIN, 9 * mm, number)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(data: ReportData, *, lang: str = "ko", timezone: str = "Asia/Seoul") -> bytes:
    """The report as PDF bytes (A4) in ``lang`` ('ko' or 'en'); times shown in ``timezone``.

    Raises :class:`ConfigError` when the Korean font is not installed.
    """
    register_fonts()
    lang = normalize_lang(lang)
    w = _Writer(lang)
    w.header(data, ZoneInfo(timezone))
    logged = (*data.injections, *data.earlier_injections)
    markers = [(e.record.on, get_product(e.record.product).name) for e in logged]
    w.scales(data.scales, markers)
    w.video(data.video)
    w.injections(data)
    w.plan(data)
    w.sources()
    footer = "cdcare"
    if data.demo:
        footer += " · " + w._(N_("Synthetic demo data — not a real patient."))
    buf = io.BytesIO()
    title = w._(N_("Cervical dystonia visit report"))
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{title} · {data.header.record_number}",
        author="cdcare",
        initialFontName=REGULAR,  # no unembedded Helvetica reference in the file
    )
    doc.build(w.story, canvasmaker=_numbered_canvas(footer, w._(N_("Page {page} of {pages}"))))
    return buf.getvalue()


__all__ = ["FONT_FILES", "build_pdf", "register_fonts"]
