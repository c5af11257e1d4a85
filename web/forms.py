"""The case form: HTML form fields <-> the exchange format, and errors back to their fields.

Form field names are the paths of the exchange format (`leerling.leeftijd`,
`commentaar[2].tekst`), the same paths the service uses in its refusals, so an
error lands next to the field it is about without a translation table. The
form is re-rendered from what was posted, so nothing typed is lost on an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ingest.anonymity import Bevinding


@dataclass(frozen=True)
class Veld:
    """One field of the form.

    soort: `tekst` (one line), `lang` (textarea), `getal`, `keuze` (one code of
    `vocab`), `lijst` (several codes) or `themas` (comma-separated tags).
    `controle`: free text that the anonymity check reads while the officer types.
    """

    soort: str
    kop: str
    vocab: str | None = None
    verplicht: bool = False
    hint: str = ""
    controle: bool = False


# Named by their path in the exchange format, in the order of casusformaat.md.
VELDEN: dict[str, Veld] = {
    "ref": Veld("tekst", "Ref", verplicht=True,
                hint="Vaste code van de bron, bijv. AMS-2024-017: letters, cijfers, - _ ."),
    "titel": Veld("tekst", "Titel", verplicht=True, controle=True,
                  hint="Eén regel waaraan een collega de casus herkent (5-120 tekens)."),
    "schooljaar": Veld("tekst", "Schooljaar", verplicht=True, hint="Bijvoorbeeld 2023-2024."),
    "regio": Veld("tekst", "Regio", controle=True,
                  hint="Gemeente of regio, nooit kleiner dan een stadsdeel."),
    "bron": Veld("keuze", "Bron", "bron"),
    "beschrijving": Veld("lang", "Beschrijving", verplicht=True, controle=True, hint=(
        "De situatie zoals u die zag vóór het besluit: leerling, verzuim, gezin, school en wat "
        "er geprobeerd was (80-6000 tekens). Geen namen, adressen, data of schoolnamen.")),
    "leerling.leeftijd": Veld("getal", "Leeftijd", verplicht=True, hint="4 tot en met 23."),
    "leerling.geslacht": Veld("keuze", "Geslacht", "geslacht"),
    "leerling.onderwijs": Veld("keuze", "Onderwijs", "onderwijs", verplicht=True),
    "leerling.gezinssituatie": Veld("keuze", "Gezinssituatie", "gezinssituatie"),
    "verzuim.soort": Veld("keuze", "Soort verzuim", "verzuim_soort", verplicht=True),
    "verzuim.meldingen": Veld("lijst", "Meldingen van school", "melding"),
    "verzuim.uren": Veld("getal", "Uren ongeoorloofd verzuim"),
    "verzuim.keer_te_laat": Veld("getal", "Keer te laat"),
    "verzuim.duur_weken": Veld("getal", "Duur tot nu toe (weken)"),
    "verzuim.eerdere_meldingen": Veld("getal", "Eerdere meldingen"),
    "problematiek": Veld("lijst", "Problematiek", "problematiek"),
    "route": Veld("keuze", "Route", "route", verplicht=True,
                  hint="De MAS-route waarin de casus zat bij het besluit."),
    "interventies": Veld("lijst", "Interventies", "interventie",
                         hint="Wat er geprobeerd of ingezet was, vóór en bij het besluit."),
    "afweging.besluit": Veld("keuze", "Besluit", "besluit", verplicht=True),
    "afweging.pv_tegen": Veld("lijst", "Pv tegen", "pv_tegen",
                              hint="Verplicht bij pv of Halt; leeg laten bij andere besluiten."),
    "afweging.factoren": Veld("lijst", "Factoren", "factor"),
    "afweging.toelichting": Veld("lang", "Toelichting", verplicht=True, controle=True, hint=(
        "Uw eigen afweging: waarom dit besluit, waarom niet het alternatief (40-4000 tekens).")),
    "uitkomst.maatregelen": Veld("lijst", "Maatregelen", "maatregel"),
    "uitkomst.verzuim_na": Veld("keuze", "Verzuim daarna", "verzuim_na"),
    "uitkomst.onderwijs_na": Veld("keuze", "Onderwijs daarna", "onderwijs_na"),
    "uitkomst.termijn_maanden": Veld("getal", "Uitkomst gezien na (maanden)",
                                     hint="0 tot en met 60."),
    "uitkomst.toelichting": Veld("lang", "Toelichting op de uitkomst", controle=True),
    "lessen": Veld("lang", "Lessen", controle=True,
                   hint="Achteraf: wat had beter gekund, had een (andere) pv geholpen?"),
    "themas": Veld("themas", "Thema's", controle=True,
                   hint="Gescheiden door komma's, kleine letters, bijv. halt-of-pv, thuiszitters."),
}
COMMENTAAR_VELDEN = ("partij", "oordeel", "moment", "tekst")
COMMENTAAR_KOPPEN = {"partij": "Partij", "oordeel": "Oordeel", "moment": "Moment", "tekst": "Tekst"}
# Objects the format requires: always sent, so that errors name their fields.
_VERPLICHTE_OBJECTEN = ("leerling", "verzuim", "afweging")
LEGE_COMMENTAARRIJEN = 2
MIN_COMMENTAARRIJEN = 3

_COMMENTAAR_NAAM = re.compile(r"^commentaar\[(\d+)\]\.(\w+)$")
_VELDPAD = re.compile(r"^[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*$")


@dataclass
class Waarden:
    """What the form shows: one string or list per field, commentaar as rows."""

    velden: dict[str, Any]
    commentaar: list[dict[str, str]]

    def get(self, naam: str) -> Any:
        return self.velden.get(naam, [] if VELDEN[naam].soort == "lijst" else "")

    def commentaarrijen(self) -> list[dict[str, str]]:
        """The filled rows plus empty ones to add to."""
        leeg = dict.fromkeys(COMMENTAAR_VELDEN, "")
        aantal = max(len(self.commentaar) + LEGE_COMMENTAARRIJEN, MIN_COMMENTAARRIJEN)
        return [*self.commentaar, *([leeg] * (aantal - len(self.commentaar)))]


def leeg() -> Waarden:
    return Waarden({}, [])


def _pad_get(data: dict[str, Any], naam: str) -> Any:
    waarde: Any = data
    for deel in naam.split("."):
        waarde = waarde.get(deel) if isinstance(waarde, dict) else None
    return waarde


def uit_casus(data: dict[str, Any]) -> Waarden:
    """The form's values for a stored case (exchange-format dict)."""
    velden: dict[str, Any] = {}
    for naam, veld in VELDEN.items():
        soort = veld.soort
        waarde = _pad_get(data, naam)
        if waarde is None:
            continue
        if soort == "themas":
            velden[naam] = ", ".join(waarde)
        elif soort == "lijst":
            velden[naam] = list(waarde)
        else:
            velden[naam] = str(waarde)
    commentaar = [
        {k: str(c.get(k) or "") for k in COMMENTAAR_VELDEN} for c in data.get("commentaar") or []
    ]
    return Waarden(velden, commentaar)


def _tekst(waarde: Any) -> str:
    # Browsers send line breaks in a textarea as CRLF.
    return str(waarde).replace("\r\n", "\n")


def uit_formulier(form: Any) -> Waarden:
    """The posted form (Starlette FormData) as the form's values, commentaar rows compacted."""
    velden: dict[str, Any] = {}
    for naam, veld in VELDEN.items():
        if veld.soort == "lijst":
            velden[naam] = [_tekst(w) for w in form.getlist(naam) if str(w)]
        elif str(form.get(naam) or ""):
            velden[naam] = _tekst(form.get(naam))
    rijen: dict[int, dict[str, str]] = {}
    for naam, waarde in form.multi_items():
        m = _COMMENTAAR_NAAM.match(naam)
        if m and m.group(2) in COMMENTAAR_VELDEN:
            rijen.setdefault(int(m.group(1)), {})[m.group(2)] = _tekst(waarde)
    commentaar = [
        {k: rij.get(k, "") for k in COMMENTAAR_VELDEN}
        for _, rij in sorted(rijen.items())
        if any(v.strip() for v in rij.values())
    ]
    return Waarden(velden, commentaar)


def _veldwaarde(soort: str, waarde: Any) -> Any:
    """A form value as the exchange format wants it; None for an empty field."""
    if waarde is None or soort == "lijst":
        return waarde or None
    if not waarde.strip():
        return None
    if soort == "themas":
        return [t.strip().lower() for t in waarde.split(",") if t.strip()] or None
    if soort == "getal":
        try:
            return int(waarde.strip())
        except ValueError:
            # Sent as typed: validation then names the field ("moet een geheel getal zijn").
            return waarde
    return waarde


def naar_casus(waarden: Waarden) -> dict[str, Any]:
    """The exchange-format dict to save: empty fields left out."""
    data: dict[str, Any] = {naam: {} for naam in _VERPLICHTE_OBJECTEN}
    for naam, veld in VELDEN.items():
        waarde = _veldwaarde(veld.soort, waarden.velden.get(naam))
        if waarde is None:
            continue
        *ouders, blad = naam.split(".")
        doel = data
        for deel in ouders:
            doel = doel.setdefault(deel, {})
        doel[blad] = waarde
    if waarden.commentaar:
        data["commentaar"] = [
            {k: v for k, v in rij.items() if v.strip()} for rij in waarden.commentaar
        ]
    return data


@dataclass
class Fouten:
    """Refusal messages sorted to the field they are about."""

    per_veld: dict[str, list[str]]
    algemeen: list[str]

    def __bool__(self) -> bool:
        return bool(self.per_veld or self.algemeen)

    def aantal(self) -> int:
        return sum(map(len, self.per_veld.values())) + len(self.algemeen)


def _formulierveld(pad: str) -> str | None:
    """The form field a message path is about: `afweging.factoren[2]` -> `afweging.factoren`."""
    if pad in VELDEN or _COMMENTAAR_NAAM.match(pad):
        return pad
    zonder_index = re.sub(r"\[\d+\]$", "", pad)
    return zonder_index if zonder_index in VELDEN else None


def veld_id(naam: str) -> str:
    """An HTML id for a field name: `commentaar[2].tekst` -> `commentaar-2-tekst`."""
    return re.sub(r"[^a-z0-9_]+", "-", naam).strip("-")


def veldkop(naam: str) -> str:
    """The field's label, for the list of errors above the form."""
    if naam in VELDEN:
        return VELDEN[naam].kop
    m = _COMMENTAAR_NAAM.match(naam)
    if m:
        return f"Commentaar {m.group(1)}: {COMMENTAAR_KOPPEN.get(m.group(2), m.group(2)).lower()}"
    return naam


def _formuliervolgorde(naam: str) -> tuple[int, int]:
    """Where a field is in the form: commentaar rows come after the afweging."""
    m = _COMMENTAAR_NAAM.match(naam)
    if m:
        return list(VELDEN).index("uitkomst.maatregelen") - 1, int(m.group(1))
    return list(VELDEN).index(naam), 0


def verdeel_fouten(meldingen: list[str]) -> Fouten:
    """Sort `veld: melding` messages of the service to their form fields, in form order."""
    fouten = Fouten({}, [])
    for melding in meldingen:
        delen = melding.split(": ")
        for i, deel in enumerate(delen[:-1]):
            veld = _formulierveld(deel) if _VELDPAD.match(deel) else None
            if veld:
                fouten.per_veld.setdefault(veld, []).append(": ".join(delen[i + 1 :]))
                break
        else:
            fouten.algemeen.append(melding)
    fouten.per_veld = dict(sorted(fouten.per_veld.items(), key=lambda i: _formuliervolgorde(i[0])))
    return fouten


def gemarkeerd(tekst: str, bevindingen: list[Bevinding]) -> list[tuple[str, Bevinding | None]]:
    """The text in pieces, each found piece of personal data with its finding (for <mark>)."""
    stukken: list[tuple[str, Bevinding | None]] = []
    positie = 0
    for b in bevindingen:
        if b.start > positie:
            stukken.append((tekst[positie : b.start], None))
        stukken.append((tekst[b.start : b.eind], b))
        positie = b.eind
    if positie < len(tekst):
        stukken.append((tekst[positie:], None))
    return stukken
