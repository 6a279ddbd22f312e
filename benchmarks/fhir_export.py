"""FHIR export and import of the demo centre: time, Bundle size, round-trip check.

Loads the synthetic demo cohort (``--patients`` patients, default 30, fixed seed and date) into
a fresh SQLite file, exports the whole centre as one FHIR R4B Bundle (every resource validated
by its ``fhir.resources`` model), writes it as JSON, imports it into a second, empty database
and exports again. Prints the export time, the number of entries and the Bundle size, the
import time, and whether the second export equals the first apart from ids.

    .venv/bin/python benchmarks/fhir_export.py [--patients 30]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from cdcare.care.demo import DEMO_CENTRE, load_demo
from cdcare.interop import export_centre, import_bundle
from cdcare.store.db import make_engine, session_scope
from cdcare.store.migrate import upgrade


def normalised(bundle: dict[str, Any]) -> str:
    """The resources with each fullUrl replaced by its entry index."""
    blob = json.dumps([e["resource"] for e in bundle["entry"]], sort_keys=True)
    for i, entry in enumerate(bundle["entry"]):
        blob = blob.replace(entry["fullUrl"], f"entry-{i}")
    return blob


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = make_engine(f"sqlite:///{Path(tmp) / 'source.sqlite3'}")
        target = make_engine(f"sqlite:///{Path(tmp) / 'target.sqlite3'}")
        upgrade(source)
        upgrade(target)
        with session_scope(source) as db:
            load_demo(db=db, patients=args.patients, today=date(2026, 11, 1))
        start = time.perf_counter()
        with session_scope(source) as db:
            bundle = export_centre(db=db, centre_code=DEMO_CENTRE)
        data = json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")
        exported = time.perf_counter() - start
        (Path(tmp) / "bundle.json").write_bytes(data)
        start = time.perf_counter()
        with session_scope(target) as db:
            import_bundle(db=db, bundle=json.loads(data.decode("utf-8")), centre_code=DEMO_CENTRE)
        imported = time.perf_counter() - start
        with session_scope(target) as db:
            again = export_centre(db=db, centre_code=DEMO_CENTRE)
        source.dispose()
        target.dispose()
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    n = len(bundle["entry"])
    print(f"patients                {args.patients}")
    print(f"entries                 {n}  ({', '.join(f'{k} {v}' for k, v in kinds.most_common())})")
    print(f"bundle size             {len(data) / 1e6:.2f} MB (UTF-8 JSON, indent 1)")
    print(f"export (validated)      {exported:.2f} s  ({1000 * exported / n:.2f} ms/resource)")
    print(f"import                  {imported:.2f} s  ({1000 * imported / n:.2f} ms/resource)")
    print(f"round trip identical    {normalised(again) == normalised(bundle)}")


if __name__ == "__main__":
    main()
