"""Amendment pages: the original stays visible in the history, a reason is required."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cdcare.care.audit import query_events
from cdcare.store.db import session_scope

from .conftest import World, csrf_of, login


def test_patient_details_amendment(world: World) -> None:
    client = login(TestClient(world.app), "demo-doctor")
    pid = world.other_demo_patient_id
    form = client.get(f"/patients/{pid}/edit?lang=en")
    token = csrf_of(form.text)
    year = int(form.text.split('name="birth_year" value="')[1].split('"')[0])
    data = {
        "csrf_token": token,
        "birth_year": str(year + 1),
        "sex": "F",
        "onset_date": "",
        "family_history": "",
        "notes": "corrected",
        "reason": "",
    }
    missing = client.post(f"/patients/{pid}/edit", data=data)
    assert missing.status_code == 422 and "needs a reason" in missing.text
    ok = client.post(f"/patients/{pid}/edit", data={**data, "reason": "wrong year on intake"})
    assert ok.status_code == 200 and "Record history" in ok.text  # followed the redirect
    assert f"birth_year={year}" in ok.text and "wrong year on intake" in ok.text
    assert f"birth_year={year + 1}" in ok.text  # the current row
    with session_scope(world.app.state.engine) as db:
        events = query_events(db=db, patient_id=pid, action="amend")
        assert events and events[0].reason == "wrong year on intake"


def test_assessment_amendment_keeps_original(world: World) -> None:
    client = login(TestClient(world.app), "demo-nurse")
    pid = world.other_demo_patient_id
    data = client.get(f"/api/patients/{pid}").json()
    phq = next(a for a in data["assessments"] if a["instrument"] == "phq9")
    form = client.get(f"/patients/{pid}/assessments/{phq['id']}/amend?lang=en")
    assert form.status_code == 200 and 'name="reason"' in form.text
    answers = {k: str(v) for k, v in phq["answers"].items()}
    new_q1 = "3" if answers["q1"] != "3" else "2"
    post = {**answers, "q1": new_q1, "csrf_token": csrf_of(form.text), "reason": "misread q1"}
    resp = client.post(f"/patients/{pid}/assessments/{phq['id']}/amend", data=post)
    assert resp.status_code == 200 and "misread q1" in resp.text
    after = client.get(f"/api/patients/{pid}").json()["assessments"]
    ids = {a["id"] for a in after}
    assert phq["id"] not in ids  # the current list shows the amendment only
    newest = next(a for a in after if a["supersedes_id"] == phq["id"])
    assert newest["answers"]["q1"] == int(new_q1)
    again = client.post(f"/patients/{pid}/assessments/{phq['id']}/amend", data=post)
    assert again.status_code == 409  # amend the newest version, not the replaced one


def test_amend_other_centre_is_404(world: World) -> None:
    client = login(TestClient(world.app), "other-nurse")
    pid = world.other_demo_patient_id
    assert client.get(f"/patients/{pid}/edit").status_code == 404
    assert client.get(f"/patients/{pid}/history").status_code == 404
