"""FHIR interoperability: export a patient's record as a FHIR R4B Bundle and import one back.

Built on the R4B models of ``fhir.resources`` (its releases ship R5 by default plus R4B and no
plain R4 package; R4B is the closest to the R4 that HL7 Korea's KR Core 1.0.2 targets). Every
resource is validated by constructing its ``fhir.resources`` model. See docs/fhir.md.
"""

from cdcare.interop.export import export_centre, export_patient
from cdcare.interop.importer import ImportSummary, import_bundle

__all__ = ["ImportSummary", "export_centre", "export_patient", "import_bundle"]
