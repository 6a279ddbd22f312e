"""PDF visit report in a real browser: download with a reason, then the export in the access log."""

from __future__ import annotations

import io
import uuid

import pypdf
from playwright.sync_api import Page, expect

from cdcare.i18n import translate
from cdcare.store.db import session_scope
from cdcare.store.models import Patient

from .conftest import Live, login, snap


def _ko(message: str) -> str:
    return translate(message, "ko")


def test_pdf_download_with_reason_is_logged(two_pages: tuple[Page, Page], live: Live) -> None:
    doctor, admin = two_pages
    pid = live.other_demo_patient_id
    with session_scope(live.engine) as db:
        patient = db.get(Patient, pid)
        assert patient is not None
        record_number = patient.record_number
    reason = f"의뢰서 referral {uuid.uuid4().hex[:8]}"  # unique: finds this export's event

    login(doctor, "demo-doctor")
    doctor.goto(f"/patients/{pid}")
    form = doctor.locator("#report-pdf")
    form.get_by_label(_ko("Reason for export")).fill(reason)
    with doctor.expect_download() as dl:
        form.get_by_role("button", name=_ko("Download PDF report")).click()
    download = dl.value
    assert download.failure() is None
    assert download.suggested_filename.startswith(f"report-{record_number}-")
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert record_number in text
    heading = _ko("Cervical dystonia visit report")
    assert heading != "Cervical dystonia visit report"  # a real Korean translation
    assert heading in text
    assert _ko("Rating scales") in text

    login(admin, "demo-admin")
    admin.goto(f"/admin/audit?patient_id={pid}&action=export")
    row = admin.locator("table.grid tbody tr").filter(has_text=reason)
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text("demo-doctor")
    expect(cells.nth(3)).to_have_text("export")
    expect(cells.nth(4)).to_have_text(str(pid))
    expect(cells.nth(5)).to_have_text(f"/patients/{pid}/report.pdf")
    expect(cells.nth(7)).to_have_text(reason)
    snap(admin, "test_pdf_download-access-log")
