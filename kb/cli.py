"""`kb`: the command line of Casusbank Leerplicht.

Each command is a thin shell over the same service functions the web app
uses (`kb.service.Casusbank`, `search.service`), so what works here works there.
"""

from __future__ import annotations

import atexit
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from kb import cli_nl
from kb.service import EXPORT_FORMATEN, Casusbank, GeweigerdeCasus
from kb.store import FilterFout, Filters

cli_nl.installeer()
app = typer.Typer(
    help=(
        "Casusbank Leerplicht: geanonimiseerde casussen (precedenten) voor de pv-afweging "
        "bij schoolverzuim. Gegevens staan in $KB_DATA_DIR (standaard ./data)."
    ),
    no_args_is_help=True,
    add_completion=False,
)


def _fout(melding: str, code: int = 1) -> typer.Exit:
    typer.secho(melding, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


class _Voortgang:
    """Progress on stderr for long work; quiet for a handful of cases."""

    def __init__(self, drempel: int = 20) -> None:
        self.drempel = drempel
        self.laatste: dict[str, float] = {}

    def __call__(self, stap: str, gedaan: int, totaal: int) -> None:
        if totaal < self.drempel:
            return
        nu = time.monotonic()
        if gedaan < totaal and nu - self.laatste.get(stap, 0.0) < 1.0:
            return
        self.laatste[stap] = nu
        typer.echo(f"  {stap}: {gedaan}/{totaal}", err=True)


def _kb() -> Casusbank:
    kb = Casusbank()
    # Close the pool's connections on exit: psycopg warns about every one left open.
    atexit.register(kb.engine.dispose)
    return kb


def _plek(kb: Casusbank) -> str:
    """Where the knowledge base is: the data directory, or the database (no password)."""
    url = kb.engine.url
    if url.get_backend_name() == "sqlite":
        return str(kb.settings.data_dir)
    return f"{url.render_as_string(hide_password=True)} (zoekindex in {kb.settings.data_dir})"


@app.command()
def init() -> None:
    """Maak de kennisbank aan en laad de voorbeeldcasussen als hij nog leeg is."""
    _vul_met_voorbeelden(_kb())


def _vul_met_voorbeelden(kb: Casusbank) -> None:
    try:
        rapport = kb.seed_if_empty(voortgang=_Voortgang())
    except GeweigerdeCasus as exc:
        fouten = "\n".join(exc.fouten)
        raise _fout(f"De voorbeeldcasussen konden niet geladen worden:\n{fouten}") from exc
    if rapport is None:
        typer.echo(f"Kennisbank in {_plek(kb)} bevat al {kb.count()} casussen.")
    else:
        typer.echo(
            f"Kennisbank aangemaakt in {_plek(kb)} met {kb.count()} voorbeeldcasussen."
        )


@app.command("import")
def import_(
    paden: Annotated[list[Path], typer.Argument(help="YAML-, JSON- of JSONL-bestanden of mappen")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Alleen controleren, niets opslaan")
    ] = False,
    concept: Annotated[
        bool,
        typer.Option(
            "--concept",
            "--ter-review",
            help="Ter review aanbieden: de redactie publiceert ze (wachtrij in de webapp)",
        ),
    ] = False,
) -> None:
    """Importeer casussen (upsert op ref), direct gepubliceerd. Eén foute: niets opgeslagen."""
    from kb.vocabulary import Status

    kb = _kb()
    # Straight into the redactie's review queue: as plain concepts, without an author
    # account, nobody would find them.
    status = Status.ter_review if concept else Status.gepubliceerd
    rapport = kb.import_files(paden, dry_run=dry_run, voortgang=_Voortgang(), status=status)
    if not rapport.ok:
        typer.secho(
            f"Niets opgeslagen: {len(rapport.fouten)} fout(en) gevonden.", fg="red", err=True
        )
        for fout in rapport.fouten:
            typer.echo(f"  {fout}", err=True)
        raise typer.Exit(1)
    if dry_run:
        n = len(rapport.cases)
        typer.echo(f"Controle geslaagd: {n} {'casus' if n == 1 else 'casussen'} in orde "
                   "(niets opgeslagen).")
        return
    assert rapport.opgeslagen is not None
    opgeslagen = rapport.opgeslagen
    ongewijzigd = len(opgeslagen.ongewijzigd)
    typer.echo(
        f"{len(opgeslagen.nieuw)} nieuwe en {len(opgeslagen.bijgewerkt)} "
        f"bijgewerkte casussen opgeslagen"
        + (" ter review (wachtrij van de redactie in de webapp)" if concept else ", gepubliceerd")
        + (f"; {ongewijzigd} al zo opgeslagen en ongewijzigd gelaten" if ongewijzigd else "")
        + f"; de kennisbank bevat er nu {kb.count()}."
    )
    if opgeslagen.uit_publicatie:
        n = len(opgeslagen.uit_publicatie)
        typer.secho(
            f"Let op: {n} gepubliceerde {'casus staat' if n == 1 else 'casussen staan'} nu "
            f"ter review en {'is' if n == 1 else 'zijn'} tot publicatie niet te vinden: "
            + ", ".join(opgeslagen.uit_publicatie),
            fg="yellow",
        )


@app.command()
def export(
    formaat: Annotated[
        str, typer.Option("--format", "-f", help="yaml, json of jsonl")
    ] = "yaml",
    uitvoer: Annotated[
        Path | None, typer.Option("--output", "-o", help="Bestand; zonder: standaarduitvoer")
    ] = None,
    filter_: Annotated[
        list[str] | None, typer.Option("--filter", help="veld=waarde, bijv. afweging.besluit=pv")
    ] = None,
    met_concepten: Annotated[
        bool, typer.Option("--met-concepten", help="Ook concepten (voor een reservekopie)")
    ] = False,
) -> None:
    """Exporteer de gepubliceerde casussen; `kb import` leest dit ongewijzigd terug."""
    if formaat not in EXPORT_FORMATEN:
        raise _fout(f"Onbekend formaat '{formaat}'; kies uit {', '.join(EXPORT_FORMATEN)}.")
    try:
        filters = Filters.parse(filter_ or [])
    except FilterFout as exc:
        raise _fout(str(exc)) from exc
    tekst = _kb().export(formaat, filters, met_concepten=met_concepten)
    if uitvoer is None:
        sys.stdout.write(tekst)
        return
    tmp = uitvoer.with_name(uitvoer.name + ".tmp")
    tmp.write_text(tekst, encoding="utf-8")
    tmp.replace(uitvoer)
    typer.echo(f"Export geschreven naar {uitvoer}.", err=True)


@app.command("check-anonymity")
def check_anonymity(
    paden: Annotated[list[Path], typer.Argument(help="Casusbestanden of platte tekst (.txt)")],
) -> None:
    """Controleer bestanden op persoonsgegevens, zonder iets op te slaan."""
    from ingest.anonymity import get_guard, tekstvelden
    from ingest.loader import BestandFout, expand_paths, read_file

    guard = get_guard()
    gevonden = niet_gecontroleerd = 0
    for pad in expand_paths(paden):
        if pad.suffix.lower() == ".txt":
            for b in guard.check_text(pad.read_text(encoding="utf-8")):
                typer.echo(f"{pad.name}: {b.label} '{b.tekst}'")
                gevonden += 1
            continue
        try:
            ruwe = read_file(pad)
        except BestandFout as exc:
            raise _fout(str(exc)) from exc
        for ruw in ruwe:
            if not isinstance(ruw.data, dict) or not tekstvelden(ruw.data):
                # Not a case: none of its text would be read, so it may not pass as clean.
                typer.echo(f"{ruw.plaats()}: geen casus, niet gecontroleerd")
                niet_gecontroleerd += 1
                continue
            for veld in guard.check_case(ruw.data):
                typer.echo(f"{ruw.plaats()}: {veld.veld}: {veld.melding()}")
                gevonden += 1
    if gevonden:
        raise _fout(f"{gevonden} plaats(en) met mogelijke persoonsgegevens gevonden.")
    if niet_gecontroleerd:
        raise _fout(
            f"{niet_gecontroleerd} item(s) zijn geen casus in het uitwisselingsformaat en zijn "
            "niet gecontroleerd; sla vrije tekst op als .txt om die te controleren."
        )
    typer.echo("Geen persoonsgegevens gevonden.")


@app.command("eval-anonymity")
def eval_anonymity(
    paden: Annotated[
        list[Path] | None,
        typer.Argument(help="Gelabelde sets (standaard: tests/data/anonimiteit*.yaml)"),
    ] = None,
) -> None:
    """Meet de anonimiteitscontrole: recall en vals-positieven op een gelabelde set."""
    from ingest.evaluate import STANDAARD_SETS, laad, meet, rapport

    for pad in paden or STANDAARD_SETS:
        typer.secho(f"{pad.name}:", bold=True)
        typer.echo(rapport(meet(laad(pad))))


@app.command("eval")
def eval_(
    teksten: Annotated[
        bool, typer.Option("--teksten", help="Vergelijk ook welke tekst er wordt ingebed")
    ] = False,
    vragen: Annotated[
        Path | None,
        typer.Option(
            "--vragen", help="Een andere set zoekvragen (standaard search/eval_queries.yaml)"
        ),
    ] = None,
) -> None:
    """Meet de zoekkwaliteit: nDCG@10, recall@10 en MRR per modus op search/eval_queries.yaml
    (of op de set van --vragen, zoals search/eval_queries_2.yaml of _3.yaml)."""
    from kb.settings import Settings
    from search import herrangschikken
    from search.evaluate import (
        QUERIES,
        EvalFout,
        K,
        controleer_refs,
        eval_kb,
        evalueer,
        laad_queries,
        seed_refs,
        tekstvarianten,
    )
    from search.evaluate import vergelijk_teksten as vergelijk

    pad = vragen or QUERIES
    if not pad.is_file():
        raise _fout(f"Bestand met zoekvragen niet gevonden: {pad}")
    settings = Settings.from_env()
    try:
        queries = laad_queries(pad)
        controleer_refs(queries, seed_refs(settings.seeds_dir), pad.name)
    except EvalFout as exc:
        raise _fout(str(exc)) from exc
    typer.echo("Kennisbank met de voorbeeldcasussen klaarzetten...", err=True)
    kb = eval_kb(settings)
    typer.echo(
        f"{len(queries)} zoekvragen uit {pad.name} over {kb.count()} casussen "
        f"({kb.index.embedder.name})"
    )
    model = herrangschikken.voor(kb.index.embedder.name)
    typer.echo(f"{'modus':<12} nDCG@{K}  recall@{K}  MRR")
    for modus, m in evalueer(kb, queries).items():
        typer.echo(f"{modus:<12} {m.ndcg:.3f}    {m.recall:.3f}      {m.mrr:.3f}")
    if model is not None:
        with herrangschikken.gebruik(None):
            m = evalueer(kb, queries, modi=("hybrid",))["hybrid"]
        typer.echo(f"{'fusie':<12} {m.ndcg:.3f}    {m.recall:.3f}      {m.mrr:.3f}")
        uitleg = (
            "hybrid = de fusie herrangschikt (search/herrangschikker.json), "
            f"getraind op {model.getraind_op}"
        )
        if model.getraind_op == pad.name:
            uitleg += ": deze set, dus geen onafhankelijke meting"
        typer.echo(f"({uitleg})")
    if teksten:
        typer.echo(f"\nAlleen dense, per keuze van de ingebedde tekst:\n{'tekst':<46} nDCG@{K}")
        for naam, m in vergelijk(kb, queries, tekstvarianten()).items():
            typer.echo(f"{naam:<46} {m.ndcg:.3f}")


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_resultaten(result: dict, factorkop: str = "Factoren in de vraag") -> None:
    from kb.vocabulary import label
    from search.explain import plain

    herkend = [f["code"] for f in result.get("factoren", [])]
    if herkend:
        typer.echo(f"{factorkop}: " + ", ".join(label("factor", f) for f in herkend))
    for afkorting, voluit in result.get("uitgeschreven", {}).items():
        typer.echo(f"{afkorting} gelezen als {voluit} (geen casus gebruikt de afkorting)")
    if not result["results"]:
        typer.echo("Geen vergelijkbare casussen gevonden.")
        return
    for nr, r in enumerate(result["results"], start=1):
        tegen = f" tegen {' en '.join(r['pv_tegen'])}" if r["pv_tegen"] else ""
        typer.secho(
            f"{nr:>2}. {r['ref']}  {r['titel']}", bold=True
        )
        typer.echo(
            f"    besluit: {label('besluit', r['besluit'])}{tegen}"
            f" · route {label('route', r['route'])}"
            f" · {r['leeftijd']} jaar, {label('onderwijs', r['onderwijs'])}"
            f" · score {r['score']:.4f}"
        )
        for kop, lijst in (("gedeeld", r["gedeelde_factoren"]),
                           ("alleen in precedent", r["alleen_in_precedent"])):
            if lijst:
                typer.echo(f"    {kop}: " + ", ".join(
                    f"{f['label']} ({f['richting_label']})" for f in lijst))
        if r.get("gedeelde_themas"):
            typer.echo(
                f"    zelfde thema als de beste treffer ({r.get('thema_van')}): "
                + ", ".join(label("thema", t) for t in r["gedeelde_themas"])
            )
        na = r["uitkomst"].get("verzuim_na")
        if na:
            typer.echo(f"    verzuim daarna: {label('verzuim_na', na)}")
        if r["snippet"]:
            typer.echo(f"    «{plain(r['snippet'])}»")
    typer.echo("")
    typer.secho(result["samenvatting"]["tekst"], fg=typer.colors.CYAN)


def _zoek_of_fout(functie, *args, **kwargs):  # type: ignore[no-untyped-def]
    from search.embedder import EmbedderFout
    from search.service import ZoekFout

    try:
        return functie(*args, **kwargs)
    except (ZoekFout, FilterFout, EmbedderFout) as exc:
        raise _fout(str(exc)) from exc


@app.command()
def search(
    tekst: Annotated[str, typer.Argument(help="De casus in eigen woorden; \"frase\" = verplicht")],
    filter_: Annotated[
        list[str] | None,
        typer.Option("--filter", help="veld=waarde, bijv. leerling.leeftijd=12-16 of route=halt"),
    ] = None,
    factor: Annotated[list[str] | None, typer.Option("--factor", help="factorcode")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n")] = 10,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, dense of bm25")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Eén JSON-object")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV, als de download op de site")] = False,
) -> None:
    """Zoek vergelijkbare casussen bij een twijfelgeval."""
    from search.service import Zoekvraag, zoek

    filters = _zoek_of_fout(Filters.parse, filter_ or [])
    vraag = Zoekvraag(tekst=tekst, filters=filters, factoren=factor or [], limit=limit, modus=mode)
    kb = _kb()
    result = _zoek_of_fout(zoek, kb, vraag)
    leeg = not result["results"] and kb.count() == 0
    if leeg:
        # Not "nothing similar": there is nothing at all. On stderr, so --json stays clean.
        waar = (
            f"in {kb.settings.data_dir}"
            if kb.settings.database_url.startswith("sqlite")
            else "in de database van KB_DATABASE_URL"
        )
        typer.echo(
            f"De kennisbank {waar} is leeg. Laad de voorbeeldcasussen met `kb init` "
            "of importeer casussen met `kb import`.",
            err=True,
        )
    if as_csv:
        from search.export import als_csv

        sys.stdout.write(als_csv(result))
    elif as_json:
        _print_json(result)
    elif not leeg:
        _print_resultaten(result)


@app.command()
def similar(
    ref: str,
    limit: Annotated[int, typer.Option("--limit", "-n")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Casussen die lijken op een opgeslagen casus."""
    from search.service import vergelijkbaar

    result = _zoek_of_fout(vergelijkbaar, _kb(), ref, limit)
    if as_json:
        _print_json(result)
    else:
        _print_resultaten(result, factorkop=f"Factoren van {ref}")


@app.command()
def reindex() -> None:
    """Bouw de zoekindex opnieuw op uit de database."""
    kb = _kb()
    start = time.monotonic()
    stats = kb.index.sync(voortgang=_Voortgang(), force=True)
    typer.echo(
        f"Zoekindex opnieuw opgebouwd: {stats['totaal']} casussen in "
        f"{time.monotonic() - start:.1f} s ({kb.index.embedder.name})."
    )


def main() -> None:  # pragma: no cover - console entry point
    app()


# --- accounts ----------------------------------------------------------------

user_app = typer.Typer(help="Accounts: aanmaken, wachtwoord zetten, uitschakelen.",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")


def _lees_wachtwoord(naam: str, genereer: bool) -> tuple[str, bool]:
    """A password from a hidden prompt (twice), from stdin when piped, or generated.

    Never as an argument: those end up in the shell history and the process list.
    """
    from kb import accounts

    if genereer:
        return accounts.nieuw_wachtwoord(), True
    if sys.stdin.isatty():
        wachtwoord = typer.prompt(f"Wachtwoord voor {naam}", hide_input=True,
                                  confirmation_prompt="Nog eens")
    else:
        wachtwoord = sys.stdin.readline().rstrip("\n")
    return wachtwoord, False


def _accountactie(functie, *args, **kwargs):  # type: ignore[no-untyped-def]
    from kb.accounts import AccountFout

    try:
        with _kb().session() as s:
            return functie(s, *args, **kwargs)
    except AccountFout as exc:
        raise _fout(str(exc)) from exc


@user_app.command("add")
def user_add(
    naam: str,
    rol: Annotated[
        str, typer.Option("--role", "--rol", help="leerplicht, keten, redactie, beheer")
    ],
    partij: Annotated[
        str | None, typer.Option("--partij", help="bij keten: om, rvdk, halt, jeugdreclassering")
    ] = None,
    genereer: Annotated[
        bool, typer.Option("--genereer", help="Maak een eenmalig wachtwoord en toon het")
    ] = False,
) -> None:
    """Maak een account. Het wachtwoord wordt gevraagd (of via stdin gelezen)."""
    from kb import accounts
    from kb.toegang import SYSTEEM

    wachtwoord, eenmalig = _lees_wachtwoord(naam, genereer)
    _accountactie(accounts.maak, naam, rol, wachtwoord, partij=partij, moet_wijzigen=eenmalig,
                  door=SYSTEEM)
    typer.echo(f"Account '{naam}' ({rol}{', ' + partij if partij else ''}) aangemaakt.")
    if eenmalig:
        typer.echo(f"Eenmalig wachtwoord: {wachtwoord}  (bij de eerste keer inloggen wijzigen)")


@user_app.command("passwd")
def user_passwd(
    naam: str,
    genereer: Annotated[
        bool, typer.Option("--genereer", help="Maak een eenmalig wachtwoord en toon het")
    ] = False,
) -> None:
    """Zet een nieuw wachtwoord; alle sessies van het account eindigen."""
    from kb import accounts
    from kb.toegang import SYSTEEM

    wachtwoord, eenmalig = _lees_wachtwoord(naam, genereer)
    _accountactie(accounts.zet_wachtwoord, naam, wachtwoord, moet_wijzigen=eenmalig, door=SYSTEEM)
    typer.echo(f"Wachtwoord van '{naam}' gewijzigd.")
    if eenmalig:
        typer.echo(f"Eenmalig wachtwoord: {wachtwoord}  (bij de eerste keer inloggen wijzigen)")


@user_app.command("disable")
def user_disable(naam: str) -> None:
    """Schakel een account uit: inloggen, sessies en API-tokens werken meteen niet meer."""
    from kb import accounts
    from kb.toegang import SYSTEEM

    _accountactie(accounts.zet_actief, naam, False, door=SYSTEEM)
    typer.echo(f"Account '{naam}' uitgeschakeld.")


@user_app.command("enable")
def user_enable(naam: str) -> None:
    """Schakel een uitgeschakeld account weer in."""
    from kb import accounts
    from kb.toegang import SYSTEEM

    _accountactie(accounts.zet_actief, naam, True, door=SYSTEEM)
    typer.echo(f"Account '{naam}' weer ingeschakeld.")


@user_app.command("list")
def user_list() -> None:
    """Toon alle accounts."""
    from kb import accounts

    with _kb().session() as s:
        for g in accounts.alle(s):
            status = "actief" if g.actief else "uitgeschakeld"
            rol = f"{g.rol} ({g.partij})" if g.partij else g.rol
            typer.echo(f"{g.naam:<24} {rol:<28} {status}")


@app.command("audit")
def audit_(
    uitvoer: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV-bestand; zonder: standaarduitvoer")
    ] = None,
) -> None:
    """Exporteer het auditlog als CSV (wie, wat, wanneer; zonder casustekst)."""
    from kb import audit
    from kb.toegang import SYSTEEM

    with _kb().session() as s:
        regels = audit.lees(s, limit=None).regels
        audit.schrijf(s, "audit_geexporteerd", SYSTEEM, details=f"{len(regels)} regels")
    tekst = audit.als_csv(regels)
    if uitvoer is None:
        sys.stdout.write(tekst)
    else:
        uitvoer.write_text(tekst, encoding="utf-8")
        typer.echo(f"Auditlog geschreven naar {uitvoer}.", err=True)


def _eerste_beheerder(kb: Casusbank) -> None:
    """A fresh knowledge base gets a beheer account, so the first visit can log in."""
    import os

    from kb import accounts
    from kb.toegang import SYSTEEM

    with kb.session() as s:
        if accounts.aantal(s) > 0:
            return
        gegeven = os.environ.get("KB_ADMIN_PASSWORD")
        wachtwoord = gegeven or accounts.nieuw_wachtwoord()
        naam = os.environ.get("KB_ADMIN_USER", "beheer")
        try:
            accounts.maak(s, naam, "beheer", wachtwoord, moet_wijzigen=not gegeven, door=SYSTEEM)
        except accounts.AccountFout as exc:
            raise _fout(f"KB_ADMIN_PASSWORD: {exc}") from exc
    typer.secho(f"Eerste beheeraccount aangemaakt: gebruikersnaam '{naam}'.", bold=True)
    if not gegeven:
        typer.secho(
            f"Eenmalig wachtwoord: {wachtwoord}\n"
            "  (wordt niet opnieuw getoond; kies na het inloggen een eigen wachtwoord)",
            bold=True,
        )


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Adres om op te luisteren; 0.0.0.0 = vanaf het hele netwerk")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort")] = 8000,
) -> None:
    """Start de webapp. Een lege kennisbank krijgt eerst de voorbeeldcasussen."""
    import uvicorn

    from ingest.anonymity import get_guard
    from web.app import create_app

    kb = _kb()
    if kb.count() == 0:
        typer.echo("Lege kennisbank: voorbeeldcasussen laden (eenmalig, enkele minuten).")
    _vul_met_voorbeelden(kb)
    _eerste_beheerder(kb)
    typer.echo("Zoekmodel en anonimiteitscontrole laden…")
    # Loaded now, so the first search and the first live check do not keep the user waiting.
    _zoek_of_fout(kb.index.ensure_current)
    get_guard()
    adres = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.secho(f"Open http://{adres}:{port}/ in de browser (stoppen: Ctrl+C).", bold=True)
    uvicorn.run(create_app(kb), host=host, port=port, log_level="warning")
