"""The exchange format (`casusformaat.md`) as pydantic models.

This is the one shape in which a case enters or leaves Casusbank: import,
export, the JSON API and test fixtures all go through `Casus`. Unknown keys are
refused (typos must not vanish silently) and the cross-field rules of the
format live in `regelfouten`, so that every error a user sees names the field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kb.vocabulary import (
    Besluit,
    Bron,
    Geslacht,
    Gezinssituatie,
    Interventie,
    Maatregel,
    Melding,
    Moment,
    Onderwijs,
    OnderwijsNa,
    Oordeel,
    Partij,
    Problematiek,
    PvTegen,
    Route,
    VerzuimNa,
    VerzuimSoort,
)

REF_PATTERN = r"^[A-Za-z0-9\-_.]{3,64}$"
SCHOOLJAAR_PATTERN = re.compile(r"^(\d{4})-(\d{4})$")

NonNegInt = Annotated[int, Field(ge=0, strict=True)]


def _nul_in(data: Any, pad: str = "") -> str | None:
    """Where a NUL character is (a field path such as "afweging.toelichting"), or None."""
    if isinstance(data, str):
        return pad if "\x00" in data else None
    if isinstance(data, dict):
        for k, v in data.items():
            waar = f"{pad}.{k}" if pad else str(k)
            if isinstance(k, str) and "\x00" in k:
                return waar
            gevonden = _nul_in(v, waar)
            if gevonden is not None:
                return gevonden
    if isinstance(data, list | tuple):
        for i, v in enumerate(data, start=1):
            gevonden = _nul_in(v, f"{pad}[{i}]")
            if gevonden is not None:
                return gevonden
    return None


class _Strikt(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, use_enum_values=True, frozen=False
    )

    @model_validator(mode="before")
    @classmethod
    def _geen_nul(cls, data: Any) -> Any:
        """PostgreSQL refuses NUL in text; no case text has a use for it (every write
        path validates here: import, API, web form)."""
        waar = _nul_in(data)
        if waar is not None:
            plek = f" (in {waar})" if waar else ""
            raise ValueError(f"een tekst bevat een NUL-teken (\\0){plek}; dat kan nergens staan")
        return data


def _unique(values: list[Any] | None) -> list[Any] | None:
    if values is None:
        return None
    seen: set[Any] = set()
    doubles = [v for v in values if v in seen or seen.add(v)]
    if doubles:
        raise ValueError(f"waarde staat dubbel in de lijst: {', '.join(map(str, doubles))}")
    return values


class Leerling(_Strikt):
    leeftijd: int = Field(ge=4, le=23, strict=True)
    geslacht: Geslacht | None = None
    onderwijs: Onderwijs
    gezinssituatie: Gezinssituatie | None = None


class Verzuim(_Strikt):
    soort: VerzuimSoort
    meldingen: list[Melding] | None = None
    uren: NonNegInt | None = None
    keer_te_laat: NonNegInt | None = None
    duur_weken: NonNegInt | None = None
    eerdere_meldingen: NonNegInt | None = None

    _uniek = field_validator("meldingen")(_unique)


class Afweging(_Strikt):
    besluit: Besluit
    pv_tegen: list[PvTegen] | None = None
    factoren: list[str] | None = None
    toelichting: str = Field(min_length=40, max_length=4000)

    _uniek = field_validator("pv_tegen", "factoren")(_unique)

    @field_validator("factoren")
    @classmethod
    def _bekende_factoren(cls, factoren: list[str] | None) -> list[str] | None:
        from kb.vocabulary import FACTOR_BY_CODE

        onbekend = [f for f in factoren or [] if f not in FACTOR_BY_CODE]
        if onbekend:
            raise ValueError(
                f"onbekende factor {', '.join(repr(f) for f in onbekend)}; "
                "zie de lijst afweging.factoren in het casusformaat"
            )
        return factoren


class Commentaar(_Strikt):
    partij: Partij
    oordeel: Oordeel
    tekst: str = Field(min_length=20, max_length=4000)
    moment: Moment | None = None


class Uitkomst(_Strikt):
    maatregelen: list[Maatregel] | None = None
    verzuim_na: VerzuimNa | None = None
    onderwijs_na: OnderwijsNa | None = None
    termijn_maanden: int | None = Field(default=None, ge=0, le=60, strict=True)
    toelichting: str | None = Field(default=None, max_length=4000)

    _uniek = field_validator("maatregelen")(_unique)


class Casus(_Strikt):
    """One precedent in the exchange format."""

    ref: str = Field(pattern=REF_PATTERN)
    titel: str = Field(min_length=5, max_length=120)
    schooljaar: str
    regio: str | None = Field(default=None, min_length=1, max_length=120)
    bron: Bron | None = None
    beschrijving: str = Field(min_length=80, max_length=6000)
    leerling: Leerling
    verzuim: Verzuim
    problematiek: list[Problematiek] | None = None
    route: Route
    interventies: list[Interventie] | None = None
    afweging: Afweging
    commentaar: list[Commentaar] | None = None
    uitkomst: Uitkomst | None = None
    lessen: str | None = Field(default=None, max_length=4000)
    themas: list[str] | None = None

    _uniek = field_validator("problematiek", "interventies", "themas")(_unique)

    @field_validator("schooljaar", mode="before")
    @classmethod
    def _schooljaar(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(
                'schrijf het schooljaar als tekst "JJJJ-JJJJ", bijvoorbeeld "2023-2024"'
            )
        match = SCHOOLJAAR_PATTERN.match(value.strip())
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise ValueError(
                f"'{value}' is geen schooljaar; gebruik twee opeenvolgende jaren, "
                'bijvoorbeeld "2023-2024" (geen data: die maken een casus herkenbaar)'
            )
        return value.strip()

    @field_validator("themas")
    @classmethod
    def _themas(cls, themas: list[str] | None) -> list[str] | None:
        for thema in themas or []:
            if not isinstance(thema, str) or not thema or thema != thema.lower() or len(thema) > 40:
                raise ValueError(
                    f"thema '{thema}' moet kleine letters hebben en hoogstens 40 tekens"
                )
        return themas


def regelfouten(casus: Casus) -> list[tuple[str, str]]:
    """The cross-field rules of the format, as (veld, melding) pairs."""
    return _pv_tegen_regel(casus.afweging.besluit, casus.afweging.pv_tegen)


def _pv_tegen_regel(besluit: Any, pv_tegen: Any) -> list[tuple[str, str]]:
    if besluit in ("pv", "halt"):
        if not pv_tegen:
            return [
                ("afweging.pv_tegen", f"verplicht bij besluit {besluit}: kies ouders en/of jongere")
            ]
    elif pv_tegen:
        return [("afweging.pv_tegen", "alleen toegestaan bij besluit pv of halt")]
    return []


def _regelfouten_ruw(data: dict[str, Any], fouten: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The cross-field rules on data that failed validation elsewhere, so that a form shows
    every mistake at once; skipped where the fields involved have errors of their own."""
    afweging = data.get("afweging")
    if not isinstance(afweging, dict) or any(
        v in ("afweging", "afweging.besluit") or v.startswith("afweging.pv_tegen")
        for v, _ in fouten
    ):
        return []
    return _pv_tegen_regel(afweging.get("besluit"), afweging.get("pv_tegen"))


_PYDANTIC_MELDINGEN: dict[str, str] = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld (tikfout?); zie casusformaat.md voor de toegestane velden",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "list_type": "moet een lijst zijn",
    "model_type": "moet een object met velden zijn",
    "model_attributes_type": "moet een object met velden zijn",
    "dict_type": "moet een object met velden zijn",
}


def _veldnaam(loc: tuple[Any, ...]) -> str:
    naam = ""
    for part in loc:
        if isinstance(part, int):
            naam += f"[{part + 1}]"
        else:
            naam += ("." if naam else "") + str(part)
    return naam


def _melding(err: dict[str, Any]) -> str:
    soort = err["type"]
    ctx = err.get("ctx") or {}
    invoer = err.get("input")
    if soort in ("enum", "literal_error"):
        # Pydantic writes "'a', 'b' or 'c'": in Dutch, "of".
        toegestaan = str(ctx.get("expected", "")).replace(" or ", " of ")
        if invoer in (None, ""):
            return f"kies een waarde: {toegestaan}"
        return f"ongeldige waarde '{invoer}'; toegestaan: {toegestaan}"
    if soort == "string_too_short":
        lengte = len(invoer) if isinstance(invoer, str) else 0
        return f"te kort: minimaal {ctx['min_length']} tekens, nu {lengte}"
    if soort == "string_too_long":
        return f"te lang: hoogstens {ctx['max_length']} tekens, nu {len(invoer)}"
    if soort == "string_pattern_mismatch":
        return f"'{invoer}' is geen geldige ref: 3-64 tekens, alleen letters, cijfers, - _ en ."
    if soort in ("greater_than_equal", "less_than_equal"):
        grens = ctx.get("ge", ctx.get("le"))
        richting = "minimaal" if soort == "greater_than_equal" else "hoogstens"
        return f"{invoer} valt buiten het bereik: {richting} {grens}"
    if soort == "value_error":
        return str(ctx.get("error", err["msg"]))
    return _PYDANTIC_MELDINGEN.get(soort, err["msg"])


def veldfouten(errors: list[Any]) -> list[tuple[str, str]]:
    """Pydantic's errors as (veld, melding) pairs in Dutch (cases and API request bodies)."""
    return [(_veldnaam(e["loc"]), _melding(e)) for e in errors]


def valideer(data: Any) -> tuple[Casus | None, list[tuple[str, str]]]:
    """Validate one raw case; returns the case or every (veld, melding) found."""
    if not isinstance(data, dict):
        return None, [("", "een casus moet een object met velden zijn")]
    try:
        casus = Casus.model_validate(data)
    except ValidationError as exc:
        fouten = veldfouten(exc.errors())
        return None, fouten + _regelfouten_ruw(data, fouten)
    fouten = regelfouten(casus)
    return (None, fouten) if fouten else (casus, [])


def naar_uitwisseling(casus: Casus) -> dict[str, Any]:
    """The case as the exchange format writes it: no empty optional fields."""
    return casus.model_dump(mode="json", exclude_none=True)
