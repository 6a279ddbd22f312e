"""Write docs/clinical-sources.md from the packaged bibliography (run after editing
src/cdcare/clinical/data/sources.json; tests/clinical/test_sources.py checks they agree)."""

from __future__ import annotations

from pathlib import Path

from cdcare.clinical.sources import markdown_table

HEADER = """# Clinical sources

Every clinical number, rule and statement in cdcare carries a source tag (`S30`, `V9`) or `U`
(unconfirmed). This page is generated from the bibliography in the package,
`src/cdcare/clinical/data/sources.json`, by `python scripts/clinical_sources_md.py`; the web app
shows the same list at `/sources`. Do not edit the table by hand.

- **verified = yes**: a primary or authoritative source (product label, regulator record,
  peer-reviewed paper or review, published rating instrument, clinical reference book, clinical
  guideline or professional body, the label holder's professional information). A fact marked
  `verified: true` in the data cites at least one such source.
- **verified = no**: a secondary page (news, summaries, shops, software issues, preprints,
  conference abstracts). Facts resting only on these are shipped with `verified: false` and shown
  as "unconfirmed reference", like `U` facts.
- **U**: the fact has not been checked against a primary source yet.

Open items to check against primary sources: the original TWSTRS range-of-motion and time bands
and the pain-severity formula; TWSTRS-2 item maxima; CDIP-58 subscale item counts; every
per-muscle dose range (label tables); the PHQ-9/GAD-7 bands against Kroenke 2001 and Spitzer 2006
(cited today through secondary pages, S12); the live MFDS status of Meditoxin and the other
Korean products (cited today through news and distributor pages).

"""


def main() -> None:
    out = Path(__file__).resolve().parents[1] / "docs" / "clinical-sources.md"
    out.write_text(HEADER + markdown_table(), encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
