"""PDF report sections: video measurements, injection record, plan and sources."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import KeepTogether

from cdcare.clinical.planning import Level
from cdcare.clinical.sources import bibliography, tag_key
from cdcare.clinical.toxins import get_product
from cdcare.errors import N_
from cdcare.i18n import translate_plural
from cdcare.reports.model import ReportData, VideoEntry
from cdcare.reports.pdf_base import (
    DASH,
    FLEXION_WORDS,
    GUIDANCE,
    LEVEL,
    SAGITTAL_WORDS,
    SIDE,
    SIDE_WORDS,
    SOURCE,
    WIDTH,
    BaseWriter,
)


class TreatmentSections(BaseWriter):
    """Video, injection, plan and sources sections."""

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
                    f"{v.tremor_axis or ''} {self.num(v.tremor_frequency_hz)} Hz, "
                    f"{self.num(v.tremor_amplitude_deg)}°"
                ).strip()
            angles = self._(N_("own neutral") if v.relative else N_("absolute"))
            if v.relative and v.reference_video:
                angles += f" ({v.reference_video})"
            when = self.day(v.on)
            if v.source in SOURCE:
                when += f" ({self._(SOURCE[v.source])})"
            body.append(
                [
                    when,
                    self._signed(v.rotation_deg, SIDE_WORDS) + self.bracket(v.rotation_interval),
                    self._signed(v.tilt_deg, SIDE_WORDS) + self.bracket(v.tilt_interval),
                    self._signed(v.flexion_deg, FLEXION_WORDS) + self.bracket(v.flexion_interval),
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
                dilution=self.dose(rec.dilution_u_per_ml),
            )
            how = f"{self._(GUIDANCE.get(rec.guidance.value, rec.guidance.value))}; {rec.injector}"
            if e.override_reason:
                how += "; " + self._(N_("early: {reason}"), reason=e.override_reason)
            total = self.dose(rec.total)
            body.append([self.day(rec.on), product, total, sites, how, self._adverse(e)])
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
            self.p_("dose", "Total"),
            self._(N_("Adverse events")),
        ]
        body = [
            [
                self.day(e.record.on),
                self._product(e.record.product),
                f"{self.dose(e.record.total)} {e.unit}",
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
                translate_plural(
                    "{n} older session is not shown.",
                    "{n} older sessions are not shown.",
                    data.omitted_injections,
                    self.lang,
                ).format(n=data.omitted_injections),
                self.small,
            )

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
                total=self.dose(plan.total),
                unit=unit,
            )
        )
        head = [
            self._(N_("Muscle")),
            self.p_("body side", "Side"),
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
                    self.dose(item.dose),
                    f"{self.dose(rng.low)}–{self.dose(rng.high)}" if rng else DASH,
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
