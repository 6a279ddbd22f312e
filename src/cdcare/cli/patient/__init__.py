"""``cdcare patient ...`` (records) and ``cdcare followup PATIENT`` (response summary).

PATIENT is the record number within ``--centre`` (default: the demo centre ``DEMO``), or
``id:N`` for the database id. Every command runs in one transaction: a refused entry saves
nothing.

One module per group of sub-commands: :mod:`~cdcare.cli.patient.records` (create, list, show,
intake), :mod:`~cdcare.cli.patient.treatment` (inject, diary, scale, adverse-event, medication,
exercise, exercises) and :mod:`~cdcare.cli.patient.followup`; what they share is in
:mod:`~cdcare.cli.patient.common`.
"""

from cdcare.cli.patient import followup, records, treatment
from cdcare.cli.patient.common import patient_app

# importing the command modules registers their commands on ``patient_app`` and ``app``
__all__ = ["followup", "patient_app", "records", "treatment"]
