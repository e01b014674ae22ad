"""Dutch NLP on real sentences with the blank pipeline (no model download needed)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.model import Analysis
from indexer.nlp import analyse, detect_query_entities, load_blank_pipeline, municipalities
from indexer.nlp import resources
from indexer.nlp.analyse import CHUNK_CHARS

SEEDS = Path("/work/shared/seeds")


@pytest.fixture(scope="module")
def pipeline():
    return load_blank_pipeline()


def values(analysis: Analysis, label: str) -> set[str]:
    return {e.value for e in analysis.entities if e.label == label}


def seed(prefix: str) -> str:
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not paths:
        pytest.skip(f"seed {prefix} not available")
    return paths[0].read_text(encoding="utf-8")


def test_pipeline_name_says_what_ran(pipeline):
    assert pipeline.name.startswith("blank:nl")
    assert "lookup-lemmatizer" in pipeline.name and "gka-patterns v4" in pipeline.name
    assert "entity_ruler" in pipeline.nlp.pipe_names


def test_magazine_mentions_the_alliance_municipalities(pipeline):
    text = re.sub(r"-[ \t]*\n\s*", "", seed("001"))  # crude de-hyphenation of the PDF text
    found = values(analyse(text, pipeline), "GEMEENTE")
    assert {"Schiedam", "Leeuwarden", "Rotterdam", "Maastricht", "Tilburg"} <= found


def test_offsets_point_into_the_text_also_for_long_texts(pipeline):
    # every sentence differs (its number), so an offset not shifted by its chunk's start points
    # at another sentence
    sentences = [f"Leerlingen uit Schiedam gaan in jaar {i} naar het vmbo en daarna naar het mbo."
                 for i in range(2 * CHUNK_CHARS // 70 + 3)]
    text = "\n".join(sentences)  # more than two chunks
    analysis = analyse(text, pipeline)
    assert [text[s:e] for s, e in analysis.sentences] == sentences
    towns = [e for e in analysis.entities if e.label == "GEMEENTE"]
    starts = [i for i in range(len(text)) if text.startswith("Schiedam", i)]
    assert [e.start for e in towns] == starts
    assert all(text[e.start : e.end] == e.text for e in analysis.entities)


def test_the_hague_aliases_normalise(pipeline):
    analysis = analyse("In Den Haag en 's-Gravenhage wonen veel gezinnen.", pipeline)
    towns = [e for e in analysis.entities if e.label == "GEMEENTE"]
    assert [e.value for e in towns] == ["Den Haag", "Den Haag"]
    assert [e.text for e in towns] == ["Den Haag", "'s-Gravenhage"]


def test_sectors_from_compounds_and_school_words(pipeline):
    analysis = analyse(
        "De vmbo-leerlingen bezochten hun oude basisschool. Daarna ging het over havo/vwo.", pipeline
    )
    by_text = {e.text: e.value for e in analysis.entities if e.label == "SECTOR"}
    assert by_text == {"vmbo": "vmbo", "basisschool": "po", "havo": "havo", "vwo": "vwo"}


def test_short_sector_words_need_education_context(pipeline):
    with_context = analyse("De overstap van het po naar het vo blijft lastig.", pipeline)
    assert values(with_context, "SECTOR") == {"po", "vo"}
    chamber_pot = analyse("Oma had vroeger een po onder het bed staan.", pipeline)  # po = nachtpot
    assert values(chamber_pot, "SECTOR") == set()


def test_best_is_a_municipality_only_in_context(pipeline):
    text = "Dit is het beste voor kinderen. Best is dat ouders meedoen. De gemeente Best doet mee."
    analysis = analyse(text, pipeline)
    towns = [e for e in analysis.entities if e.label == "GEMEENTE"]
    assert [(e.value, text[e.start : e.end]) for e in towns] == [("Best", "Best")]
    assert towns[0].start == text.index("Best doet")


def test_province_names(pipeline):
    analysis = analyse("Scholen in Friesland, Brabant en de provincie Utrecht werken samen met Utrecht.", pipeline)
    assert values(analysis, "PROVINCIE") == {"Fryslân", "Noord-Brabant", "Utrecht"}
    assert values(analysis, "GEMEENTE") == {"Utrecht"}  # the city at the end of the sentence


def test_organisations(pipeline):
    text = (
        "Het ministerie van OCW vroeg de Inspectie van het Onderwijs, het CBS en het NRO om cijfers. "
        "Ook de OESO en de Onderwijsraad keken mee."
    )
    assert {"OCW", "Inspectie van het Onderwijs", "CBS", "NRO", "OESO", "Onderwijsraad"} <= values(
        analyse(text, pipeline), "ORGANISATIE"
    )


def test_a_named_university_is_an_organisation_not_a_wo_mention_or_a_place(pipeline):
    """A researcher "promovendus aan de Erasmus Universiteit" (seed 001) counted as a wo mention,
    and "Universiteit van Amsterdam" as Amsterdam."""
    analysis = analyse("Hij is promovendus aan de Erasmus Universiteit en werkte aan de Universiteit van Amsterdam.",
                       pipeline)
    assert {"Erasmus Universiteit Rotterdam", "Universiteit van Amsterdam"} <= values(analysis, "ORGANISATIE")
    assert not values(analysis, "SECTOR") and not values(analysis, "GEMEENTE")
    assert values(analyse("Meer studenten met een mbo-diploma gaan naar de universiteit.", pipeline), "SECTOR") >= {"wo"}
    # hogescholen and the English names too: "Haagse Hogeschool" put the Den Haag agenda second (QA)
    from indexer.nlp.query import detect_query_entities

    for name in ("Haagse Hogeschool", "Hogeschool Rotterdam", "University of Amsterdam", "Utrecht University"):
        assert detect_query_entities(f"onderzoek van de {name} naar studiesucces").get("gemeente") is None, name
    assert detect_query_entities("hogescholen in Utrecht") == {"sector": ["hbo"], "gemeente": ["Utrecht"]}


def test_abbreviations_do_not_end_sentences(pipeline):
    text = "Scholen werken o.a. samen met de bibliotheek, bijv. bij het voorlezen. Daarna volgt de evaluatie."
    analysis = analyse(text, pipeline)
    assert len(analysis.sentences) == 2
    first = text[slice(*analysis.sentences[0])]
    assert "o.a. samen" in first and first.endswith("voorlezen.")


def test_ordinary_words_before_a_full_stop_do_end_sentences(pipeline):
    # spaCy's Dutch exceptions treat "dat." as an abbreviation; we drop that rule.
    analysis = analyse("Zo zit het met dat. Daarna gaan we verder.", pipeline)
    assert len(analysis.sentences) == 2


def test_letter_header_lines_become_their_own_sentences(pipeline):
    text = "Datum 19 november 2019\n\nBetreft Aanbiedingsbrief voortgangsrapportage"
    analysis = analyse(text, pipeline)
    assert [text[s:e] for s, e in analysis.sentences][0] == "Datum 19 november 2019"


def test_lemmas_are_lowercase_without_punctuation(pipeline):
    analysis = analyse("De leerlingen liepen naar School!", pipeline)
    assert analysis.lemmas == ["de", "leerling", "lopen", "naar", "school"]


def test_query_entities_name_only_what_is_named():
    assert detect_query_entities("wat doet Apeldoorn tegen thuiszitters") == {"gemeente": ["Apeldoorn"]}
    assert detect_query_entities("armoede onder kinderen in Friesland") == {"provincie": ["Fryslân"], "thema": ["armoede"]}
    assert detect_query_entities("vmbo agenda Rotterdam") == {
        "sector": ["vmbo"],
        "type": ["agenda"],
        "gemeente": ["Rotterdam"],
    }


def test_sectors_in_a_coordination_and_pupil_nouns():
    # "Basis- en Voortgezet Onderwijs" (the seeds' letter) names both sectors
    assert detect_query_entities("Basis- en Voortgezet Onderwijs") == {"sector": ["po", "vo"]}
    assert detect_query_entities("havisten en vwo-ers") == {"sector": ["havo", "vwo"]}
    # the singular pupil nouns too: "havisten?" had read "haviste(n)", never "havist"
    for pupil, sector in (("havist", "havo"), ("gymnasiast", "vwo"), ("gymnasiasten", "vwo"),
                          ("gymnasiumleerlingen", "vwo")):
        assert detect_query_entities(f"een {pupil} met een laag schooladvies").get("sector") == [sector], pupil


def test_level_adjectives_coordinated_before_onderwijs_name_each_sector(pipeline):
    # "primair en voortgezet onderwijs" is two sectors, not only the one whose adjective stands
    # next to "onderwijs"
    assert detect_query_entities("primair en voortgezet onderwijs") == {"sector": ["po", "vo"]}
    analysis = analyse("De overgang tussen primair, voortgezet, beroeps- of hoger onderwijs staat centraal.", pipeline)
    assert values(analysis, "SECTOR") == {"po", "vo"}
    # the same words not in such a list name nothing: "voortgezet" is also "continued"
    continued = analyse("Het programma wordt voortgezet, en het primair proces van scholen blijft.", pipeline)
    assert values(continued, "SECTOR") == set()


def test_toddlers_preschool_and_first_year_words_name_their_sector(pipeline):
    analysis = analyse("In Groningen begint men bij de peuters. In Amsterdam komen er brede brugklassen.", pipeline)
    assert values(analysis, "SECTOR") == {"vve", "vo"}
    assert detect_query_entities("kleuters in groep 1 en 2") == {"sector": ["po"]}
    assert detect_query_entities("brugklasleerlingen") == {"sector": ["vo"]}


def test_a_place_adjective_names_its_place():
    assert detect_query_entities("wat doen Rotterdamse scholen") == {"gemeente": ["Rotterdam"]}
    assert detect_query_entities("de haagse aanpak") == {"gemeente": ["Den Haag"]}
    assert detect_query_entities("Zeeuwse scholen") == {"provincie": ["Zeeland"]}
    assert detect_query_entities("het Friese taalbeleid") == {"provincie": ["Fryslân"]}
    # a province named like its capital is the town, as the bare name is
    assert detect_query_entities("Utrechtse scholen") == {"gemeente": ["Utrecht"]}
    # the one municipality English names otherwise
    assert detect_query_entities("schools in The Hague") == {"gemeente": ["Den Haag"]}


def test_noord_and_zuid_hollandse_name_their_province():
    """Coordinator QA pass: "gelijke kansen Noord-Hollandse gemeenten" named no province (Noord-Brabantse
    did, through Brabantse); Holland alone is two provinces and names none."""
    assert detect_query_entities("gelijke kansen Noord-Hollandse gemeenten") == {"provincie": ["Noord-Holland"]}
    assert detect_query_entities("Zuid-Hollandse scholen") == {"provincie": ["Zuid-Holland"]}
    assert detect_query_entities("het Noord-Hollands beleid") == {"provincie": ["Noord-Holland"]}
    assert detect_query_entities("Hollandse scholen") == {}


def test_dordt_is_dordrecht():
    """Coordinator QA pass: "Dordt", the everyday name, named no municipality."""
    assert detect_query_entities("vve innovatiecentrum Dordt") == {"sector": ["vve"], "gemeente": ["Dordrecht"]}
    assert detect_query_entities("wat doet de gemeente Dordt voor peuters") == {"gemeente": ["Dordrecht"], "sector": ["vve"]}


def test_query_entities_are_case_insensitive_but_careful_with_words():
    assert detect_query_entities("interventies in den bosch voor het po") == {
        "type": ["interventie"],
        "gemeente": ["'s-Hertogenbosch"],
        "sector": ["po"],
    }
    assert detect_query_entities("wat werkt het best bij taalachterstand") == {"thema": ["taalontwikkeling"]}
    assert detect_query_entities("taalachterstand in de gemeente best") == {"gemeente": ["Best"], "thema": ["taalontwikkeling"]}
    assert detect_query_entities("geld om leerkrachten op te leiden tot coördinator") == {}
    assert detect_query_entities("welke aanpakken leiden tot minder uitval") == {}
    assert detect_query_entities("wat doet de gemeente leiden") == {"gemeente": ["Leiden"]}
    assert detect_query_entities("zomerschool in leiden") == {"gemeente": ["Leiden"], "thema": ["verlengde leertijd"]}
    assert detect_query_entities("") == {}


def test_query_names_a_theme_by_label_or_compound_not_by_common_words_or_phrases():
    assert detect_query_entities("ouderbetrokkenheid") == {"thema": ["ouderbetrokkenheid"]}
    assert detect_query_entities("monitoring van schooladviezen") == {"thema": ["overgangen", "onderzoek en monitoring"]}
    assert detect_query_entities("doorstroom mbo hbo") == {"sector": ["mbo", "hbo"], "thema": ["overgangen"]}
    assert detect_query_entities("Armoede in Rotterdam") == {"gemeente": ["Rotterdam"], "thema": ["armoede"]}
    # single trigger words are in too many questions to name a theme
    assert detect_query_entities("hoe praat je met ouders over taal") == {}
    assert detect_query_entities("wat doen ouders en school tegen thuiszitters") == {}
    # ... but a phrase a question uses for the theme does
    assert detect_query_entities("wat werkt bij ouders betrekken") == {"thema": ["ouderbetrokkenheid"]}
    # a word that names the type or the sector names no theme besides
    assert detect_query_entities("onderzoek naar zomerscholen") == {"type": ["onderzoek"], "thema": ["verlengde leertijd"]}
    assert detect_query_entities("vve") == {"sector": ["vve"]}
    # plurals and verb forms of a taxonomy compound, by their stems
    assert detect_query_entities("zomerscholen") == {"thema": ["verlengde leertijd"]}
    assert detect_query_entities("doorstromen naar havo") == {"sector": ["havo"], "thema": ["overgangen"]}
    assert detect_query_entities("armen") == {}
    assert detect_query_entities("taalachterstand in de vve") == {"sector": ["vve"], "thema": ["taalontwikkeling"]}


def test_province_named_like_its_capital():
    assert detect_query_entities("provincie Groningen") == {"provincie": ["Groningen"]}
    assert detect_query_entities("Groningen provincie") == {"provincie": ["Groningen"]}
    assert detect_query_entities("gemeente Groningen") == {"gemeente": ["Groningen"]}


def test_english_so_and_pro_are_no_sectors_in_queries():
    assert detect_query_entities("how can schools help so that children learn") == {}
    assert detect_query_entities("so-called brede school") == {}
    assert detect_query_entities("pro-active parents") == {}
    assert detect_query_entities("po en so") == {"sector": ["po", "so"]}
    assert detect_query_entities("so-leerlingen in het vso") == {"sector": ["so"]}
    assert detect_query_entities("vmbo/pro") == {"sector": ["vmbo", "pro"]}
    assert detect_query_entities("po vo overgang") == {"sector": ["po", "vo"], "thema": ["overgangen"]}


def test_municipality_list_is_complete_and_consistent():
    towns = municipalities()
    provinces = set(resources.vocab()["provinces"])
    assert len(towns) == 342
    assert set(towns.values()) == provinces
    assert set(resources.load_provinces()) == provinces
    assert towns["Apeldoorn"] == "Gelderland" and towns["Súdwest-Fryslân"] == "Fryslân"
    assert resources.municipality_aliases()["den bosch"] == "'s-Hertogenbosch"


def test_a_town_of_a_two_town_municipality_names_the_municipality():
    assert detect_query_entities("wat doet Sittard tegen thuiszitters") == {"gemeente": ["Sittard-Geleen"]}
    assert detect_query_entities("Voorburg") == {"gemeente": ["Leidschendam-Voorburg"]}
    assert detect_query_entities("echt goede scholen") == {}  # Echt(-Susteren) only in context


def test_a_document_type_after_over_is_the_topic_of_a_query():
    """QA: "mentor gesprek met klas over nieuws" was read as asking for news items."""
    from indexer.nlp.query import detect_query_entities

    assert "type" not in detect_query_entities("mentor gesprek met klas over nieuws")
    assert detect_query_entities("nieuws over gelijke kansen")["type"] == ["nieuws"]
    assert detect_query_entities("praktijkverhalen over onderzoek")["type"] == ["praktijkverhaal"]


def test_on_the_agenda_is_an_idiom_not_the_type_agenda():
    """QA (coordinator pass): "gelijke kansen op de agenda zetten" offered the type agenda."""
    from indexer.nlp.query import detect_query_entities

    for query in ("hoe zet je gelijke kansen op de agenda", "kansengelijkheid op de agenda in Apeldoorn",
                  "putting equal opportunities on the agenda"):
        assert "type" not in detect_query_entities(query), query
    for query in ("lokale agenda Rotterdam", "de agenda van Tilburg", "op de lokale agenda"):
        assert detect_query_entities(query)["type"] == ["agenda"], query


def test_an_agenda_for_a_meeting_is_the_topic_not_the_type_agenda():
    """QA: "agenda voor de ouderavond" was read as asking for municipalities' GKA agendas."""
    from indexer.nlp.query import detect_query_entities

    for query in ("agenda voor de ouderavond", "agenda van het teamoverleg", "agenda's voor de informatieavond",
                  "agenda voor een oudergesprek in Zwolle", "agenda voor de jaarlijkse ouderavond",
                  "agenda ouderavond", "agenda MR-vergadering",
                  # English puts the meeting first
                  "parents evening agenda", "staff meeting agenda", "ouderavond agenda"):
        assert "type" not in detect_query_entities(query), query
    assert detect_query_entities("agenda voor de ouderavond in Zwolle")["gemeente"] == ["Zwolle"]
    for query in ("lokale agenda Rotterdam", "agenda voor gelijke kansen in Zwolle", "agenda voor de gemeente"):
        assert detect_query_entities(query)["type"] == ["agenda"], query


def test_an_agenda_for_meetings_in_the_plural_or_with_an_adjective_is_the_topic():
    """QA helper-53: "agenda voor ouderavonden", "agenda voor een goede ouderavond" and
    "agenda voor de MR-vergadering" were still read as asking for the type agenda."""
    from indexer.nlp.query import detect_query_entities

    for query in ("agenda voor ouderavonden", "agenda voor de informatieavonden", "agenda voor de studiedagen",
                  "agenda voor een goede ouderavond", "agenda voor de jaarlijkse ouderavond",
                  "agenda voor de MR-vergadering", "agenda voor de thema-avond", "agenda voor het ouder-kindgesprek"):
        assert "type" not in detect_query_entities(query), query
    for query in ("agenda voor de nieuwe gemeente", "agenda voor het Drentse onderwijs", "agenda voor de G-40",
                  "agenda voor de grote steden"):
        assert detect_query_entities(query)["type"] == ["agenda"], query


def test_an_agenda_for_a_meeting_in_english_is_the_topic():
    """English puts nouns before the meeting word: "an agenda for the parents evening" was read as
    asking for the type agenda, which Dutch "agenda voor de ouderavond" was not."""
    from indexer.nlp.query import detect_query_entities

    for query in ("an agenda for the parents evening", "agenda for the parents' evening",
                  "agenda for a parent-teacher meeting", "agenda for our staff meeting",
                  "agenda for the school board meeting in Zwolle"):
        assert "type" not in detect_query_entities(query), query
    assert detect_query_entities("agenda for the staff meeting in Zwolle")["gemeente"] == ["Zwolle"]
    for query in ("agenda for the parents in Rotterdam", "agenda for schools in Zwolle",
                  "agenda for equal opportunities"):
        assert detect_query_entities(query)["type"] == ["agenda"], query


def test_the_local_education_agenda_is_no_gka_agenda(pipeline):
    """Coordinator QA pass: "lokale educatieve agenda" (the LEA, the consultation of a municipality
    and its schools) was read as asking for the type agenda, the municipalities' GKA agendas; the
    page offered type=agenda, which leaves out the letter that answers. It is an organisation now."""
    from indexer.nlp.query import detect_query_entities

    for query in ("lokale educatieve agenda", "welke rol speelt de Lokale Educatieve Agenda bij gelijke kansen",
                  "de lokale educatieve agenda's", "role of the local education agenda for municipalities",
                  "local educational agenda"):
        assert "type" not in detect_query_entities(query), query
    for query in ("lokale agenda Rotterdam", "GKA-agenda Tilburg", "agenda's van gemeenten"):
        assert detect_query_entities(query)["type"] == ["agenda"], query
    analysis = analyse("Bestaande overlegvormen, zoals de Lokale Educatieve Agenda (LEA), kunnen helpen.", pipeline)
    assert values(analysis, "ORGANISATIE") == {"Lokale Educatieve Agenda"}

