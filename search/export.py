"""A search result as CSV, for the intervisie verslag or a file note.

Human-readable columns in a fixed order, one row per precedent, written with
the same CSV conventions as the other downloads (kb.export_csv). The web page
(`/zoeken.csv`) and `kb search --csv` both call `als_csv`.
"""

from __future__ import annotations

from typing import Any

from kb.export_csv import csv_tekst
from kb.vocabulary import label

KOLOMMEN = (
    "Rang", "Ref", "Titel", "Status", "Besluit", "Pv tegen", "Route", "Leeftijd", "Onderwijs",
    "Schooljaar", "Gedeelde factoren", "Alleen in precedent", "Verzuim daarna",
    "Onderwijs daarna", "Commentaar keten", "Score",
)


def _factoren(lijst: list[dict[str, Any]]) -> str:
    return ", ".join(f"{f['label']} ({f['richting_label']})" for f in lijst)


def als_csv(resultaat: dict[str, Any]) -> str:
    rijen = []
    for rang, r in enumerate(resultaat["results"], start=1):
        uitkomst = r.get("uitkomst") or {}
        rijen.append(
            (
                # An own concept counts in the search; the file says it is not reviewed yet.
                rang, r["ref"], r["titel"], label("status", r["status"]),
                label("besluit", r["besluit"]),
                " en ".join(r["pv_tegen"]), label("route", r["route"]), r["leeftijd"],
                label("onderwijs", r["onderwijs"]), r["schooljaar"],
                _factoren(r["gedeelde_factoren"]), _factoren(r["alleen_in_precedent"]),
                label("verzuim_na", uitkomst.get("verzuim_na")),
                label("onderwijs_na", uitkomst.get("onderwijs_na")),
                "; ".join(
                    f"{label('partij', c['partij'])}: {label('oordeel', c['oordeel'])}"
                    for c in r["commentaar"]
                ),
                f"{r['score']:.4f}".replace(".", ","),  # Dutch Excel reads 0,0323
            )
        )
    return csv_tekst(KOLOMMEN, rijen)
