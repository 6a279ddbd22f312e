"""Import a FHIR R4B Bundle written by :mod:`cdcare.interop.export` into one centre.

The whole Bundle is checked before anything is written (every entry validated by its
``fhir.resources`` model and every reference resolved, :mod:`cdcare.interop.bundle_read`; every
toxin dose in its product's cdcare unit code), then written in the caller's transaction: a
refused Bundle leaves nothing behind. Each refusal is an :class:`~cdcare.errors.InputError`
naming the entry by index and ``fullUrl``.
Scale assessments are re-scored from the QuestionnaireResponse answers by the scale engine; a
total that disagrees with the Observation is refused.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdcare.care.medications import units
from cdcare.care.patients import create_centre
from cdcare.clinical.scales import score
from cdcare.clinical.toxins import get_product
from cdcare.errors import N_, CdcareError
from cdcare.interop import codes as c
from cdcare.interop.bundle_read import (
    CheckedBundle,
    Entry,
    EntryError,
    as_day,
    as_instant,
    coded,
    refuse,
)
from cdcare.interop.resources import POSTURE, TREMOR
from cdcare.store.care_models import (
    AdverseEvent,
    DrugClass,
    InjectionSession,
    InjectionSite,
    Medication,
    MedicationEvent,
)
from cdcare.store.models import Centre, Patient, ScaleAssessment, Sex, Visit
from cdcare.store.video_models import JobStatus, VideoAnalysis

SEX = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.OTHER, "unknown": Sex.OTHER}


@dataclass
class ImportSummary:
    """What :func:`import_bundle` created (counts per kind of record)."""

    centre_id: int
    counts: dict[str, int] = field(default_factory=dict)
    patient_ids: list[int] = field(default_factory=list)


class _Writer:
    """Writes the checked entries; ``made`` maps fullUrl → the new row."""

    def __init__(self, db: Session, bundle: CheckedBundle, centre: Centre) -> None:
        self.db, self.b, self.centre = db, bundle, centre
        self.made: dict[str, Any] = {}
        self.counts: dict[str, int] = {}
        self.at: Entry | None = None

    def each(self, kind: str) -> Iterator[Entry]:
        """The entries of ``kind``, remembering which one is being written."""
        for entry in self.b.of(kind):
            self.at = entry
            yield entry

    def add(self, entry: Entry, row: Any) -> None:
        self.db.add(row)
        self.made[entry.url] = row
        self.counts[entry.kind] = self.counts.get(entry.kind, 0) + 1

    def patient_of(self, e: Entry) -> Patient:
        row: Patient = self.made[self.b.target(e, e.res.get("subject"), "Patient").url]
        return row

    def patients(self) -> None:
        for e in self.each("Patient"):
            ident = (e.res.get("identifier") or [{}])[0]
            number, birth = ident.get("value"), str(e.res.get("birthDate", ""))[:4]
            if not number or not birth.isdigit():
                raise refuse(e, N_("a Patient needs an identifier value and a birth year"))
            if self.db.scalar(
                select(Patient.id).where(
                    Patient.centre_id == self.centre.id, Patient.record_number == number
                )
            ):
                raise refuse(
                    e, N_("record number {number} already exists in this centre"), number=number
                )
            self.add(
                e,
                Patient(
                    centre_id=self.centre.id,
                    record_number=number,
                    birth_year=int(birth),
                    sex=SEX.get(e.res.get("gender", "unknown"), Sex.OTHER),
                ),
            )
        self.db.flush()
        for e in self.each("Condition"):
            patient = self.patient_of(e)
            if "onsetDateTime" in e.res:
                patient.onset_date = as_day(e.res["onsetDateTime"])
            self.counts["Condition"] = self.counts.get("Condition", 0) + 1

    def visits(self) -> None:
        for e in self.each("Encounter"):
            kind = coded((e.res.get("type") or [{}])[0], c.VISIT_KINDS) or "clinic"
            start = (e.res.get("period") or {}).get("start")
            if not start:
                raise refuse(e, N_("an Encounter needs period.start"))
            self.add(
                e, Visit(patient_id=self.patient_of(e).id, visit_date=as_day(start), kind=kind)
            )
        self.db.flush()

    def assessments(self) -> None:
        for e in self.each("Observation"):
            if coded(e.res.get("code"), c.VIDEO) == "head-posture-video":
                self._video(e)
                continue
            qr = self.b.target(e, (e.res.get("derivedFrom") or [None])[0], "QuestionnaireResponse")
            canonical = str(qr.res.get("questionnaire", ""))
            instrument = canonical.removeprefix(c.QUESTIONNAIRE).split("|")[0]
            answers = {
                i["linkId"]: i["answer"][0].get("valueInteger")
                for i in qr.res.get("item", [])
                if i.get("answer")
            }
            try:
                result = score(instrument, answers)
            except CdcareError as err:
                raise refuse(qr, N_("the answers cannot be scored: {error}"), error=err) from err
            given = (e.res.get("valueQuantity") or {}).get("value")
            if given is not None and result.total is not None and abs(given - result.total) > 1e-6:
                raise refuse(
                    e,
                    N_("the total {given} differs from the scored total {total}"),
                    given=given,
                    total=result.total,
                )
            visit = e.res.get("encounter")
            self.add(
                e,
                ScaleAssessment(
                    patient_id=self.patient_of(e).id,
                    visit_id=self.made[self.b.target(e, visit, "Encounter").url].id
                    if visit
                    else None,
                    instrument=result.instrument,
                    instrument_version=result.version,
                    answers=answers,
                    subscores=dict(result.subscores),
                    total=result.total,
                    band=result.band,
                    assessed_at=as_instant(e.res["effectiveDateTime"]),
                ),
            )

    def _video(self, e: Entry) -> None:
        comps = {coded(k.get("code"), c.VIDEO): k for k in e.res.get("component", [])}
        posture = {
            key: comps[key]["valueQuantity"]["value"] for key, _, _ in POSTURE if key in comps
        }
        tremor: dict[str, Any] = {}
        if "tremor_present" in comps:
            tremor["present"] = comps["tremor_present"].get("valueBoolean")
        if "tremor_axis" in comps:
            tremor["axis"] = comps["tremor_axis"].get("valueString")
        for key, _, _ in TREMOR:
            if f"tremor_{key}" in comps:
                tremor[key] = comps[f"tremor_{key}"]["valueQuantity"]["value"]
        at = as_instant(e.res["effectiveDateTime"])
        self.add(
            e,
            VideoAnalysis(
                patient_id=self.patient_of(e).id,
                source=coded(e.res.get("method"), c.VIDEO_SOURCES) or "clinic",
                status=JobStatus.DONE,
                progress=1.0,
                result={"posture": posture, "tremor": tremor},
                created_at=at,
                finished_at=at,
            ),
        )

    def _site(self, e: Entry) -> tuple[str, InjectionSite]:
        """(fullUrl of its Procedure, the site) of one MedicationAdministration."""
        proc = self.b.target(e, (e.res.get("partOf") or [None])[0], "Procedure")
        product = coded((proc.res.get("usedCode") or [{}])[0], c.TOXINS)
        dosage = e.res.get("dosage") or {}
        dose = dosage.get("dose") or {}
        value = dose.get("value")
        if not isinstance(value, int | float) or not (0 < value < math.inf):
            raise refuse(e, N_("the dose must be a positive number of units"))
        in_units = dose.get("system") == c.TOXIN_UNITS
        if not in_units or c.product_of_unit(str(dose.get("code", ""))) != product:
            raise refuse(
                e,
                N_("dose unit {unit} is not the cdcare unit of product {product}"),
                unit=f"{dose.get('system')}|{dose.get('code')}",
                product=str(product),
            )
        site = dosage.get("site") or {}
        sides = [
            x.get("valueCode")
            for x in site.get("extension", [])
            if x.get("url") == c.EXT_LATERALITY
        ]
        muscle = coded(site, c.MUSCLES)
        if not muscle or not sides or not sides[0]:
            raise refuse(e, N_("the injection site needs a muscle and a side"))
        return proc.url, InjectionSite(muscle=muscle, side=sides[0], dose=float(value))

    def _session(self, e: Entry, sites: list[InjectionSite]) -> InjectionSession:
        product = str(coded((e.res.get("usedCode") or [{}])[0], c.TOXINS))
        try:
            unit = get_product(product).unit
        except CdcareError as err:
            raise refuse(e, N_("unknown toxin product {product}"), product=product) from err
        ext = {x.get("url"): x for x in e.res.get("extension", [])}
        performer = (e.res.get("performer") or [{}])[0].get("actor") or {}
        return InjectionSession(
            patient_id=self.patient_of(e).id,
            injected_on=as_day(e.res["performedDateTime"]),
            product=product,
            unit=unit,
            lot=ext.get(c.EXT_LOT, {}).get("valueString", ""),
            dilution_u_per_ml=float(ext.get(c.EXT_DILUTION, {}).get("valueDecimal", 0.0)),
            guidance=ext.get(c.EXT_GUIDANCE, {}).get("valueCode", ""),
            injector=performer.get("display", ""),
            total_units=sum(s.dose for s in sites),
            sites=sites,
        )

    def injections(self) -> None:
        """Procedures with their MedicationAdministration sites, then AdverseEvents."""
        sites: dict[str, list[InjectionSite]] = {}
        for e in self.each("MedicationAdministration"):
            proc_url, site = self._site(e)
            sites.setdefault(proc_url, []).append(site)
        for e in self.each("Procedure"):
            self.add(e, self._session(e, sites.get(e.url, [])))
        self.counts["MedicationAdministration"] = sum(len(v) for v in sites.values())
        self.db.flush()
        for e in self.each("AdverseEvent"):
            instance = (e.res.get("suspectEntity") or [{}])[0].get("instance")
            proc = self.b.target(e, instance, "Procedure")
            self.patient_of(e)
            self.add(
                e,
                AdverseEvent(
                    session_id=self.made[proc.url].id,
                    onset_on=as_day(e.res["date"]),
                    code=coded(e.res.get("event"), c.ADVERSE_EVENTS) or "",
                    severity=coded(e.res.get("severity"), c.AE_SEVERITY) or "",
                ),
            )

    def medications(self) -> None:
        """MedicationStatements: dosage 1 = current dose, later dosages = titration steps."""
        known = units()
        for e in self.each("MedicationStatement"):
            dosages = sorted(e.res.get("dosage") or [], key=lambda d: d.get("sequence", 0))
            if not dosages:
                raise refuse(e, N_("a MedicationStatement needs a dosage"))
            first = _quantity(dosages[0])
            if first.get("system") != c.MED_UNITS or first.get("code") not in known:
                raise refuse(
                    e,
                    N_("medication unit {unit} is not one of {known}"),
                    unit=f"{first.get('system')}|{first.get('code')}",
                    known=", ".join(known),
                )
            drug_class = coded(e.res.get("category"), c.DRUG_CLASSES) or "other"
            period = e.res.get("effectivePeriod") or {}
            self.add(
                e,
                Medication(
                    patient_id=self.patient_of(e).id,
                    drug=(e.res.get("medicationCodeableConcept") or {}).get("text", ""),
                    drug_class=DrugClass(drug_class)
                    if drug_class in DrugClass._value2member_map_
                    else DrugClass.OTHER,
                    dose=float(first["value"]),
                    unit=str(first["code"]),
                    frequency=_frequency(dosages[0]),
                    start_on=as_day(period["start"]),
                    stop_on=as_day(period["end"]) if period.get("end") else None,
                    stop_reason=((e.res.get("statusReason") or [{}])[0]).get("text", ""),
                    events=[_titration(d) for d in dosages[1:]],
                ),
            )


def _quantity(dosage: dict[str, Any]) -> dict[str, Any]:
    q: dict[str, Any] = (dosage.get("doseAndRate") or [{}])[0].get("doseQuantity") or {}
    return q


def _frequency(dosage: dict[str, Any]) -> str:
    return str(((dosage.get("timing") or {}).get("code") or {}).get("text", ""))


def _titration(dosage: dict[str, Any]) -> MedicationEvent:
    """A later dosage of a MedicationStatement as a titration step from its start date."""
    return MedicationEvent(
        on=as_day(dosage["timing"]["repeat"]["boundsPeriod"]["start"]),
        kind="titration",
        dose=float(_quantity(dosage)["value"]),
        frequency=_frequency(dosage),
    )


def import_bundle(*, db: Session, bundle: object, centre_code: str) -> ImportSummary:
    """Load ``bundle`` into centre ``centre_code`` (created, named after the Bundle's
    Organization, if it does not exist). Raises InputError naming the entry; the caller's
    transaction then holds nothing of the Bundle (roll it back)."""
    checked = CheckedBundle(bundle)
    centre = db.scalar(select(Centre).where(Centre.code == centre_code))
    if centre is None:
        orgs = checked.of("Organization")
        name = orgs[0].res.get("name", centre_code) if orgs else centre_code
        centre = create_centre(db=db, code=centre_code, name=name)
    writer = _Writer(db, checked, centre)
    try:
        with db.begin_nested():
            writer.patients()
            writer.visits()
            writer.assessments()
            writer.injections()
            writer.medications()
            db.flush()
    except (KeyError, ValueError, TypeError, IndexError, AttributeError) as err:
        if writer.at is None:
            raise
        raise EntryError(
            writer.at, N_("a required value is missing or malformed ({detail})"), detail=repr(err)
        ) from err
    pids = [r.id for u, r in writer.made.items() if checked.by_url[u].kind == "Patient"]
    return ImportSummary(centre.id, writer.counts, pids)
