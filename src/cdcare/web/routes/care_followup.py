"""Follow-up page: response curve per injection cycle (TWSTRS and diary), the cycle table,
primary/secondary non-response flags with definitions and sources, the GPi-DBS and SPD
screens ("not a decision"), and psychological-support prompts.

Plot axes: x = weeks since that cycle's injection (days // 7); the cycle's baseline is drawn
at week 0 for TWSTRS (last score within the baseline window up to the injection day) and at
week −1 for the diary (mean of the 7 days before). y = points, higher = worse.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cdcare.care.access import Action
from cdcare.care.followup import followup_summary, summary_to_dict
from cdcare.errors import N_
from cdcare.i18n import translate
from cdcare.reports.plots import cycle_curves_svg
from cdcare.store.models import Patient
from cdcare.web.deps import DB, CurrentUser, audit, local_today, patient_for
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.care_common import label

router = APIRouter(tags=["care"])

#: measure → (baseline's week on the plot, plot title, y-axis label)
PLOTS = {
    "twstrs": (
        0,
        N_("TWSTRS total per injection cycle"),
        N_("TWSTRS total (0–85, higher = worse)"),
    ),
    "diary": (-1, N_("Diary severity per injection cycle"), N_("weekly mean severity (0–10)")),
}


def cycle_plot(cycles: list[dict[str, Any]], measure: str, lang: str) -> str:
    """SVG of one line per cycle (baseline point + curve); '' when no cycle has follow-up."""
    base_week, title, ylabel = PLOTS[measure]
    curves: dict[str, list[tuple[float, float]]] = {}
    for c in cycles:
        points = [(float(w), float(v)) for w, v in c["curve"]]
        if not points:
            continue
        if c["baseline"] is not None:
            points.insert(0, (float(base_week), float(c["baseline"])))
        name = translate(N_("cycle {n} ({date})"), lang).format(n=c["cycle"], date=c["injected_on"])
        curves[name] = points
    if not curves:
        return ""
    return cycle_curves_svg(
        curves,
        title=translate(title, lang),
        xlabel=translate(N_("weeks since injection"), lang),
        ylabel=translate(ylabel, lang),
    )


@router.get("/patients/{patient_id}/followup")
def followup_page(
    request: Request,
    db: DB,
    user: CurrentUser,
    patient: Annotated[Patient, patient_for(Action.CARE_VIEW)],
) -> Response:
    """Per-cycle response, non-response flags, candidacy screens and psych prompts."""
    lang = request_lang(request)
    data = summary_to_dict(
        followup_summary(db=db, patient_id=patient.id, today=local_today(request)), lang
    )
    plots = {m: cycle_plot(data[f"{m}_cycles"], m, lang) for m in PLOTS if data[f"{m}_cycles"]}
    audit(request, db, user, "view", patient_id=patient.id)
    db.commit()
    return render(
        request,
        "care/followup.html",
        {"patient": patient, "s": data, "plots": plots, "label": label},
        user=user,
    )
