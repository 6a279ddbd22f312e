"""``cdcare followup PATIENT``: the response summary of every injection cycle."""

from __future__ import annotations

from typing import Any

import typer

from cdcare.care import followup
from cdcare.care.demo import DEMO_CENTRE
from cdcare.cli.context import current_lang, log_read, open_db, print_json
from cdcare.cli.main import app
from cdcare.cli.patient.common import (
    Centre_,
    Json,
    Who,
    patient_of,
)
from cdcare.errors import N_
from cdcare.i18n import gettext_for, translate
from cdcare.l10n import date_text, number_text


@app.command("followup")
def followup_cmd(who: Who, centre: Centre_ = DEMO_CENTRE, as_json: Json = False) -> None:
    """Response to each injection cycle, non-response flags, DBS/SPD screens, referral prompts."""
    lang = current_lang()
    with open_db() as db:
        p = patient_of(db, who, centre)
        data = followup.summary_to_dict(followup.followup_summary(db=db, patient_id=p.id), lang)
        log_read(db, command="followup", patient_id=p.id)
    if as_json:
        print_json(data)
        return
    _print_summary(data, lang)


def _status(value: object, lang: str) -> str:
    return translate(str(value), lang)


def _num(row: dict[str, Any], key: str, lang: str, digits: int = 2) -> str:
    """A cycle's number for people (locale separators), ``-`` when missing."""
    return "-" if row[key] is None else number_text(row[key], lang, digits)


def _print_summary(data: dict[str, Any], lang: str) -> None:
    t = gettext_for(lang)
    today = date_text(data["today"], lang)
    typer.echo(f"{data['record_number']} — {t('Follow-up')} ({today})")
    for c in data["cycles"]:
        imp = "-" if c["improvement_pct"] is None else _num(c, "improvement_pct", lang, 0) + "%"

        def num(key: str, c: dict[str, Any] = c) -> str:
            return _num(c, key, lang)

        typer.echo(
            f"  #{c['cycle']} {date_text(c['injected_on'], lang)} [{c['measure']}] "
            f"{t('baseline')} {num('baseline')} → {t('best')} {num('best')} ({imp}), "
            f"{t('peak week')} {num('peak_week')}, "
            f"{t('wearing-off week')} {num('wearing_off_week')}"
        )
    for f in data["flags"]:
        flag = "" if f["verified"] else f" ({t('unconfirmed reference')})"
        typer.echo(
            f"{f['definition']['text']} → {_status(f['status'], lang)} [{f['source']}]{flag}"
        )
    for sc in data["screens"]:
        typer.echo(f"{sc['name']}:")
        for c in sc["criteria"]:
            flag = "" if c["verified"] else f" ({t('unconfirmed reference')})"
            typer.echo(f"  - {c['label']}: {_status(c['status'], lang)} [{c['source']}]{flag}")
    for pr in data["psych_prompts"]:
        typer.echo(f"! {pr['text']} [{pr['source']}]")
    typer.echo(data["disclaimer"])


_WORDS = (
    N_("Follow-up"),
    N_("baseline"),
    N_("best"),
    N_("peak week"),
    N_("wearing-off week"),
    N_("met"),
    N_("not_met"),
    N_("unknown"),
    N_("insufficient_data"),
    N_("unconfirmed reference"),
)
