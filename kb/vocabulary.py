"""The vocabulary of the exchange format, in one place.

Every code list of `casusformaat.md` lives here with its Dutch label, and each
afwegingsfactor with its direction (voor/tegen pv, or context) and its issue
group. Validation, storage, the UI, search and the explanations all read these
tables, so a new code is added here once and is known everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Bron(StrEnum):
    leerplicht = "leerplicht"
    om = "om"
    rvdk = "rvdk"
    halt = "halt"
    intervisie = "intervisie"
    onderzoek = "onderzoek"


class Geslacht(StrEnum):
    m = "m"
    v = "v"
    x = "x"
    onbekend = "onbekend"


class Onderwijs(StrEnum):
    po = "po"
    so = "so"
    vso = "vso"
    pro = "pro"
    vmbo = "vmbo"
    havo_vwo = "havo_vwo"
    mbo = "mbo"
    isk = "isk"
    vavo = "vavo"
    geen = "geen"
    anders = "anders"


class Gezinssituatie(StrEnum):
    tweeouder = "tweeouder"
    eenouder = "eenouder"
    samengesteld = "samengesteld"
    pleeggezin = "pleeggezin"
    instelling = "instelling"
    zelfstandig = "zelfstandig"
    onbekend = "onbekend"


class VerzuimSoort(StrEnum):
    relatief = "relatief"
    absoluut = "absoluut"
    luxe = "luxe"
    te_laat = "te_laat"
    signaal = "signaal"
    langdurig_relatief = "langdurig_relatief"


class Melding(StrEnum):
    m16u_4w = "16u_4w"
    vervolgmelding = "vervolgmelding"
    lrv = "lrv"
    overig = "overig"


class Problematiek(StrEnum):
    thuissituatie = "thuissituatie"
    opvoedingsonmacht = "opvoedingsonmacht"
    psychisch = "psychisch"
    lichamelijk = "lichamelijk"
    stoornis = "stoornis"
    verslaving = "verslaving"
    financieel = "financieel"
    schoolmotivatie = "schoolmotivatie"
    leerproblemen = "leerproblemen"
    passend_onderwijs = "passend_onderwijs"
    criminaliteit = "criminaliteit"
    huiselijk_geweld = "huiselijk_geweld"
    zorgmijding = "zorgmijding"
    mantelzorg = "mantelzorg"
    werk = "werk"
    migratie = "migratie"


class Route(StrEnum):
    basisroute = "basisroute"
    vrijwillige_hulp = "vrijwillige_hulp"
    halt = "halt"
    civiel = "civiel"
    strafrechtelijk = "strafrechtelijk"
    combinatie = "combinatie"


class Interventie(StrEnum):
    kennisgevingsbrief = "kennisgevingsbrief"
    gesprek = "gesprek"
    waarschuwing = "waarschuwing"
    afspraken_school = "afspraken_school"
    mdo = "mdo"
    zat = "zat"
    jeugdarts = "jeugdarts"
    verwijzing_wijkteam = "verwijzing_wijkteam"
    zorgmelding = "zorgmelding"
    halt = "halt"
    rvdk_advies = "rvdk_advies"
    vtb = "vtb"
    raadsonderzoek = "raadsonderzoek"
    jco = "jco"
    ijo = "ijo"
    onderwijsconsulent = "onderwijsconsulent"
    maatwerktraject = "maatwerktraject"
    ipa = "ipa"


class Besluit(StrEnum):
    pv = "pv"
    halt = "halt"
    geen_pv = "geen_pv"
    aangehouden = "aangehouden"


class Status(StrEnum):
    """Review state of a stored case; only `gepubliceerd` is seen by everyone."""

    concept = "concept"
    ter_review = "ter_review"
    gepubliceerd = "gepubliceerd"


class PvTegen(StrEnum):
    ouders = "ouders"
    jongere = "jongere"


class Partij(StrEnum):
    om = "om"
    rvdk = "rvdk"
    halt = "halt"
    jeugdreclassering = "jeugdreclassering"
    leerplicht = "leerplicht"
    school = "school"
    jeugdzorg = "jeugdzorg"
    politie = "politie"


class Oordeel(StrEnum):
    eens = "eens"
    oneens = "oneens"
    aanvullend = "aanvullend"


class Moment(StrEnum):
    vooraf = "vooraf"
    achteraf = "achteraf"


class Maatregel(StrEnum):
    geen = "geen"
    halt_afgerond = "halt_afgerond"
    halt_negatief = "halt_negatief"
    sepot = "sepot"
    voorwaardelijk_sepot = "voorwaardelijk_sepot"
    transactie = "transactie"
    strafbeschikking = "strafbeschikking"
    otp = "otp"
    kantonrechter = "kantonrechter"
    werkstraf = "werkstraf"
    leerstraf = "leerstraf"
    geldboete = "geldboete"
    jeugdreclassering = "jeugdreclassering"
    raadsonderzoek = "raadsonderzoek"
    ots = "ots"
    vrijwillige_hulp = "vrijwillige_hulp"
    onderwijsplek = "onderwijsplek"


class VerzuimNa(StrEnum):
    gestopt = "gestopt"
    verminderd = "verminderd"
    onveranderd = "onveranderd"
    toegenomen = "toegenomen"
    onbekend = "onbekend"


class OnderwijsNa(StrEnum):
    zelfde_school = "zelfde_school"
    andere_school = "andere_school"
    ander_onderwijs = "ander_onderwijs"
    thuiszitter = "thuiszitter"
    uitgeschreven = "uitgeschreven"
    achttien_geworden = "18_geworden"
    onbekend = "onbekend"


class Richting(StrEnum):
    """Which way a factor pushes the pv decision."""

    voor = "voor"
    tegen = "tegen"
    context = "context"


RICHTING_LABELS: dict[str, str] = {
    "voor": "voor pv",
    "tegen": "tegen pv",
    "context": "context",
}


@dataclass(frozen=True)
class Factor:
    code: str
    richting: Richting
    groep: str
    label: str
    # Phrases an officer might type for this factor; used to recognise factors in a
    # free-text query for the explanation (search.explain.herken_factoren). A phrase
    # matches from the start of a word ("spijbel" in "spijbelt", not "vakantie" in
    # "zomervakantie"); a trailing space asks for the whole word at its end too.
    signalen: tuple[str, ...] = ()


FACTOR_GROEPEN: dict[str, str] = {
    "verwijtbaarheid": "Verwijtbaarheid",
    "medewerking": "Medewerking",
    "zorgsignalen": "Zorgsignalen",
    "omvang": "Omvang van het verzuim",
    "leeftijd": "Leeftijd",
    "keten": "Keten en school",
    "luxe": "Luxe verzuim",
}

# fmt: off
_V, _T, _C = Richting.voor, Richting.tegen, Richting.context

FACTOREN: tuple[Factor, ...] = (
    Factor("verwijtbaar_ouders", _V, "verwijtbaarheid", "Ouders verwijtbaar",
           ("ouders verwijtbaar", "houden hem thuis", "houden haar thuis", "laten hem thuis",
            "laten haar thuis", "thuisgehouden", "ouders geven geen", "ouders houden hem",
            "ouders houden haar", "ouders houden hun", "ouders houden de", "ouders laten hem",
            "ouders laten haar", "ouders laten hun", "ouders laten de")),
    Factor("verwijtbaar_jongere", _V, "verwijtbaarheid", "Jongere verwijtbaar",
           ("jongere verwijtbaar", "spijbel", "gespijbeld", "geen zin", "blowt", "gamen",
            "gamet")),
    Factor("niet_verwijtbaar", _T, "verwijtbaarheid", "Niemand verwijtbaar",
           ("niet verwijtbaar", "niemand verwijtbaar", "kan er niets aan doen")),
    Factor("verwijtbaarheid_onduidelijk", _T, "verwijtbaarheid", "Verwijtbaarheid onduidelijk",
           ("onduidelijk", "geen zicht op", "geen beeld van")),
    Factor("hulp_geweigerd", _V, "medewerking", "Hulp geweigerd",
           ("hulp geweigerd", "weigeren hulp", "weigert hulp", "houden de deur dicht",
            "reageren niet", "reageert niet", "niks van zich horen", "niets van zich horen",
            "komen niet op afspraken", "willen geen hulp", "weigert alle hulp",
            "weigert elke hulp", "weigeren alle hulp", "wijst hulp af", "wijzen hulp af")),
    Factor("afspraken_niet_nagekomen", _V, "medewerking", "Afspraken niet nagekomen",
           ("afspraken niet nagekomen", "houdt zich niet aan", "houden zich niet aan",
            "waarschuwing hielp niet", "na de waarschuwing")),
    Factor("vrijwillig_kader_uitgeput", _V, "medewerking", "Vrijwillig kader uitgeput",
           ("alles geprobeerd", "vrijwillig kader", "vrijwillige kader", "kader is uitgeput",
            "niets werkt", "niks werkt", "niets helpt", "niks helpt", "hulp is uitgeput",
            "mogelijkheden zijn uitgeput")),
    Factor("ouders_werken_mee", _T, "medewerking", "Ouders werken mee",
           ("ouders werken mee", "ouders willen wel", "moeder werkt mee", "vader werkt mee",
            "ouders doen hun best")),
    Factor("hulp_loopt", _T, "medewerking", "Hulp loopt",
           ("hulp loopt", "hulpverlening loopt", "in behandeling", "traject loopt")),
    Factor("zorgmijding", _C, "medewerking", "Zorgmijding",
           ("zorgmijd", "mijden hulp", "mijdt hulp")),
    Factor("onveilige_thuissituatie", _C, "zorgsignalen", "Onveilige thuissituatie",
           ("onveilig", "huiselijk geweld", "veilig thuis", "mishandeling",
            "kindermishandeling")),
    Factor("psychische_klachten", _T, "zorgsignalen", "Psychische klachten",
           ("angst", "depressie", "somber", "psychisch", "paniek", "schoolweigering",
            "schoolangst", "faalangst", "verlatingsangst")),
    Factor("geen_passend_onderwijs", _T, "zorgsignalen", "Geen passend onderwijs",
           ("geen passende", "geen plek", "passend onderwijs", "thuiszitter", "wachtlijst school")),
    Factor("medische_oorzaak", _T, "zorgsignalen", "Medische oorzaak",
           ("ziek", "medisch", "chronisch", "ziekte")),
    Factor("risico_criminaliteit", _V, "zorgsignalen", "Risico criminaliteit",
           ("criminel", "politie", "drugs", "dealen", "verkeerde vrienden", "aangehouden door",
            "softdrugs", "harddrugs", "jeugdcriminaliteit")),
    Factor("multiproblematiek", _C, "zorgsignalen", "Multiproblematiek",
           ("multiprobleem", "schulden", "meerdere problemen")),
    Factor("boven_wettelijke_grens", _V, "omvang", "Boven de wettelijke grens",
           ("16 uur", "16-uursmelding", "zestien uur")),
    Factor("langdurig_verzuim", _V, "omvang", "Langdurig verzuim",
           ("maanden", "langdurig", "al weken", "zit thuis", "zit al", "zit sinds",
            "honderd uur")),
    Factor("eerste_melding", _T, "omvang", "Eerste melding",
           ("eerste melding", "eerste keer", "voor het eerst")),
    Factor("recidive", _V, "omvang", "Recidive",
           ("recidive", "opnieuw", "weer gemeld", "eerder een pv", "tweede keer")),
    Factor("halt_eerder_gehad", _V, "omvang", "Halt eerder gehad",
           ("eerder halt", "halt gehad", "al bij halt", "halt al", "had al halt",
            "halt heeft hij al", "halt heeft ze al")),
    Factor("bijna_18", _V, "leeftijd", "Bijna 18",
           ("bijna 18", "wordt 18", "bijna achttien", "17 jaar", "17-jarige")),
    Factor("jonger_dan_12", _C, "leeftijd", "Jonger dan 12",
           ("basisschool", "jonger dan 12", "kleuter", "groep 1 ", "groep 2 ", "groep 3 ",
            "groep 4 ", "groep 5 ", "groep 6 ", "groep 7 ", "groep 8 ")),
    Factor("motivatie_zonder_zorg", _V, "verwijtbaarheid", "Motivatie zonder zorgen",
           ("geen zin", "ongemotiveerd", "geen motivatie", "uitslapen")),
    Factor("advies_pv", _V, "keten", "Advies: pv",
           ("adviseert een pv", "adviseert pv", "adviseert: pv", "advies pv", "raadt een pv aan",
            "raadt pv aan")),
    Factor("advies_geen_pv", _T, "keten", "Advies: geen pv",
           ("advies geen pv", "adviseert geen pv", "adviseert te wachten")),
    Factor("school_onvoldoende_gedaan", _T, "keten", "School deed onvoldoende",
           ("school deed weinig", "school onvoldoende", "school heeft niets")),
    Factor("late_melding_school", _C, "keten", "Late melding door school",
           ("late melding", "laat gemeld", "te laat gemeld", "meldt pas ", "meldde pas ",
            "pas nu gemeld")),
    Factor("gemeentebeleid_terughoudend", _C, "keten", "Gemeentebeleid terughoudend",
           ("gemeentebeleid", "beleid van de gemeente", "beleid van onze gemeente",
            "terughoudend")),
    Factor("luxe_herhaald", _V, "luxe", "Luxe verzuim herhaald",
           ("weer op vakantie", "opnieuw vakantie", "vorig jaar ook", "tweede keer vakantie")),
    Factor("luxe_eerste_keer", _T, "luxe", "Luxe verzuim eerste keer",
           ("eerder op vakantie", "vakantie", "vliegtickets", "bruiloft", "skivakantie",
            "wintersport")),
)

FACTOR_BY_CODE: dict[str, Factor] = {f.code: f for f in FACTOREN}

# fmt: on


def factor_richting(code: str) -> Richting:
    return FACTOR_BY_CODE[code].richting


LABELS: dict[str, dict[str, str]] = {
    "bron": {
        "leerplicht": "Leerplicht",
        "om": "OM",
        "rvdk": "RvdK",
        "halt": "Halt",
        "intervisie": "Intervisie",
        "onderzoek": "Onderzoek",
    },
    "geslacht": {"m": "jongen", "v": "meisje", "x": "x", "onbekend": "onbekend"},
    "onderwijs": {
        "po": "Primair onderwijs",
        "so": "Speciaal onderwijs",
        "vso": "Voortgezet speciaal onderwijs",
        "pro": "Praktijkonderwijs",
        "vmbo": "Vmbo",
        "havo_vwo": "Havo/vwo",
        "mbo": "Mbo",
        "isk": "Internationale schakelklas",
        "vavo": "Vavo",
        "geen": "Niet ingeschreven",
        "anders": "Anders",
    },
    "gezinssituatie": {
        "tweeouder": "Tweeoudergezin",
        "eenouder": "Eenoudergezin",
        "samengesteld": "Samengesteld gezin",
        "pleeggezin": "Pleeggezin",
        "instelling": "Instelling",
        "zelfstandig": "Zelfstandig",
        "onbekend": "Onbekend",
    },
    "verzuim_soort": {
        "relatief": "Relatief verzuim",
        "absoluut": "Absoluut verzuim",
        "luxe": "Luxe verzuim",
        "te_laat": "Te laat komen",
        "signaal": "Signaalverzuim",
        "langdurig_relatief": "Langdurig relatief verzuim",
    },
    "melding": {
        "16u_4w": "16 uur in 4 weken",
        "vervolgmelding": "Vervolgmelding",
        "lrv": "Langdurig relatief verzuim",
        "overig": "Overig verzuim",
    },
    "problematiek": {
        "thuissituatie": "Thuissituatie",
        "opvoedingsonmacht": "Opvoedingsonmacht",
        "psychisch": "Psychisch",
        "lichamelijk": "Lichamelijk",
        "stoornis": "Stoornis",
        "verslaving": "Verslaving",
        "financieel": "Financieel",
        "schoolmotivatie": "Schoolmotivatie",
        "leerproblemen": "Leerproblemen",
        "passend_onderwijs": "Passend onderwijs",
        "criminaliteit": "Criminaliteit",
        "huiselijk_geweld": "Huiselijk geweld",
        "zorgmijding": "Zorgmijding",
        "mantelzorg": "Mantelzorg",
        "werk": "Werk",
        "migratie": "Migratie",
    },
    "route": {
        "basisroute": "Basisroute",
        "vrijwillige_hulp": "Vrijwillige hulp",
        "halt": "Halt",
        "civiel": "Civiel",
        "strafrechtelijk": "Strafrechtelijk",
        "combinatie": "Combinatie",
    },
    "interventie": {
        "kennisgevingsbrief": "Kennisgevingsbrief",
        "gesprek": "Gesprek",
        "waarschuwing": "Waarschuwing",
        "afspraken_school": "Afspraken met school",
        "mdo": "MDO",
        "zat": "ZAT",
        "jeugdarts": "Jeugdarts",
        "verwijzing_wijkteam": "Verwijzing wijkteam",
        "zorgmelding": "Zorgmelding (Veilig Thuis)",
        "halt": "Halt",
        "rvdk_advies": "Advies RvdK",
        "vtb": "Verzoek tot beschermingsonderzoek",
        "raadsonderzoek": "Raadsonderzoek",
        "jco": "JCO",
        "ijo": "IJO",
        "onderwijsconsulent": "Onderwijsconsulent",
        "maatwerktraject": "Maatwerktraject",
        "ipa": "IPA",
    },
    "besluit": {"pv": "Pv", "halt": "Halt", "geen_pv": "Geen pv", "aangehouden": "Aangehouden"},
    "pv_tegen": {"ouders": "ouders", "jongere": "jongere"},
    "partij": {
        "om": "OM",
        "rvdk": "RvdK",
        "halt": "Halt",
        "jeugdreclassering": "Jeugdreclassering",
        "leerplicht": "Leerplicht",
        "school": "School",
        "jeugdzorg": "Jeugdzorg",
        "politie": "Politie",
    },
    "oordeel": {"eens": "eens", "oneens": "oneens", "aanvullend": "aanvullend"},
    "moment": {"vooraf": "vooraf", "achteraf": "achteraf"},
    "maatregel": {
        "geen": "Geen",
        "halt_afgerond": "Halt afgerond",
        "halt_negatief": "Halt negatief",
        "sepot": "Sepot",
        "voorwaardelijk_sepot": "Voorwaardelijk sepot",
        "transactie": "Transactie",
        "strafbeschikking": "Strafbeschikking",
        "otp": "OTP-zitting",
        "kantonrechter": "Kantonrechter",
        "werkstraf": "Werkstraf",
        "leerstraf": "Leerstraf",
        "geldboete": "Geldboete",
        "jeugdreclassering": "Jeugdreclassering",
        "raadsonderzoek": "Raadsonderzoek",
        "ots": "Ondertoezichtstelling",
        "vrijwillige_hulp": "Vrijwillige hulp",
        "onderwijsplek": "Onderwijsplek",
    },
    "verzuim_na": {
        "gestopt": "Gestopt",
        "verminderd": "Verminderd",
        "onveranderd": "Onveranderd",
        "toegenomen": "Toegenomen",
        "onbekend": "Onbekend",
    },
    "onderwijs_na": {
        "zelfde_school": "Zelfde school",
        "andere_school": "Andere school",
        "ander_onderwijs": "Ander onderwijs",
        "thuiszitter": "Thuiszitter",
        "uitgeschreven": "Uitgeschreven",
        "18_geworden": "18 geworden",
        "onbekend": "Onbekend",
    },
    "factor": {f.code: f.label for f in FACTOREN},
    # Themes are free tags (`Casus.themas`); these are the ones the seed cases use, in
    # alphabetical order of their label. An unknown theme shows as its code.
    "thema": {
        "absoluut-verzuim": "Absoluut verzuim",
        "bijna-18": "Bijna 18",
        "chronisch-ziek": "Chronisch ziek",
        "criminaliteit": "Criminaliteit",
        "pv-effect": "Effect van een pv",
        "halt-negatief": "Halt negatief",
        "halt-of-pv": "Halt of pv",
        "keten-oneens": "Keten oneens",
        "kwalificatieplicht": "Kwalificatieplicht",
        "luxe-verzuim": "Luxe verzuim",
        "mantelzorg": "Mantelzorg",
        "nieuwkomers": "Nieuwkomers",
        "onveilig-thuis": "Onveilig thuis",
        "ouders-of-jongere": "Ouders of jongere",
        "passend-onderwijs": "Passend onderwijs",
        "primair-onderwijs": "Primair onderwijs",
        "schoolweigering": "Schoolweigering",
        "te-laat": "Te laat komen",
        "thuiszitters": "Thuiszitters",
        "wachtlijst": "Wachtlijst",
        "zorg-en-straf": "Zorg en straf",
    },
    # Not in the exchange format: where a case stands in review (kb.review).
    "status": {
        "concept": "Concept",
        "ter_review": "Ter review",
        "gepubliceerd": "Gepubliceerd",
    },
}


def label(soort: str, code: str | None) -> str:
    """Dutch label for a code; the code itself when it has none (never raises in a template)."""
    if code is None:
        return ""
    return LABELS.get(soort, {}).get(code, code)
