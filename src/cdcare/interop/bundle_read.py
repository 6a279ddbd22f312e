"""A FHIR Bundle as read for import (:mod:`cdcare.interop.importer`), before anything is written.

:class:`CheckedBundle` holds the entries by ``fullUrl``, each validated by its ``fhir.resources``
R4B model, with reference look-ups that refuse what does not resolve. Every refusal is an
:class:`~cdcare.errors.InputError` naming the entry by index and ``fullUrl``
(:class:`EntryError`). Also the small readers of FHIR values the importer shares: the code of a
CodeableConcept in one system, a date and an instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from cdcare.errors import N_, CdcareError, InputError

Resource = dict[str, Any]
SUPPORTED = (
    "Organization",
    "Patient",
    "Condition",
    "Encounter",
    "QuestionnaireResponse",
    "Observation",
    "Procedure",
    "MedicationAdministration",
    "AdverseEvent",
    "MedicationStatement",
)


@dataclass
class Entry:
    """One Bundle entry: its position, ``fullUrl``, resource type and resource (a dict)."""

    index: int
    url: str
    kind: str
    res: Resource


class CheckedBundle:
    """The Bundle's entries by fullUrl, with checked look-ups that name the failing entry."""

    def __init__(self, bundle: object) -> None:
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise InputError(N_("Not a FHIR Bundle (resourceType must be Bundle)"))
        raw = bundle.get("entry") or []
        if not isinstance(raw, list):
            raise InputError(N_("Not a FHIR Bundle (resourceType must be Bundle)"))
        self.entries: list[Entry] = []
        self.by_url: dict[str, Entry] = {}
        for index, item in enumerate(raw):
            entry = self._entry(index, item)
            if entry.url in self.by_url:
                raise refuse(entry, N_("the fullUrl appears twice in the Bundle"))
            self.entries.append(entry)
            self.by_url[entry.url] = entry

    @staticmethod
    def _entry(index: int, item: object) -> Entry:
        url = str(item.get("fullUrl", "")) if isinstance(item, dict) else ""
        res = item.get("resource") if isinstance(item, dict) else None
        kind = res.get("resourceType") if isinstance(res, dict) else None
        entry = Entry(index, url, str(kind), res if isinstance(res, dict) else {})
        if not url:
            raise refuse(entry, N_("the entry has no fullUrl"))
        if kind not in SUPPORTED:
            raise InputError(
                N_("Entry {index} ({url}): resource type {kind} cannot be imported"),
                index=index,
                url=url,
                kind=str(kind),
            )
        try:
            get_fhir_model_class(kind).model_validate(res)
        except ValidationError as err:
            raise InputError(
                N_("Entry {index} ({url}) is not a valid FHIR {kind}: {detail}"),
                index=index,
                url=url,
                kind=kind,
                detail=str(err.errors()[0].get("msg", err))[:200],
            ) from err
        return entry

    def of(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def target(self, entry: Entry, ref: object, kind: str) -> Entry:
        """The entry that ``ref`` (a Reference dict) points at; refused unless it is a ``kind``."""
        url = ref.get("reference") if isinstance(ref, dict) else None
        found = self.by_url.get(url) if isinstance(url, str) else None
        if found is None or found.kind != kind:
            raise InputError(
                N_("Entry {index} ({url}): reference {ref} is not a {kind} of the Bundle"),
                index=entry.index,
                url=entry.url,
                ref=str(url),
                kind=kind,
            )
        return found


def refuse(entry: Entry, why: str, **params: Any) -> InputError:
    """The error refusing ``entry`` for reason ``why`` (an English message with ``params``)."""
    return EntryError(entry, why, **params)


class EntryError(InputError):
    """A refused entry: ``Entry {index} ({url}): {reason}``, the reason translated too."""

    def __init__(self, entry: Entry, why: str, **params: Any) -> None:
        self.why, self.why_params = why, params
        super().__init__(
            N_("Entry {index} ({url}): {reason}"), index=entry.index, url=entry.url, reason=why
        )

    def text(self, lang: str = "en") -> str:
        from cdcare.i18n import translate

        params = {
            k: v.text(lang) if isinstance(v, CdcareError) else v for k, v in self.why_params.items()
        }
        reason = translate(self.why, lang).format(**params)
        return translate(self.message, lang).format(
            index=self.params["index"], url=self.params["url"], reason=reason
        )


def coded(concept: object, system: str) -> str | None:
    """The code of CodeableConcept ``concept`` in ``system``, or None."""
    codings = concept.get("coding", []) if isinstance(concept, dict) else []
    return next((k.get("code") for k in codings if k.get("system") == system), None)


def as_day(value: str) -> date:
    """The calendar date a FHIR date or dateTime starts with (``YYYY-MM-DD…``)."""
    return date.fromisoformat(value[:10])


def as_instant(value: str) -> datetime:
    """A FHIR instant (``…Z`` or with an offset) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
