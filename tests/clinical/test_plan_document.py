"""The written plan is a typed model (PlanDocument): every plannable product's plan validates,
dumps back to the same JSON, keeps integer doses integers, and rejects unknown keys."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from pydantic import ValidationError

from cdcare.clinical.planning import (
    PlanDocument,
    check_plan,
    make_plan,
    plan_document,
    plan_from_dict,
    plan_to_dict,
)
from cdcare.clinical.posture import parse_pattern
from cdcare.clinical.toxins import products

PLANNABLE = sorted(code for code, p in products().items() if p.plannable)
TODAY = date(2026, 10, 1)


@pytest.mark.parametrize("product", PLANNABLE)
def test_written_plan_round_trips_through_the_model(product: str) -> None:
    plan = make_plan([parse_pattern("torticollis:left"), parse_pattern("anterocollis")], product)
    findings = check_plan(plan, None, TODAY, today=TODAY)
    data = json.loads(json.dumps(plan_to_dict(plan, findings, "ko")))
    doc = PlanDocument.model_validate(data)
    assert doc.to_json() == data
    assert doc.product == product and len(doc.injections) == len(plan.items)
    again = plan_from_dict(data)
    assert [(i.muscle, i.side, i.dose) for i in again.items] == [
        (i.muscle, i.side, i.dose) for i in plan.items
    ]
    ranges = [i["range"] for i in data["injections"] if i["range"] is not None]
    assert ranges and all(r.get("note", "x") != "" for r in ranges)  # empty notes left out


def test_integer_doses_stay_integers_and_refusals_show() -> None:
    plan = make_plan([parse_pattern("torticollis:left")], "botox")
    big = replace(plan, items=tuple(replace(i, dose=1000) for i in plan.items))
    doc = plan_document(big, check_plan(big, None, TODAY, today=TODAY))
    assert all(isinstance(i.dose, int) for i in doc.injections)
    assert '"dose": 1000' in json.dumps(doc.to_json())
    assert doc.refused


def test_unknown_keys_are_rejected() -> None:
    plan = make_plan([parse_pattern("torticollis:left")], "botox")
    data = plan_to_dict(plan, [])
    with pytest.raises(ValidationError, match="colour"):
        PlanDocument.model_validate({**data, "colour": "red"})
