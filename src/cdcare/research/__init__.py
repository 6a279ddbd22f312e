"""Research datasets: de-identified exports of a centre's records (:mod:`.export`)."""
