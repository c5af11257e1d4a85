"""Import is all-or-nothing and says exactly why; export imports back unchanged."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kb.cli import app
from kb.service import Casusbank, serialise
from kb.store import get_row
from tests.test_schema import VOORBEELD

runner = CliRunner()


def variant(nr: int, **extra: Any) -> dict[str, Any]:
    data = copy.deepcopy(VOORBEELD)
    data["ref"] = f"TST-{nr:03d}"
    data["titel"] = f"Testcasus nummer {nr}"
    data.update(extra)
    return data


def schrijf(pad: Path, items: list[dict[str, Any]], formaat: str = "yaml") -> Path:
    pad.write_text(serialise(items, formaat), encoding="utf-8")
    return pad


def test_import_stores_cases_from_yaml_json_and_jsonl(empty_kb: Casusbank, tmp_path: Path) -> None:
    bestanden = [
        schrijf(tmp_path / "a.yaml", [variant(1)]),
        schrijf(tmp_path / "b.json", [variant(2), variant(3)], "json"),
        schrijf(tmp_path / "c.jsonl", [variant(4)], "jsonl"),
    ]
    rapport = empty_kb.import_files(bestanden)
    assert rapport.ok, rapport.fouten
    assert empty_kb.count() == 4
    assert empty_kb.get("TST-003").titel == "Testcasus nummer 3"


def test_a_single_case_object_in_json_is_accepted(empty_kb: Casusbank, tmp_path: Path) -> None:
    pad = tmp_path / "een.json"
    pad.write_text(json.dumps(variant(1)), encoding="utf-8")
    assert empty_kb.import_files([pad]).ok
    assert empty_kb.count() == 1


def test_import_refuses_whole_file_when_one_case_is_invalid(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    slecht = variant(3, afweging={**VOORBEELD["afweging"], "besluit": "geen_pv"})
    pad = schrijf(tmp_path / "cases.yaml", [variant(1), variant(2), slecht])
    rapport = empty_kb.import_files([pad])
    assert rapport.fouten == [
        "cases.yaml: casus 3 (ref TST-003): afweging.pv_tegen: "
        "alleen toegestaan bij besluit pv of halt"
    ]
    assert empty_kb.count() == 0


def test_import_refuses_everything_when_one_file_of_several_is_bad(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    goed = schrijf(tmp_path / "goed.yaml", [variant(1)])
    kapot = tmp_path / "kapot.yaml"
    kapot.write_text("- ref: TST-9\n  titel: [niet afgesloten\n", encoding="utf-8")
    rapport = empty_kb.import_files([goed, kapot])
    assert not rapport.ok
    assert rapport.fouten[0].startswith("kapot.yaml: geen geldige YAML (regel")
    assert empty_kb.count() == 0


def test_import_lists_every_error_not_just_the_first(empty_kb: Casusbank, tmp_path: Path) -> None:
    pad = schrijf(
        tmp_path / "cases.yaml",
        [variant(1, route="zorg"), variant(2), variant(3, schooljaar="2023-2025", tittel="x")],
    )
    fouten = empty_kb.import_files([pad]).fouten
    assert len(fouten) == 3
    assert fouten[0].startswith("cases.yaml: casus 1 (ref TST-001): route: ongeldige waarde 'zorg'")
    assert any(
        f.startswith("cases.yaml: casus 3 (ref TST-003): tittel: onbekend veld") for f in fouten
    )
    assert any(f.startswith("cases.yaml: casus 3 (ref TST-003): schooljaar:") for f in fouten)


def test_import_refuses_a_leaked_name_and_says_which_field_and_words(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    lek = variant(2, lessen="Achteraf had mevrouw Yilmaz eerder gebeld moeten worden.")
    pad = schrijf(tmp_path / "cases.yaml", [variant(1), lek])
    fouten = empty_kb.import_files([pad]).fouten
    assert len(fouten) == 1
    assert fouten[0].startswith(
        "cases.yaml: casus 2 (ref TST-002): lessen: mogelijk persoonsgegevens"
    )
    assert "'mevrouw Yilmaz'" in fouten[0]
    assert empty_kb.count() == 0


def test_a_ref_twice_in_one_import_is_refused(empty_kb: Casusbank, tmp_path: Path) -> None:
    pad = schrijf(tmp_path / "dubbel.yaml", [variant(1), variant(1)])
    fouten = empty_kb.import_files([pad]).fouten
    assert fouten == [
        "dubbel.yaml: casus 2 (ref TST-001): ref komt al voor in dubbel.yaml: casus 1 (ref TST-001);"
        " een ref mag in één import maar één keer voorkomen"
    ]


def test_refs_that_differ_only_in_surrounding_spaces_are_one_ref(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    """Validation strips the spaces; once the database refused the second as a duplicate,
    with a Python traceback."""
    pad = schrijf(tmp_path / "spaties.json", [variant(1), variant(1, ref="TST-001 ")], "json")
    fouten = empty_kb.import_files([pad]).fouten
    assert len(fouten) == 1 and "ref komt al voor in spaties.json: casus 1" in fouten[0]
    assert empty_kb.count() == 0


@pytest.mark.parametrize("formaat", ["json", "jsonl", "yaml"])
def test_a_file_with_a_byte_order_mark_is_read(
    empty_kb: Casusbank, tmp_path: Path, formaat: str
) -> None:
    """Windows editors and Excel write UTF-8 with a BOM."""
    pad = tmp_path / f"bom.{formaat}"
    pad.write_text(serialise([variant(1)], formaat), encoding="utf-8-sig")
    rapport = empty_kb.import_files([pad])
    assert rapport.fouten == [] and empty_kb.count() == 1


def test_a_text_over_its_length_is_refused_for_its_length_alone(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    """Megabytes are not first searched for names: the length refuses them anyway."""
    lang = "Daarna belde Samira zelf. " * 400
    pad = schrijf(tmp_path / "lang.yaml", [variant(1, beschrijving=lang)])
    fouten = empty_kb.import_files([pad]).fouten
    assert len(fouten) == 1 and "beschrijving: te lang: hoogstens 6000 tekens" in fouten[0]


def test_an_import_without_cases_names_the_files_it_read(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    (tmp_path / "leeg.yaml").write_text("", encoding="utf-8")
    assert empty_kb.import_files([tmp_path / "leeg.yaml"]).fouten == [
        "geen casussen gevonden in leeg.yaml"
    ]
    map_ = tmp_path / "map"
    map_.mkdir()
    (map_ / "notitie.txt").write_text("geen casus", encoding="utf-8")
    assert empty_kb.import_files([map_]).fouten == [
        "geen casussen gevonden: geen .yaml-, .yml-, .json- of .jsonl-bestanden"
    ]


def test_a_key_twice_in_one_yaml_case_is_refused(empty_kb: Casusbank, tmp_path: Path) -> None:
    pad = tmp_path / "x.yaml"
    pad.write_text(yaml.safe_dump([variant(1)]).replace("route:", "route: halt\n  route:"), "utf-8")
    fouten = empty_kb.import_files([pad]).fouten
    assert "staat twee keer" in fouten[0]


def test_an_unquoted_date_like_schooljaar_is_not_silently_converted(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    pad = tmp_path / "x.yaml"
    tekst = yaml.safe_dump([variant(1)], allow_unicode=True).replace(
        "schooljaar: 2023-2024", "schooljaar: 2024-03-12"
    )
    pad.write_text(tekst, encoding="utf-8")
    fouten = empty_kb.import_files([pad]).fouten
    assert "'2024-03-12' is geen schooljaar" in fouten[0]


def test_import_is_an_upsert_on_ref(empty_kb: Casusbank, tmp_path: Path) -> None:
    assert empty_kb.import_files([schrijf(tmp_path / "a.yaml", [variant(1)])]).ok
    nieuw = variant(1, titel="Bijgewerkte titel van de casus")
    rapport = empty_kb.import_files([schrijf(tmp_path / "b.yaml", [nieuw, variant(2)])])
    assert rapport.ok and rapport.opgeslagen is not None
    assert (len(rapport.opgeslagen.nieuw), len(rapport.opgeslagen.bijgewerkt)) == (1, 1)
    assert empty_kb.count() == 2
    assert empty_kb.get("TST-001").titel == "Bijgewerkte titel van de casus"


def test_importing_the_same_file_again_changes_nothing(
    empty_kb: Casusbank, tmp_path: Path
) -> None:
    pad = schrijf(tmp_path / "a.yaml", [variant(1), variant(2)])
    assert empty_kb.import_files([pad]).ok
    with empty_kb.session() as s:
        eerst = {ref: get_row(s, ref).gewijzigd for ref in ("TST-001", "TST-002")}
    rapport = empty_kb.import_files([pad])
    assert rapport.ok and rapport.opgeslagen is not None
    assert (rapport.opgeslagen.nieuw, rapport.opgeslagen.bijgewerkt) == ([], [])
    assert len(rapport.opgeslagen.ongewijzigd) == 2
    with empty_kb.session() as s:
        assert {ref: get_row(s, ref).gewijzigd for ref in eerst} == eerst


def test_an_export_with_app_commentaar_imports_back_as_unchanged(
    kb: Casusbank, tmp_path: Path
) -> None:
    """The export carries commentaar keten accounts wrote in the app; importing it back
    is no change to the case (and adds no second copy of that commentaar)."""
    from kb import ketenoverleg
    from tests.conftest import gebruiker

    ketenoverleg.voeg_toe(
        kb, "SEED-001", gebruiker(kb, "om"), oordeel="oneens", moment="achteraf",
        tekst="Hier had een pv tegen de ouders gepast.",
    )
    commentaar = kb.get("SEED-001").commentaar
    pad = tmp_path / "alles.yaml"
    pad.write_text(kb.export("yaml"), encoding="utf-8")
    rapport = kb.import_files([pad])
    assert rapport.ok and rapport.opgeslagen is not None
    assert (rapport.opgeslagen.nieuw, rapport.opgeslagen.bijgewerkt) == ([], [])
    assert len(rapport.opgeslagen.ongewijzigd) == kb.count()
    assert kb.get("SEED-001").commentaar == commentaar


def test_the_cli_says_an_unchanged_case_was_left_alone(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "data"))
    pad = schrijf(tmp_path / "a.yaml", [variant(1), variant(2)])
    assert runner.invoke(app, ["import", str(pad)]).exit_code == 0
    pad = schrijf(tmp_path / "a.yaml", [variant(1), variant(2, titel="Een andere titel hier")])
    result = runner.invoke(app, ["import", str(pad)])
    assert result.exit_code == 0, result.output
    assert "0 nieuwe en 1 bijgewerkte casussen opgeslagen, gepubliceerd; 1 al zo opgeslagen" in (
        result.output
    )


@pytest.mark.parametrize(
    ("tekst", "uitleg"),
    [
        ("- ref: A\n  titel: Moeder zegt: nee\n", "(regel 2): een dubbele punt"),
        ("- ref: A\n  titel: 'niet afgesloten\n  regio: X\n  bron: Y\n", "(regel 2): een tekst"),
        ("- ref: A\n\ttitel: tab\n", "spring in met spaties"),
        ("- ref: A\n  titel: 'm'n casus'\n", "'m''n'"),
        ("- ref: A\n  titel: *belangrijk*\n", "met * of & begint"),
    ],
)
def test_a_yaml_mistake_is_explained_in_dutch_with_its_line(
    empty_kb: Casusbank, tmp_path: Path, tekst: str, uitleg: str
) -> None:
    pad = tmp_path / "fout.yaml"
    pad.write_text(tekst, encoding="utf-8")
    [fout] = empty_kb.import_files([pad]).fouten
    assert fout.startswith("fout.yaml: geen geldige YAML (regel ")
    assert uitleg in fout and "YAML meldt:" in fout


def test_dry_run_checks_but_stores_nothing(empty_kb: Casusbank, tmp_path: Path) -> None:
    rapport = empty_kb.import_files([schrijf(tmp_path / "a.yaml", [variant(1)])], dry_run=True)
    assert rapport.ok and len(rapport.cases) == 1
    assert empty_kb.count() == 0


def test_unknown_file_type_is_named(empty_kb: Casusbank, tmp_path: Path) -> None:
    pad = tmp_path / "cases.csv"
    pad.write_text("ref;titel\n", encoding="utf-8")
    assert empty_kb.import_files([pad]).fouten == [
        "cases.csv: onbekend bestandstype '.csv'; gebruik .yaml, .yml, .json of .jsonl"
    ]


def test_export_imports_back_unchanged(kb: Casusbank, tmp_path: Path) -> None:
    export = kb.export("yaml")
    pad = tmp_path / "export.yaml"
    pad.write_text(export, encoding="utf-8")
    doel = copy_kb_empty(tmp_path / "doel")
    assert doel.import_files([pad]).ok
    assert doel.all() == kb.all()
    assert doel.export("yaml") == export


@pytest.mark.parametrize("formaat", ["json", "jsonl"])
def test_every_export_format_reads_back_as_the_same_cases(
    kb: Casusbank, tmp_path: Path, formaat: str
) -> None:
    pad = tmp_path / f"export.{formaat}"
    pad.write_text(kb.export(formaat), encoding="utf-8")
    rapport = copy_kb_empty(tmp_path / "doel").import_files([pad], dry_run=True)
    assert rapport.ok
    assert rapport.cases == kb.all()


def copy_kb_empty(pad: Path) -> Casusbank:
    from kb.settings import Settings

    return Casusbank(Settings.for_dir(pad))


def test_export_of_the_example_keeps_every_field(empty_kb: Casusbank, tmp_path: Path) -> None:
    pad = tmp_path / "voorbeeld.yaml"
    pad.write_text(yaml.safe_dump(VOORBEELD, allow_unicode=True), encoding="utf-8")
    assert empty_kb.import_files([pad]).ok
    terug = yaml.safe_load(empty_kb.export("yaml"))
    verwacht = copy.deepcopy(VOORBEELD)
    for veld in ("beschrijving",):
        verwacht[veld] = verwacht[veld].strip()
    verwacht["afweging"]["toelichting"] = verwacht["afweging"]["toelichting"].strip()
    assert terug == [verwacht]


def test_delete_removes_case_with_its_lists_and_commentaar(kb: Casusbank) -> None:
    ref = kb.all()[0].ref
    assert kb.delete(ref)
    assert kb.get(ref) is None
    assert not kb.delete(ref)


def test_cli_import_bad_file_exits_1_and_lists_errors(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "data"))
    pad = schrijf(tmp_path / "cases.yaml", [variant(1), variant(2, route="zorg")])
    result = runner.invoke(app, ["import", str(pad)])
    assert result.exit_code == 1
    assert "Niets opgeslagen: 1 fout(en) gevonden." in result.output
    assert "cases.yaml: casus 2 (ref TST-002): route: ongeldige waarde 'zorg'" in result.output


def test_cli_export_to_file_and_import_round_trip(
    kb: Casusbank, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("KB_DATA_DIR", str(kb.settings.data_dir))
    uit = tmp_path / "alles.jsonl"
    assert runner.invoke(app, ["export", "--format", "jsonl", "-o", str(uit)]).exit_code == 0
    assert len(uit.read_text(encoding="utf-8").splitlines()) == kb.count()
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "nieuw"))
    result = runner.invoke(app, ["import", "--dry-run", str(uit)])
    assert result.exit_code == 0, result.output
    assert f"Controle geslaagd: {kb.count()} casussen in orde (niets opgeslagen)." in result.output


def test_cli_export_filters_by_structured_field(kb: Casusbank, monkeypatch) -> None:
    monkeypatch.setenv("KB_DATA_DIR", str(kb.settings.data_dir))
    result = runner.invoke(app, ["export", "--format", "json", "--filter", "afweging.besluit=halt"])
    items = json.loads(result.stdout)
    assert items and all(c["afweging"]["besluit"] == "halt" for c in items)
    assert len(items) == len([c for c in kb.all() if c.afweging.besluit == "halt"])
