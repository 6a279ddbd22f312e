"""FHIR export/import over the demo cohort: every resource validates, the round trip is
identical apart from ids and timestamps (SQLite and PostgreSQL), bad Bundles are refused whole."""

from __future__ import annotations

import copy
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from cdcare.care.demo import DEMO_CENTRE, load_demo
from cdcare.cli.main import run
from cdcare.errors import InputError
from cdcare.interop import codes as c
from cdcare.interop import export_centre, export_patient, import_bundle
from cdcare.store.care_models import AdverseEvent, InjectionSession, InjectionSite, Medication
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade
from cdcare.store.models import AuditEvent, Centre, Patient, ScaleAssessment, Visit
from cdcare.store.video_models import JobStatus, VideoAnalysis

TODAY = date(2026, 11, 1)


@pytest.fixture
def demo(db_url: str) -> Iterator[Engine]:
    """The demo cohort (4 patients) plus one finished video measurement and one note."""
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as db:
        load_demo(db=db, patients=4, today=TODAY)
        first = db.scalars(select(Patient).order_by(Patient.id)).first()
        assert first is not None
        first.notes = "Hong Gildong 010-1234-5678"
        db.add(
            VideoAnalysis(
                patient_id=first.id,
                filename="hong_gildong.mp4",
                status=JobStatus.DONE,
                created_at=datetime(2026, 10, 1, 3, 0, tzinfo=UTC),
                finished_at=datetime(2026, 10, 1, 3, 1, tzinfo=UTC),
                result={
                    "posture": {"rotation_deg": 21.5, "tilt_deg": -4.0, "flexion_deg": 2.0},
                    "tremor": {
                        "present": True,
                        "axis": "yaw",
                        "frequency_hz": 4.5,
                        "amplitude_deg": 1.2,
                    },
                },
            )
        )
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def empty_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, empty, migrated database on the same backend as ``db_url``."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
        upgrade(make_engine(url))
        yield url
        return
    server = str(request.getfixturevalue("pg_server_url"))
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _normalised(bundle: dict[str, Any]) -> list[Any]:
    """The resources with every fullUrl replaced by its entry index (ids differ by design)."""
    urls = {e["fullUrl"]: f"entry-{i}" for i, e in enumerate(bundle["entry"])}
    blob = json.dumps([e["resource"] for e in bundle["entry"]], sort_keys=True)
    for url, name in urls.items():
        blob = blob.replace(url, name)
    out: list[Any] = json.loads(blob)
    return out


def _types(bundle: dict[str, Any]) -> Counter[str]:
    return Counter(e["resource"]["resourceType"] for e in bundle["entry"])


def test_export_validates_and_carries_the_record(demo: Engine) -> None:
    with session_scope(demo) as db:
        bundle = export_centre(db=db, centre_code=DEMO_CENTRE)
        n = {
            "Patient": db.scalar(select(func.count(Patient.id))),
            "Encounter": db.scalar(select(func.count(Visit.id))),
            "Procedure": db.scalar(select(func.count(InjectionSession.id))),
            "MedicationAdministration": db.scalar(select(func.count(InjectionSite.id))),
            "MedicationStatement": db.scalar(select(func.count(Medication.id))),
            "AdverseEvent": db.scalar(select(func.count(AdverseEvent.id))),
            "QuestionnaireResponse": db.scalar(select(func.count(ScaleAssessment.id))),
        }
    assert bundle["type"] == "collection"
    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle["entry"]:  # each resource on its own, too
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    types = _types(bundle)
    for kind, count in n.items():
        assert types.get(kind, 0) == count, kind
    assert types["Condition"] == n["Patient"]
    assert types["Observation"] == n["QuestionnaireResponse"] + 1  # + the video measurement
    blob = json.dumps(bundle, ensure_ascii=False)
    assert "Hong Gildong" not in blob and "hong_gildong" not in blob and "010-1234" not in blob
    res = [e["resource"] for e in bundle["entry"]]
    assert not any("profile" in r.get("meta", {}) for r in res)  # no KR Core claim (docs/fhir.md)
    patient = next(r for r in res if r["resourceType"] == "Patient")
    assert "name" not in patient and len(patient["birthDate"]) == 4
    assert patient["identifier"][0]["system"] == "urn:cdcare:centre:DEMO:patient"
    cond = next(r for r in res if r["resourceType"] == "Condition")
    systems = {(k["system"], k["code"]) for k in cond["code"]["coding"]}
    assert systems == {(c.ICD10, "G24.3"), (c.KCD8, "G24.3")}
    loinc = {
        k["code"]
        for r in res
        if r["resourceType"] == "Observation"
        for k in r["code"]["coding"]
        if k["system"] == c.LOINC
    }
    assert loinc == {"44261-6", "70274-6"}  # PHQ-9 and GAD-7 totals only
    video = next(r for r in res if r["resourceType"] == "Observation" and "method" in r)
    comp = {x["code"]["coding"][0]["code"]: x for x in video["component"]}
    assert comp["rotation_deg"]["valueQuantity"] == {
        "value": 21.5,
        "unit": "degree",
        "system": c.UCUM,
        "code": "deg",
    }
    assert comp["tremor_frequency_hz"]["valueQuantity"]["code"] == "Hz"
    doses = [r["dosage"]["dose"] for r in res if r["resourceType"] == "MedicationAdministration"]
    assert doses and all(d["system"] == c.TOXIN_UNITS and d["code"].startswith("U-") for d in doses)


def test_round_trip_is_identical_apart_from_ids(demo: Engine, empty_url: str) -> None:
    with session_scope(demo) as db:
        first = export_centre(db=db, centre_code=DEMO_CENTRE)
    target = make_engine(empty_url)
    try:
        with session_scope(target) as db:
            done = import_bundle(db=db, bundle=copy.deepcopy(first), centre_code=DEMO_CENTRE)
        assert len(done.patient_ids) == _types(first)["Patient"]
        with session_scope(target) as db:
            second = export_centre(db=db, centre_code=DEMO_CENTRE)
    finally:
        target.dispose()
    assert {e["fullUrl"] for e in first["entry"]}.isdisjoint(e["fullUrl"] for e in second["entry"])
    assert _normalised(second) == _normalised(first)


def _entries(bundle: dict[str, Any], kind: str) -> list[int]:
    return [i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == kind]


def _bad_bundles(bundle: dict[str, Any]) -> dict[str, tuple[dict[str, Any], int]]:
    """name → (a broken copy of ``bundle``, index of the entry that must be named)."""
    unknown = copy.deepcopy(bundle)
    unknown["entry"].append(
        {"fullUrl": "urn:uuid:0000", "resource": {"resourceType": "Basic", "code": {"text": "x"}}}
    )
    bad_ref = copy.deepcopy(bundle)
    enc = _entries(bad_ref, "Encounter")[0]
    bad_ref["entry"][enc]["resource"]["subject"] = {"reference": "urn:uuid:nowhere"}
    bad_unit = copy.deepcopy(bundle)
    ma = _entries(bad_unit, "MedicationAdministration")[-1]
    bad_unit["entry"][ma]["resource"]["dosage"]["dose"]["code"] = "U-unknown"
    med_unit = copy.deepcopy(bundle)
    ms = _entries(med_unit, "MedicationStatement")
    assert ms, "the first demo patient takes an oral drug"
    dose = med_unit["entry"][ms[0]]["resource"]["dosage"][0]["doseAndRate"][0]
    dose["doseQuantity"]["code"] = "spoonful"
    tampered = copy.deepcopy(bundle)
    obs = next(
        i
        for i in _entries(tampered, "Observation")
        if "valueQuantity" in tampered["entry"][i]["resource"]
    )
    tampered["entry"][obs]["resource"]["valueQuantity"]["value"] += 1
    negative = copy.deepcopy(bundle)
    negative["entry"][ma]["resource"]["dosage"]["dose"]["value"] = -5
    return {
        "unknown medication unit": (med_unit, ms[0]),
        "negative dose": (negative, ma),
        "total differs from the answers": (tampered, obs),
        "unknown type": (unknown, len(bundle["entry"])),
        "bad reference": (bad_ref, enc),
        "unknown unit": (bad_unit, ma),
    }


def test_bad_bundles_are_refused_whole_naming_the_entry(
    demo: Engine, empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(demo) as db:
        pid = db.scalars(select(Patient.id).order_by(Patient.id)).first()
        assert pid is not None
        bundle = export_patient(db=db, patient_id=pid)
    target = make_engine(empty_url)
    monkeypatch.setenv("CDCARE_DATABASE_URL", empty_url)
    try:
        for name, (bad, index) in _bad_bundles(bundle).items():
            url = bad["entry"][index]["fullUrl"]
            with pytest.raises(InputError) as err, session_scope(target) as db:
                import_bundle(db=db, bundle=bad, centre_code="NEW")
            assert f"Entry {index} ({url})" in err.value.text("en"), name
            ko = err.value.text("ko")
            assert f"항목 {index} ({url})" in ko, (name, ko)
            path = tmp_path / f"{name}.json"
            path.write_text(json.dumps(bad), encoding="utf-8")
            assert run(["fhir", "import", str(path), "--centre", "NEW"]) == 2, name
            with session_scope(target) as db:  # nothing half-imported, not even the centre
                assert db.scalar(select(func.count(Patient.id))) == 0, name
                assert db.scalar(select(func.count(ScaleAssessment.id))) == 0, name
                assert db.scalar(select(Centre.id).where(Centre.code == "NEW")) is None, name
    finally:
        target.dispose()


def test_cli_export_and_import_are_logged(
    demo: Engine, db_url: str, empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "bundle.json"
    monkeypatch.setenv("CDCARE_DATABASE_URL", db_url)
    assert (
        run(
            [
                "fhir",
                "export",
                "--centre",
                DEMO_CENTRE,
                "--out",
                str(out),
                "--reason",
                "EMR transfer",
            ]
        )
        == 0
    )
    assert run(["fhir", "export", "1", "--centre", DEMO_CENTRE, "--out", str(out)]) == 2
    with session_scope(demo) as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
        patients = set(db.scalars(select(Patient.id)))
    assert {e.patient_id for e in events} == patients
    assert {e.reason for e in events} == {"EMR transfer"}
    monkeypatch.setenv("CDCARE_DATABASE_URL", empty_url)
    assert run(["fhir", "import", str(out), "--centre", "HOSP"]) == 0
    assert run(["fhir", "import", str(out), "--centre", "HOSP"]) == 2  # record numbers exist
    target = make_engine(empty_url)
    try:
        with session_scope(target) as db:
            centre = db.scalar(select(Centre).where(Centre.code == "HOSP"))
            assert centre is not None and "Demo" in centre.name
            count = db.scalar(select(func.count(Patient.id)).where(Patient.centre_id == centre.id))
            assert count == len(patients)
            made = db.scalars(select(AuditEvent).where(AuditEvent.action == "create")).all()
            assert len(made) == len(patients)
    finally:
        target.dispose()
