"""The shipped cdcare CodeSystems and Questionnaires equal what the scale registry generates,
validate, carry no item wording, and cover every code the export uses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fhir.resources.R4B import get_fhir_model_class

from cdcare.care.demo import DEMO_CENTRE, load_demo
from cdcare.clinical.scales import list_instruments
from cdcare.interop import codes as c
from cdcare.interop import export_centre
from cdcare.interop.terminology import dumps, generate, shipped
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade


def test_shipped_files_equal_the_generated_ones() -> None:
    generated = {name: dumps(res) for name, res in generate().items()}
    assert len(generated) == 2 + len(list_instruments())
    assert shipped() == generated


def test_resources_validate_without_wording() -> None:
    files = generate()
    for res in files.values():
        get_fhir_model_class(res["resourceType"]).model_validate(res)
    scales = files["CodeSystem-cdcare-scales.json"]
    codes = [k["code"] for k in scales["concept"]]
    assert len(codes) == len(set(codes)) == scales["count"]
    for inst in list_instruments():
        q = files[f"Questionnaire-cdcare-{inst.code}.json"]
        assert [i["linkId"] for i in q["item"]] == [i.code for i in inst.items]
        assert all("text" not in i for i in q["item"])
        assert "text" not in q and q["version"] == inst.version


def test_export_uses_only_published_codes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as db:
        load_demo(db=db, patients=2, today=date(2026, 11, 1))
        bundle = export_centre(db=db, centre_code=DEMO_CENTRE)
    engine.dispose()
    files = generate()
    published = {k["code"] for k in files["CodeSystem-cdcare-scales.json"]["concept"]}
    questionnaires = {
        f"{q['url']}|{q['version']}": {i["linkId"] for i in q["item"]}
        for name, q in files.items()
        if name.startswith("Questionnaire")
    }
    used: set[str] = set()
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "QuestionnaireResponse":
            items = questionnaires[res["questionnaire"]]
            assert {i["linkId"] for i in res["item"]} <= items
        if res["resourceType"] == "Observation":
            concepts = [res["code"], *(x["code"] for x in res.get("component", []))]
            concepts += res.get("interpretation", [])
            used |= {k["code"] for cc in concepts for k in cc["coding"] if k["system"] == c.SCALES}
    assert used and used <= published
