"""Response to each injection cycle and the primary / secondary non-response flags.

A cycle runs from one injection to the next (the next injection day's pre-dose measurement
closes the cycle). ``week`` = whole weeks since the injection (days // 7). Scores are
"higher = worse" (TWSTRS total 0–85, diary severity 0–10), so improvement is
``100 × (baseline − best) / baseline`` percent, positive = better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from cdcare.care.diary import weekly_curve
from cdcare.care.followup_rules import INSUFFICIENT, MET, NOT_MET, UNKNOWN, rule_value, rules


@dataclass(frozen=True)
class CycleResponse:
    """Response to one injection cycle measured by ``measure`` ("twstrs" or "diary").

    ``baseline``/``best`` in the measure's points; ``improvement_pct`` positive = better;
    ``peak_week``/``wearing_off_week`` in whole weeks since injection (None = not seen);
    ``meaningful`` None when the cycle cannot be evaluated: no baseline, no follow-up, or no
    meaningful gain yet and follow-up shorter than the expected peak week (rule
    ``expected_peak_week``).
    """

    number: int
    injected_on: date
    next_on: date | None
    measure: str
    baseline: float | None
    best: float | None
    peak_week: int | None
    improvement_pct: float | None
    wearing_off_week: int | None
    meaningful: bool | None
    curve: tuple[tuple[int, float], ...] = ()


def cycle_response(
    number: int,
    injected_on: date,
    next_on: date | None,
    measure: str,
    baseline: float | None,
    curve: Sequence[tuple[int, float]],
) -> CycleResponse:
    """Peak benefit and wearing-off of one cycle from its ``(week, value)`` curve."""
    post = [(w, v) for w, v in curve if w >= 0]
    if baseline is None or baseline <= 0 or not post:
        return CycleResponse(
            number,
            injected_on,
            next_on,
            measure,
            baseline,
            None,
            None,
            None,
            None,
            None,
            tuple(post),
        )
    i_best = min(range(len(post)), key=lambda i: (post[i][1], post[i][0]))
    peak_week, best = post[i_best]
    improvement = 100.0 * (baseline - best) / baseline
    meaningful: bool | None = improvement >= rule_value("meaningful_improvement_pct")
    if not meaningful and post[-1][0] < rule_value("expected_peak_week"):
        meaningful = None  # too early to judge: the peak effect is expected later
    wearing = None
    if meaningful:
        limit = best + rule_value("wearing_off_gain_lost") * (baseline - best)
        wearing = next((w for w, v in post[i_best + 1 :] if v >= limit), None)
    return CycleResponse(
        number,
        injected_on,
        next_on,
        measure,
        baseline,
        best,
        peak_week,
        round(improvement, 1),
        wearing,
        meaningful,
        tuple(post),
    )


def cycles_from_scores(
    injections: Sequence[date], scores: Sequence[tuple[date, float]]
) -> list[CycleResponse]:
    """TWSTRS-measured cycles: baseline = last score within the baseline window up to the
    injection day; follow-up = scores after the injection up to the next injection day."""
    window = timedelta(days=int(rule_value("twstrs_baseline_days")))
    inj = sorted(injections)
    pts = sorted(scores)
    out = []
    for n, on in enumerate(inj):
        nxt = inj[n + 1] if n + 1 < len(inj) else None
        base = [v for d, v in pts if on - window <= d <= on]
        curve = [((d - on).days // 7, v) for d, v in pts if d > on and (nxt is None or d <= nxt)]
        out.append(cycle_response(n + 1, on, nxt, "twstrs", base[-1] if base else None, curve))
    return out


def cycles_from_diary(
    injections: Sequence[date], diary: Sequence[tuple[date, float]]
) -> list[CycleResponse]:
    """Diary-measured cycles: baseline = mean severity of the days before the injection
    (window of the rule ``diary_baseline_days``); curve = weekly means until the next one."""
    days = int(rule_value("diary_baseline_days"))
    inj = sorted(injections)
    out = []
    for n, on in enumerate(inj):
        nxt = inj[n + 1] if n + 1 < len(inj) else None
        before = [v for d, v in diary if on - timedelta(days=days) <= d < on]
        base = sum(before) / len(before) if before else None
        end = nxt + timedelta(days=1) if nxt else None
        curve = weekly_curve(diary, on, end)
        curve = [(w, round(v, 2)) for w, v in curve]
        out.append(cycle_response(n + 1, on, nxt, "diary", base, curve))
    return out


def preferred(
    twstrs: Sequence[CycleResponse], diary: Sequence[CycleResponse]
) -> list[CycleResponse]:
    """Per cycle, the TWSTRS result when evaluable, else the diary result."""
    return [t if t.meaningful is not None else d for t, d in zip(twstrs, diary, strict=True)]


@dataclass(frozen=True)
class Flag:
    """A rule outcome: ``status`` met / not_met / insufficient_data; ``cycles`` it rests on."""

    code: str
    status: str
    source: str
    verified: bool
    cycles: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()


def primary_non_response(cycles: Sequence[CycleResponse]) -> Flag:
    """No meaningful improvement in the first N evaluable cycles (N = rule value)."""
    r = rules()["primary_non_response"]
    n = int(rule_value("primary_non_response"))
    ev = [c for c in cycles if c.meaningful is not None][:n]
    enough = MET if len(ev) == n else INSUFFICIENT
    status = NOT_MET if any(c.meaningful for c in ev) else enough
    return Flag(r.code, status, r.source, r.verified, tuple(c.number for c in ev))


def secondary_non_response(cycles: Sequence[CycleResponse]) -> Flag:
    """Loss of response: the last N evaluable cycles are poor after an earlier meaningful one."""
    r, conv, imm = (
        rules()[k]
        for k in (
            "secondary_non_response",
            "secondary_count_is_convention",
            "immunoresistance_pattern",
        )
    )
    source = f"{r.source}+{conv.source}"
    n = int(rule_value("secondary_non_response"))
    ev = [c for c in cycles if c.meaningful is not None]
    first_good = next((i for i, c in enumerate(ev) if c.meaningful), None)
    if first_good is None:
        return Flag(r.code, NOT_MET, source, False)
    after = ev[first_good + 1 :]
    tail: list[CycleResponse] = []
    for c in reversed(after):
        if c.meaningful:
            break
        tail.insert(0, c)
    if not tail:
        return Flag(r.code, NOT_MET, source, False, (ev[-1].number,))
    status = MET if len(tail) >= n else INSUFFICIENT
    notes: list[str] = []
    if status == MET:
        years = (tail[0].injected_on - cycles[0].injected_on).days / 365.25
        if years <= rule_value("immunoresistance_pattern"):
            notes.append(imm.code)
        notes.append("confirmation_test")
    return Flag(r.code, status, source, False, tuple(c.number for c in tail), tuple(notes))


def non_response_status(primary: Flag, secondary: Flag, cycles: Sequence[CycleResponse]) -> str:
    """met if either non-response flag is met; not_met if the latest evaluable cycle was a
    meaningful response; unknown otherwise."""
    if MET in (primary.status, secondary.status):
        return MET
    ev = [c for c in cycles if c.meaningful is not None]
    return NOT_MET if ev and ev[-1].meaningful else UNKNOWN
