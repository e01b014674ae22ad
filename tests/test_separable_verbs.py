"""Separable verbs: "hoe pak je thuiszitten aan" asks for an "aanpak", a text that "richt een
schakelklas in" is about "inrichten" — at index and at query time, in both backends."""
from __future__ import annotations

import pytest

from indexer.analysis import get_analyzer
from indexer.analysis.separable import joined_verbs, verb_bases
from indexer.analysis.text_norm import tokenize
from indexer.config import Settings
from indexer.model import SearchRequest
from indexer.ranking.query_syntax import parse_query


def _joined(text: str) -> dict[str, str]:
    analyzer = get_analyzer()
    toks = tokenize(text)
    return {toks[i].surface: verb for i, verb in analyzer.separable_verbs(text).items()}


@pytest.mark.parametrize("text, expected", [
    ("hoe richt je een schakelklas in", {"richt": "inrichten"}),
    ("hoe pak je thuiszitten aan?", {"pak": "aanpakken"}),
    ("welke scholen doen mee", {"doen": "meedoen"}),
    ("om een schakelklas in te richten", {"richten": "inrichten"}),
    ("Jaarlijks stromen ruim 60.000 studenten door naar het hbo.", {"stromen": "doorstromen"}),
    # the clause's verb, not a noun that happens to join: "samenscholen"
    ("Ook werkt de school heel nauw samen met bedrijven.", {"werkt": "samenwerken"}),
    ("Steeds meer gemeenten sluiten zich aan bij de alliantie", {"sluiten": "aansluiten"}),
    ("Dus docent, zet je bluetooth aan.", {"zet": "aanzetten"}),
    ("hoe gaan scholen om met armoede", {"gaan": "omgaan"}),
    ("Er doen veel scholen mee", {"doen": "meedoen"}),  # existential "er"
    ("Leraren werken op die manier samen.", {"werken": "samenwerken"}),  # "die manier" is no clause
    ("De bronnen lichten de inzet van coaches voor (dreigende) thuiszitters uit.", {"lichten": "uitlichten"}),
    ("Ouders vinden de informatie terug.", {"vinden": "terugvinden"}),  # an infinitive in -nden
    ("Hoe werken school en wijkteam samen?", {"werken": "samenwerken"}),  # past a joined subject
    ("Hoeveel scholen nemen deel aan het programma?", {"nemen": "deelnemen"}),
    ("De training vindt plaats in het najaar.", {"vindt": "plaatsvinden"}),
    ("De leraar legt uit hoe het werkt.", {"legt": "uitleggen"}),
    ("Ze geven aan dat de school te klein is.", {"geven": "aangeven"}),
    ("docenten en leerlingen zoeken samen uit welke werkwijzen werken", {"zoeken": "uitzoeken"}),
    ("In Arnhem trekken vier partijen samen op: TNO en het roc.", {"trekken": "optrekken"}),
    ("Ouders vragen een vergoeding aan voor activiteiten binnen en buiten school.", {"vragen": "aanvragen"}),
    ("voorstellen uit te voeren. Hiervoor is geld", {"voeren": "uitvoeren"}),
    # no R-word strands "samen"; an adverb-only particle before "om" ends its clause
    ("Partners werken er nauw met de school samen om jongeren kansen te geven.", {"werken": "samenwerken"}),
    ("Daar werken we samen aan.", {"werken": "samenwerken"}),
    # "aanbeteren" (from "beter") is in the verb list, but no Dutch: the clause's verb wins
    ("hoe sluiten po en vo beter op elkaar aan", {"sluiten": "aansluiten"}),
])
def test_a_verb_whose_particle_stands_apart_is_joined(text, expected):
    assert _joined(text) == expected


@pytest.mark.parametrize("text", [
    "ze werken in Utrecht",  # a preposition with its noun
    "leraren krijgen tijd om te werken",  # "om te" is no particle
    "leraren worden vrijgeroosterd om met leerlingen te werken",
    "wij spraken hem over hoe jongeren leren",
    "In de komende periode gaan wij verder",  # "komende" is an adjective here
    "Ze hebben het boek voor.",  # an auxiliary joins nothing
    "De school richt zich op ouders",  # "op" before a noun opens a phrase
    # a preposition stranded from waar/daar/hier/er, which are no verbs either
    "Waar gaat het onderzoek over?",
    "Waar richt de school zich op?",
    "Het gaat er om dat leerlingen zich veilig voelen.",
    "Daar hebben ook de scholen zelf baat bij",
    "Waar gaat het om?",
    # "die"/"dat" as determiners close no clause
    "Leerlingen krijgen in die tijd extra begeleiding.",
    "Scholen zetten op dat moment een stap.",
    "De kans op te laat komen is groot.",  # "te" before no infinitive
    "werken gemeenten, scholen en maatschappelijke organisaties samen in de alliantie",  # scholen: a noun
])
def test_prepositions_and_other_words_are_not_joined(text):
    assert _joined(text) == {}


def test_verb_bases_cover_the_regular_forms_the_lookup_table_lacks():
    assert "zetten" in verb_bases("zet", {})
    assert "nemen" in verb_bases("neem", {})
    assert "blijven" in verb_bases("blijf", {})
    assert "richten" in verb_bases("richt", {})
    assert joined_verbs("zet het aan", tokenize("zet het aan"), {}, {"aanzetten"}.__contains__) == {0: "aanzetten"}


def test_the_joined_verb_is_an_index_term_and_a_query_term_of_the_verb_word():
    analyzer = get_analyzer()
    assert "inricht" in analyzer.index_terms("De school richt een schakelklas in.")
    assert "inricht" in analyzer.index_terms("De school heeft een schakelklas ingericht.")
    terms = {t.term: t for t in analyzer.query_terms("hoe pak je thuiszitten aan")}
    assert terms["aanpak"].origin == "particle" and terms["aanpak"].group == terms["pak"].group
    assert "aanpak" in analyzer.index_terms("onze aanpak van thuiszitten")


@pytest.fixture(scope="module")
def verbs_service(tmp_path_factory):
    from indexer.build import build_index
    from indexer.search import open_service

    root = tmp_path_factory.mktemp("separable")
    docs = root / "docs"
    docs.mkdir()
    for name, title, text in [
        ("aanpak", "Thuiszitters in beeld",
         "De gemeente beschrijft haar aanpak van thuiszitters: een coach en een plek op school."),
        ("pakket", "Een pakket voor thuiszitters",
         "Thuiszitters krijgen een pakket met boeken en een laptop van de gemeente."),
        ("inrichten", "Nieuwkomers in Tiel",
         "De school richt dit jaar een schakelklas in voor kinderen die net in Nederland zijn."),
        ("sluiten", "Krimp in Tiel", "De school sluit dit jaar een schakelklas omdat er te weinig kinderen zijn."),
    ]:
        (docs / f"{name}.md").write_text(f"---\ntitle: {title}\n---\n{text}\n", encoding="utf-8")
    settings = Settings.from_env(env={}, index_dir=root / "index", embedder="fake")
    build_index([docs], settings, progress=False)
    svc = open_service(settings)
    yield svc
    svc.close()


def _top(svc, query: str) -> str:
    return svc.search(SearchRequest(query, mode="keyword", k=5)).hits[0].doc_id


def test_a_question_with_a_split_verb_finds_the_noun_of_the_joined_verb(verbs_service):
    assert _top(verbs_service, "hoe pak je thuiszitters aan").startswith("aanpak")
    assert _top(verbs_service, "aanpak thuiszitters").startswith("aanpak")


def test_a_text_with_a_split_verb_is_found_by_the_joined_verb(verbs_service):
    assert _top(verbs_service, "schakelklas inrichten").startswith("inrichten")
    assert _top(verbs_service, "hoe richt je een schakelklas in").startswith("inrichten")


def test_elasticsearch_searches_the_verb_with_its_joined_form():
    from indexer.backends.es_terms import plan_query

    plan = plan_query(parse_query("hoe pak je thuiszitten aan"), get_analyzer())
    assert ("pak aanpakken",) in [c.terms for c in plan.clauses]
    plan = plan_query(parse_query("welke scholen doen mee"), get_analyzer())
    assert ("doen meedoen",) in [c.terms for c in plan.clauses]  # "doen" alone is a stop word


def test_elasticsearch_indexes_a_passages_split_verbs_joined_in_its_body():
    """Elasticsearch analyses one word at a time, so the writer adds the joined verbs to the
    passage's body (heading and text reach it through copy_to), as the embedded index holds them."""
    from dataclasses import replace

    from indexer.backends.es_writer import document_actions
    from test_es_backend import make_doc

    doc = make_doc(n=2)
    doc.passages[0] = replace(doc.passages[0], text="De school richt dit jaar een schakelklas in. Ze pakt het samen aan.")
    sources = [a["_source"] for a in document_actions(doc, "gka-v6-x")]
    assert sources[0]["body"] == "inrichten aanpakken"
    assert "body" not in sources[1]  # no split verb
    assert "body" not in sources[2]  # the document itself
