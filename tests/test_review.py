"""Review before publishing, commentaar of the chain partners, asking a partner, the audit log.

The service functions (kb.review, kb.ketenoverleg) against a real seeded
knowledge base: who may do what with one case, what others see before and
after publication, and what is recorded.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from sqlalchemy import text

from kb import audit, ketenoverleg, review
from kb.ketenoverleg import OngeldigeInvoer
from kb.review import NietGevonden, ReviewFout
from kb.service import Casusbank
from kb.toegang import Geweigerd
from search.service import Zoekvraag, vergelijkbaar, zoek
from tests.conftest import DATA, gebruiker

VOORBEELD: dict[str, Any] = yaml.safe_load((DATA / "voorbeeld.yaml").read_text(encoding="utf-8"))
REF = "REV-2024-001"


def nieuw(kb: Casusbank, door: str = "lp", **wijzigingen: Any) -> str:
    data = copy.deepcopy(VOORBEELD)
    data.update({"ref": REF, **wijzigingen})
    return kb.save(data, door=gebruiker(kb, door)).ref


def zichtbaar_in_zoeken(kb: Casusbank, naam: str, ref: str = REF) -> bool:
    vraag = Zoekvraag(tekst=VOORBEELD["beschrijving"], limit=100, kijker=gebruiker(kb, naam))
    return ref in [r["ref"] for r in zoek(kb, vraag)["results"]]


def publiceer(kb: Casusbank, ref: str = REF, door: str = "red") -> None:
    review.publiceer(kb, ref, gebruiker(kb, door), anonimiteit_bevestigd=True)


def test_a_case_written_in_the_app_is_a_concept_only_its_author_and_the_redactie_see(
    kb: Casusbank,
) -> None:
    nieuw(kb)
    assert review.info(kb, REF, gebruiker(kb, "lp")).status == "concept"
    assert review.info(kb, REF, gebruiker(kb, "red")).status == "concept"
    for naam in ("lp2", "om", "halt"):
        with pytest.raises(NietGevonden):
            review.info(kb, REF, gebruiker(kb, naam))
    assert zichtbaar_in_zoeken(kb, "lp")
    assert not zichtbaar_in_zoeken(kb, "lp2") and not zichtbaar_in_zoeken(kb, "om")
    assert REF not in kb.export("json")  # exports carry published cases only
    similar = vergelijkbaar(kb, "SEED-001", limit=100, kijker=gebruiker(kb, "lp2"))
    assert REF not in [r["ref"] for r in similar["results"]]


def test_publication_needs_review_four_eyes_and_a_confirmed_anonymity_check(
    kb: Casusbank,
) -> None:
    nieuw(kb)
    with pytest.raises(ReviewFout, match="niet ter review"):
        publiceer(kb)
    review.bied_aan(kb, REF, gebruiker(kb, "lp"))
    with pytest.raises(Geweigerd):
        publiceer(kb, door="lp")  # leerplicht has no right to publish
    with pytest.raises(ReviewFout, match="Bevestig"):
        review.publiceer(kb, REF, gebruiker(kb, "red"), anonimiteit_bevestigd=False)
    publiceer(kb)
    info = review.info(kb, REF, gebruiker(kb, "om"))
    assert info.status == "gepubliceerd" and info.gepubliceerd_op is not None
    assert zichtbaar_in_zoeken(kb, "lp2") and zichtbaar_in_zoeken(kb, "om")


def test_a_redacteur_cannot_publish_a_case_they_wrote_or_last_edited(kb: Casusbank) -> None:
    nieuw(kb, door="red")
    review.bied_aan(kb, REF, gebruiker(kb, "red"))
    with pytest.raises(Geweigerd, match="Vier ogen"):
        publiceer(kb, door="red")
    publiceer(kb, door="red2")

    # Editing a published case makes it a concept again; its editor cannot publish it.
    data = copy.deepcopy(VOORBEELD) | {"ref": REF, "titel": "Door de redactie bijgewerkte titel"}
    kb.save(data, door=gebruiker(kb, "red2"))
    assert review.info(kb, REF, gebruiker(kb, "red")).status == "concept"
    review.bied_aan(kb, REF, gebruiker(kb, "red2"))
    assert not review.info(kb, REF, gebruiker(kb, "red2")).mag_publiceren
    with pytest.raises(Geweigerd):
        publiceer(kb, door="red2")


def test_the_anonymity_check_runs_again_at_publication(kb: Casusbank) -> None:
    nieuw(kb)
    review.bied_aan(kb, REF, gebruiker(kb, "lp"))
    # Text that slipped past the check when it was saved (an older guard, a direct edit).
    with kb.engine.begin() as conn:
        conn.execute(
            text("UPDATE casus SET beschrijving = beschrijving || :extra WHERE ref = :ref"),
            {"extra": " Moeder Fatima Yilmaz belde op 06-12345678.", "ref": REF},
        )
    bevindingen = review.controleer_anonimiteit(kb, REF, gebruiker(kb, "red"))
    assert [b.veld for b in bevindingen] == ["beschrijving"]
    with pytest.raises(ReviewFout, match="persoonsgegevens"):
        publiceer(kb)
    assert review.info(kb, REF, gebruiker(kb, "red")).status == "ter_review"


def test_a_case_sent_back_returns_to_concept_with_the_reason_for_its_author(
    kb: Casusbank,
) -> None:
    nieuw(kb)
    review.bied_aan(kb, REF, gebruiker(kb, "lp"))
    with pytest.raises(ReviewFout, match="minstens"):
        review.stuur_terug(kb, REF, gebruiker(kb, "red"), "kort")
    reden = "Het schooljaar en de regio maken de casus herkenbaar; maak ze algemener."
    review.stuur_terug(kb, REF, gebruiker(kb, "red"), reden)
    info = review.info(kb, REF, gebruiker(kb, "lp"))
    assert info.status == "concept" and info.review_reden == reden
    assert [r.review_reden for r in review.mijn_casussen(kb, gebruiker(kb, "lp"))] == [reden]
    review.bied_aan(kb, REF, gebruiker(kb, "lp"))  # offered again: the reason is dealt with
    assert review.info(kb, REF, gebruiker(kb, "lp")).review_reden is None


def test_only_the_author_or_the_redactie_edits_or_deletes_a_case(kb: Casusbank) -> None:
    nieuw(kb)
    data = copy.deepcopy(VOORBEELD) | {"ref": REF}
    with pytest.raises(Geweigerd):
        kb.save(data, door=gebruiker(kb, "lp2"))
    with pytest.raises(Geweigerd):
        kb.save(data, door=gebruiker(kb, "om"))
    with pytest.raises(Geweigerd):
        kb.delete("SEED-001", door=gebruiker(kb, "lp"))  # published, and not theirs
    assert kb.delete(REF, door=gebruiker(kb, "lp"))  # own concept
    assert kb.delete("SEED-001", door=gebruiker(kb, "red"))


def test_keten_commentaar_is_its_partij_s_is_versioned_and_survives_edits_of_the_case(
    kb: Casusbank,
) -> None:
    om = gebruiker(kb, "om")
    with pytest.raises(Geweigerd):
        ketenoverleg.voeg_toe(kb, "SEED-001", gebruiker(kb, "lp"), oordeel="eens",
                              tekst="Leerplicht kan geen ketencommentaar geven.", moment=None)
    cid = ketenoverleg.voeg_toe(
        kb, "SEED-001", om, oordeel="oneens",
        tekst="Het OM had hier eerder een strafbeschikking verwacht.", moment="achteraf",
    )
    ketenoverleg.wijzig(
        kb, cid, om, oordeel="aanvullend",
        tekst="Het OM had hier eerder een strafbeschikking verwacht, na overleg met Halt.",
        moment="achteraf",
    )
    with pytest.raises(Geweigerd):
        ketenoverleg.wijzig(kb, cid, gebruiker(kb, "rvdk"), oordeel="eens",
                            tekst="Niet mijn commentaar om te wijzigen.", moment=None)
    (c,) = ketenoverleg.bij_casus(kb, "SEED-001")
    assert (c.partij, c.oordeel, c.versie, c.auteur) == ("om", "aanvullend", 2, "om")
    assert [(v.versie, v.oordeel) for v in c.eerdere] == [(1, "oneens")]

    # The redactie edits the case text: the partner's commentaar stays, once.
    casus = kb.get("SEED-001")
    assert casus is not None
    kb.save(casus.model_dump(mode="json", exclude_none=True), door=gebruiker(kb, "red"))
    nu = kb.get("SEED-001")
    assert nu is not None and nu.commentaar is not None
    assert sum(1 for x in nu.commentaar if x.partij == "om" and x.oordeel == "aanvullend") == 1


def test_commentaar_is_checked_like_the_case_format_and_for_personal_data(
    kb: Casusbank,
) -> None:
    om = gebruiker(kb, "om")
    with pytest.raises(OngeldigeInvoer) as fout:
        ketenoverleg.voeg_toe(kb, "SEED-001", om, oordeel="misschien", tekst="kort",
                              moment=None)
    assert set(fout.value.fouten) == {"oordeel", "tekst"}
    assert fout.value.fouten["oordeel"] == [
        "ongeldige waarde 'misschien'; toegestaan: 'eens', 'oneens' of 'aanvullend'"
    ]
    with pytest.raises(OngeldigeInvoer) as fout:
        ketenoverleg.voeg_toe(kb, "SEED-001", om, oordeel="", moment=None,
                              tekst="Een oordeel ontbreekt nog bij dit commentaar.")
    assert fout.value.fouten["oordeel"][0].startswith("kies een waarde: 'eens'")
    with pytest.raises(OngeldigeInvoer, match="persoonsgegevens"):
        ketenoverleg.voeg_toe(kb, "SEED-001", om, oordeel="eens", moment=None,
                              tekst="Zoals besproken met mevrouw Jansen op 12 maart 2024.")


def test_a_question_to_a_partner_shows_them_the_concept_and_the_answer_becomes_vooraf_commentaar(
    kb: Casusbank,
) -> None:
    nieuw(kb)
    lp, om, rvdk = gebruiker(kb, "lp"), gebruiker(kb, "om"), gebruiker(kb, "rvdk")
    with pytest.raises(Geweigerd):
        ketenoverleg.stel_vraag(kb, REF, gebruiker(kb, "red"), partij="om",
                                tekst="Alleen de auteur stelt een vraag over de casus.")
    vraag_id = ketenoverleg.stel_vraag(
        kb, REF, lp, partij="om",
        tekst="Zou het OM bij deze ouders een pv verwachten of eerst een zorgtraject?",
    )
    assert [v.ref for v in ketenoverleg.open_vragen(kb, om)] == [REF]
    assert ketenoverleg.open_vragen(kb, rvdk) == []
    assert review.info(kb, REF, om).status == "concept"  # the OM may read it now
    with pytest.raises(NietGevonden):
        review.info(kb, REF, rvdk)
    with pytest.raises(Geweigerd):
        ketenoverleg.beantwoord(kb, vraag_id, rvdk, oordeel="eens",
                                tekst="De Raad is niet gevraagd, dus antwoordt niet.")
    ketenoverleg.beantwoord(kb, vraag_id, om, oordeel="eens",
                            tekst="Ja, gezien de geweigerde hulp verwachten wij een pv.")
    assert ketenoverleg.open_vragen(kb, om) == []
    casus = kb.get(REF)
    assert casus is not None and casus.commentaar is not None
    vooraf = [(c.partij, c.oordeel) for c in casus.commentaar if c.moment == "vooraf"]
    assert vooraf == [("om", "eens")]
    with pytest.raises(ReviewFout):
        ketenoverleg.beantwoord(kb, vraag_id, om, oordeel="eens",
                                tekst="Een tweede antwoord op dezelfde vraag.")


def test_the_audit_log_records_who_did_what_but_no_case_text(kb: Casusbank) -> None:
    nieuw(kb)
    review.bied_aan(kb, REF, gebruiker(kb, "lp"))
    publiceer(kb)
    ketenoverleg.voeg_toe(kb, REF, gebruiker(kb, "om"), oordeel="oneens", moment="achteraf",
                          tekst="Het OM vindt een Halt-afdoening hier passender.")
    kb.export("yaml", door=gebruiker(kb, "beheer"))
    with kb.session() as s:
        regels = audit.lees(s, limit=None).regels
    acties = [(r.gebruiker, r.actie, r.onderwerp) for r in reversed(regels)]
    for verwacht in [
        ("lp", "casus_aangemaakt", REF),
        ("lp", "casus_ter_review", REF),
        ("red", "casus_gepubliceerd", REF),
        ("om", "commentaar_toegevoegd", REF),
        ("beheer", "export", None),
    ]:
        assert verwacht in acties
    # A chain partner's party is in the log: "om" of the OM, not just "keten".
    assert ("om", "keten (om)") in [(r.gebruiker, r.rol) for r in regels]
    csv = audit.als_csv(regels)
    for stukje in (VOORBEELD["beschrijving"][:40], "Halt-afdoening", VOORBEELD["titel"]):
        assert stukje not in csv
