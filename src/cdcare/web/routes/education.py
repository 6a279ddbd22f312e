"""Public education pages and the symptom self-check (no login needed).

- ``/learn``: the topic list; a logged-in patient also sees personalised statements built from
  their own record (injection log, exercise programmes, latest PHQ-9; see :func:`personal_for`).
- ``/learn/{topic}``: one topic, Markdown rendered safely (raw HTML is escaped), with its
  sources, version, review date and an "unconfirmed reference" note when ``verified`` is false.
  ``/learn/glossary`` is the glossary.
- ``/selfcheck``: the questionnaire (GET) and its explanation (POST, CSRF-checked). Answers are
  evaluated and shown, never stored: not in the database, not in the session, not in the log.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import Session

from cdcare.clock import centre_zone
from cdcare.education.selfcheck import (
    SelfCheckAnswerError,
    SelfCheckResult,
    evaluate,
    questionnaire,
)
from cdcare.education.statements import Statement
from cdcare.education.topics import (
    GLOSSARY_ID,
    UnknownTopic,
    get_topic,
    glossary,
    list_topics,
    source_registry,
)
from cdcare.errors import N_, NotFound
from cdcare.i18n import translate
from cdcare.store.models import Role, User
from cdcare.web.citations import link_inline_tags
from cdcare.web.deps import DB, audit, local_today, optional_user, verify_csrf
from cdcare.web.i18n import request_lang
from cdcare.web.render import render
from cdcare.web.routes.portal_common import record_statements

router = APIRouter(tags=["education"])
OptionalUser = Annotated[User | None, Depends(optional_user)]

#: CommonMark without raw HTML: any ``<tag>`` in content is shown as text, never executed.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str) -> Markup:
    """Markdown → safe HTML; inline source tags such as ``[S30]`` link to ``/sources``."""
    return link_inline_tags(_MARKDOWN.render(text))


def _links(url: str) -> list[str]:
    """The http(s) addresses in a source entry (several are separated by ' ; ')."""
    return [u for u in re.split(r"\s*;\s*", url) if u.startswith(("https://", "http://"))]


def personal_for(
    db: Session, patient_id: int, today: date
) -> tuple[list[Statement], datetime | None]:
    """Personalised statements from the patient's record, urgent first (the same notes as the
    portal's ``/me``), and the time of the PHQ-9 they rest on (None without a PHQ-9)."""
    statements, phq = record_statements(db, patient_id, today, centre_zone())
    return statements, phq.assessed_at if phq is not None else None


@router.get("/learn")
def learn_index(request: Request, db: DB, user: OptionalUser) -> Response:
    """The topic list; personalised statements on top for a logged-in patient."""
    statements: list[Statement] = []
    phq9_at: datetime | None = None
    is_patient = False
    if user is not None and user.role is Role.PATIENT and user.patient_id is not None:
        is_patient = True
        statements, phq9_at = personal_for(db, user.patient_id, local_today(request))
        audit(request, db, user, "view", patient_id=user.patient_id)
        db.commit()
    return render(
        request,
        "education/index.html",
        {
            "topics": list_topics(request_lang(request)),
            "personal": statements,
            "phq9_at": phq9_at,
            "is_patient": is_patient,
        },
        user=user,
    )


@router.get("/learn/{topic_id}")
def learn_topic(request: Request, topic_id: str, user: OptionalUser) -> Response:
    """One topic page (or the glossary) with sources, version and review date."""
    lang = request_lang(request)
    try:
        topic = get_topic(topic_id, lang)
    except UnknownTopic:
        raise NotFound(N_("Page not found")) from None
    registry = source_registry()
    sources = [
        {
            "tag": tag,
            "title": registry.get(tag, {}).get("title", ""),
            "links": _links(registry.get(tag, {}).get("url", "")),
        }
        for tag in topic.sources
    ]
    return render(
        request,
        "education/topic.html",
        {
            "topic": topic,
            "body": markdown_html(topic.body),
            "entries": glossary(lang) if topic.id == GLOSSARY_ID else (),
            "sources": sources,
        },
        user=user,
    )


def _form(
    request: Request,
    user: User | None,
    chosen: dict[str, list[str]],
    errors: dict[str, str],
    status: int,
) -> Response:
    return render(
        request,
        "education/selfcheck.html",
        {"qn": questionnaire(), "chosen": chosen, "errors": errors},
        user=user,
        status_code=status,
    )


@router.get("/selfcheck")
def selfcheck_form(request: Request, user: OptionalUser) -> Response:
    """The symptom self-check questionnaire."""
    return _form(request, user, {}, {}, 200)


@router.post("/selfcheck", dependencies=[Depends(verify_csrf)])
async def selfcheck_submit(request: Request, user: OptionalUser) -> Response:
    """Explain the answers (urgent advice first); every question must be answered.

    A missing or invalid answer re-shows the form with the error at that question (422).
    Nothing is written anywhere, and the response tells browsers not to cache it.
    """
    lang = request_lang(request)
    form = await request.form()
    qn = questionnaire()
    chosen = {q.id: [str(v) for v in form.getlist(q.id)] for q in qn.questions}
    errors = {
        qid: translate(N_("Please answer this question"), lang)
        for qid, values in chosen.items()
        if not values
    }
    result: SelfCheckResult | None = None
    if not errors:
        answers = {
            q.id: chosen[q.id] if q.multiple or len(chosen[q.id]) > 1 else chosen[q.id][0]
            for q in qn.questions
        }
        try:
            result = evaluate(answers)
        except SelfCheckAnswerError as err:
            errors[str(err.params.get("question", ""))] = err.text(lang)
    if result is None:
        response = _form(request, user, chosen, errors, 422)
    else:
        response = render(request, "education/result.html", {"result": result}, user=user)
    response.headers["Cache-Control"] = "no-store"  # answers are not kept, not even cached
    return response
