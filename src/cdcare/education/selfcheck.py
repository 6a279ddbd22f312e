"""Public symptom self-check: questionnaire as data, evaluation as a pure function.

The questions, options, explanations and warning signs live in ``selfcheck.json`` (ko/en text,
source tags). :func:`evaluate` turns one answer set into a :class:`SelfCheckResult`. It never
states a diagnosis (every result carries the standing "not a diagnosis" statement), always
suggests a neurologist / movement-disorder clinic, and whenever any answer is a warning sign
(sudden onset, fever, neck injury, weakness or numbness, swallowing or breathing trouble, onset
in childhood, a new dopamine-blocking medicine) it puts the urgent-care advice first.
Nothing is stored: the function has no side effects.

Answers: ``{question_id: option_id}`` for single-answer questions and
``{question_id: [option_id, ...]}`` (or one option id) for multiple-answer questions.
Unanswered questions are allowed and simply not used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cdcare.education.statements import Statement, Template
from cdcare.errors import N_, InputError
from cdcare.i18n import normalize_lang


class SelfCheckAnswerError(InputError):
    """An answer set that does not fit the self-check questionnaire."""


@dataclass(frozen=True)
class Option:
    """One answer option; ``exclusive`` options (e.g. "none") cannot be combined."""

    id: str
    en: str
    ko: str
    exclusive: bool = False

    def text(self, lang: str | None = "en") -> str:
        """The option label in ``lang``."""
        return self.ko if normalize_lang(lang) == "ko" else self.en


@dataclass(frozen=True)
class Question:
    """One question; ``multiple`` = several options may be chosen."""

    id: str
    en: str
    ko: str
    multiple: bool
    options: tuple[Option, ...]

    def text(self, lang: str | None = "en") -> str:
        """The question in ``lang``."""
        return self.ko if normalize_lang(lang) == "ko" else self.en

    def option_ids(self) -> tuple[str, ...]:
        """Ids of the options, in display order."""
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class Rule:
    """A statement shown when the answer to ``question`` includes any of ``any_of``."""

    question: str
    any_of: frozenset[str]
    statement: Template

    def matches(self, answers: Mapping[str, frozenset[str]]) -> bool:
        """True when the normalised answers trigger this rule."""
        return bool(answers.get(self.question, frozenset()) & self.any_of)


@dataclass(frozen=True)
class Questionnaire:
    """The whole self-check definition (loaded from ``selfcheck.json``)."""

    version: int
    reviewed: str
    questions: tuple[Question, ...]
    explanations: tuple[Rule, ...]
    warnings: tuple[Rule, ...]
    signs: tuple[Rule, ...]
    fixed: Mapping[str, Template]

    def question(self, question_id: str) -> Question:
        """A question by id; raises :class:`SelfCheckAnswerError` if unknown."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise SelfCheckAnswerError(
            N_("Unknown self-check question '{question}'"), question=question_id
        )


@dataclass(frozen=True)
class SelfCheckResult:
    """What the answers may mean. ``urgent`` is True when any warning sign was answered."""

    urgent: bool
    urgent_advice: Statement | None
    warnings: tuple[Statement, ...]
    explanations: tuple[Statement, ...]
    referral: Statement
    not_a_diagnosis: Statement
    privacy: Statement

    def statements(self) -> list[Statement]:
        """All statements in display order: urgent advice and warning signs first."""
        head = [self.urgent_advice] if self.urgent_advice else []
        return [
            *head,
            *self.warnings,
            *self.explanations,
            self.referral,
            self.not_a_diagnosis,
            self.privacy,
        ]

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """JSON-ready form; ``lang`` picks one language, else both are included."""
        return {
            "urgent": self.urgent,
            "statements": [s.as_dict(lang) for s in self.statements()],
        }


def _rule(data: Mapping[str, Any], questions: Mapping[str, Question]) -> Rule:
    when = data["when"]
    q = questions[when["question"]]
    unknown = set(when["any_of"]) - set(q.option_ids())
    if unknown:
        raise ValueError(f"rule {data['id']!r}: unknown options {sorted(unknown)} of {q.id!r}")
    return Rule(q.id, frozenset(when["any_of"]), Template.from_dict(data))


@cache
def questionnaire() -> Questionnaire:
    """The packaged self-check definition (validated on load)."""
    path = resources.files("cdcare.education") / "content" / "selfcheck.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    questions = tuple(
        Question(
            id=q["id"],
            en=q["en"],
            ko=q["ko"],
            multiple=bool(q.get("multiple", False)),
            options=tuple(
                Option(o["id"], o["en"], o["ko"], bool(o.get("exclusive", False)))
                for o in q["options"]
            ),
        )
        for q in data["questions"]
    )
    by_id = {q.id: q for q in questions}
    return Questionnaire(
        version=int(data["version"]),
        reviewed=str(data["reviewed"]),
        questions=questions,
        explanations=tuple(_rule(r, by_id) for r in data["explanations"]),
        warnings=tuple(_rule(r, by_id) for r in data["warnings"]),
        signs=tuple(_rule(r, by_id) for r in data["signs_of_dystonia"]),
        fixed={k: Template.from_dict(v) for k, v in data["fixed"].items()},
    )


def normalise_answers(answers: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Check an answer set against the questionnaire; question id → chosen option ids.

    Raises :class:`SelfCheckAnswerError` naming the question and answer that are wrong.
    """
    qn = questionnaire()
    out: dict[str, frozenset[str]] = {}
    for qid, raw in answers.items():
        q = qn.question(str(qid))
        if isinstance(raw, str):
            chosen = [raw]
        elif isinstance(raw, Sequence) and all(isinstance(a, str) for a in raw):
            chosen = list(raw)
        else:
            raise SelfCheckAnswerError(
                N_("Answer to question '{question}' must be text or a list of texts"), question=q.id
            )
        if not q.multiple and len(chosen) > 1:
            raise SelfCheckAnswerError(
                N_("Question '{question}' takes one answer, got {count}"),
                question=q.id,
                count=len(chosen),
            )
        for answer in chosen:
            if answer not in q.option_ids():
                raise SelfCheckAnswerError(
                    N_(
                        "Answer '{answer}' is not an option of question '{question}'; "
                        "options: {options}"
                    ),
                    answer=answer,
                    question=q.id,
                    options=", ".join(q.option_ids()),
                )
        for o in q.options:
            if o.exclusive and o.id in chosen and len(set(chosen)) > 1:
                raise SelfCheckAnswerError(
                    N_("'{answer}' cannot be combined with other answers to question '{question}'"),
                    answer=o.id,
                    question=q.id,
                )
        if chosen:
            out[q.id] = frozenset(chosen)
    return out


def evaluate(answers: Mapping[str, Any]) -> SelfCheckResult:
    """Explain an answer set (see module docstring); pure, stores nothing."""
    qn = questionnaire()
    norm = normalise_answers(answers)
    warnings = tuple(r.statement.fill() for r in qn.warnings if r.matches(norm))
    has_signs = any(r.matches(norm) for r in qn.signs)
    return SelfCheckResult(
        urgent=bool(warnings),
        urgent_advice=qn.fixed["urgent_advice"].fill() if warnings else None,
        warnings=warnings,
        explanations=tuple(r.statement.fill() for r in qn.explanations if r.matches(norm)),
        referral=qn.fixed["referral_signs" if has_signs else "referral_general"].fill(),
        not_a_diagnosis=qn.fixed["not_a_diagnosis"].fill(),
        privacy=qn.fixed["privacy"].fill(),
    )


__all__ = [
    "Option",
    "Question",
    "Questionnaire",
    "Rule",
    "SelfCheckAnswerError",
    "SelfCheckResult",
    "evaluate",
    "normalise_answers",
    "questionnaire",
]
