"""One patient's care as a dated timeline, and head angles across video measurements.

Dates are local calendar dates in ``zone`` (default: the configured zone, :mod:`cdcare.clock`);
stored timestamps are UTC.
Angles are the video contract's medians in degrees (+ rotation = chin toward the patient's
left, + tilt = toward the left shoulder, + flexion = chin down).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care.patients import latest_assessments
from cdcare.clock import centre_zone, local_date
from cdcare.errors import N_
from cdcare.i18n import translate
from cdcare.store.care_models import AdverseEvent, InjectionSession, Medication
from cdcare.store.models import Visit
from cdcare.store.video_models import JobStatus, VideoAnalysis

ANGLES = ("rotation_deg", "tilt_deg", "flexion_deg")
LABELS = {
    "visit": N_("Visit"),
    "video": N_("Video measurement"),
    "rotation": N_("Rotation"),
    "injection": N_("Injection"),
    "adverse_event": N_("Adverse event"),
    "medication_started": N_("Medication started"),
    "medication_stopped": N_("Medication stopped"),
}


@dataclass(frozen=True)
class Event:
    """One dated entry: ``kind`` (visit, scale, video, injection, adverse_event, medication),
    a short text in the reader's language and a link to its page (or "")."""

    on: date
    kind: str
    text: str
    link: str = ""


def patient_events(
    *, db: Session, patient_id: int, lang: str, zone: ZoneInfo | None = None, limit: int = 40
) -> list[Event]:
    """The newest ``limit`` events of every kind, newest first."""
    zone = centre_zone(zone)
    base = f"/patients/{patient_id}"

    def t(message: str) -> str:
        return translate(message, lang)

    events: list[Event] = []
    for v in db.scalars(select(Visit).where(Visit.patient_id == patient_id)):
        events.append(
            Event(
                v.visit_date, "visit", f"{t(LABELS['visit'])} ({v.kind})", f"{base}/visits/{v.id}"
            )
        )
    for a in latest_assessments(db=db, patient_id=patient_id):
        total = "–" if a.total is None else f"{a.total:g}"
        events.append(
            Event(
                local_date(a.assessed_at, zone),
                "scale",
                f"{a.instrument.upper()} {total}",
                f"{base}#a{a.id}",
            )
        )
    for r in db.scalars(
        select(VideoAnalysis).where(
            VideoAnalysis.patient_id == patient_id, VideoAnalysis.status == JobStatus.DONE
        )
    ):
        rot = ((r.result or {}).get("posture") or {}).get("rotation_deg")
        text = t(LABELS["video"])
        if isinstance(rot, int | float):
            text += f": {t(LABELS['rotation'])} {rot:+.1f}°"
        events.append(Event(local_date(r.created_at, zone), "video", text, f"{base}/videos/{r.id}"))
    for s in db.scalars(select(InjectionSession).where(InjectionSession.patient_id == patient_id)):
        events.append(
            Event(
                s.injected_on,
                "injection",
                f"{t(LABELS['injection'])}: {s.product} {s.total_units:g} {s.unit}",
                f"{base}/injections",
            )
        )
    adverse = (
        select(AdverseEvent).join(InjectionSession).where(InjectionSession.patient_id == patient_id)
    )
    for e in db.scalars(adverse):
        events.append(
            Event(
                e.onset_on,
                "adverse_event",
                f"{t(LABELS['adverse_event'])}: {e.code} ({e.severity})",
                f"{base}/injections",
            )
        )
    for m in db.scalars(select(Medication).where(Medication.patient_id == patient_id)):
        events.append(
            Event(
                m.start_on,
                "medication",
                f"{t(LABELS['medication_started'])}: {m.drug} {m.dose:g} {m.unit}",
                f"{base}/medications",
            )
        )
        if m.stop_on is not None:
            events.append(
                Event(
                    m.stop_on,
                    "medication",
                    f"{t(LABELS['medication_stopped'])}: {m.drug}",
                    f"{base}/medications",
                )
            )
    events.sort(key=lambda e: e.on, reverse=True)
    return events[:limit]


def angle_trends(
    *, db: Session, patient_id: int, zone: ZoneInfo | None = None
) -> dict[str, list[tuple[date, float]]]:
    """Median rotation, tilt and flexion (degrees) of each finished video measurement."""
    zone = centre_zone(zone)
    out: dict[str, list[tuple[date, float]]] = {}
    rows = db.scalars(
        select(VideoAnalysis)
        .where(VideoAnalysis.patient_id == patient_id, VideoAnalysis.status == JobStatus.DONE)
        .order_by(VideoAnalysis.id)
    )
    for r in rows:
        posture = (r.result or {}).get("posture") or {}
        for key in ANGLES:
            value = posture.get(key)
            if isinstance(value, int | float):
                out.setdefault(key.removesuffix("_deg"), []).append(
                    (local_date(r.created_at, zone), float(value))
                )
    return out
