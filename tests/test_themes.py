"""Themes (facet "Thema"): real evidence in documents, fixed expressions in documents and queries."""
from __future__ import annotations

import pytest

from indexer.model import Document
from indexer.nlp import analyse, enrich, load_blank_pipeline, resources
from indexer.nlp.query import detect_query_entities
from indexer.nlp.themes import THEMES_FILE, assign_themes, named_themes


@pytest.fixture(scope="module")
def pipeline():
    return load_blank_pipeline()


def themes_of(pipeline, text: str) -> list[str]:
    return assign_themes(analyse(text, pipeline).lemmas, text)


# --- query side: a theme named in a query is offered as a filter


def test_a_culture_of_high_expectations_is_no_arts_education():
    assert detect_query_entities("cultuur van hoge verwachtingen") == {}
    assert named_themes("een cultuur van hoge verwachtingen op school") == []
    assert named_themes("de cultuur van de straat in de klas") == []
    assert named_themes("brief van de minister van Onderwijs, Cultuur en Wetenschap") == []


def test_arts_education_is_still_named():
    assert detect_query_entities("cultuureducatie") == {"thema": ["cultuur"]}
    assert named_themes("kunst en cultuur op school") == ["cultuur"]
    assert named_themes("cultuur in de klas") == ["cultuur"]
    assert named_themes("cultuurbegeleiders op de basisschool") == ["cultuur"]  # new in v2
    assert named_themes("sport en cultuur voor kinderen uit arme gezinnen") == ["cultuur", "sport"]
    # the fixed expression cancels only its own words
    assert named_themes("cultuureducatie en een cultuur van hoge verwachtingen") == ["cultuur"]


def test_after_school_is_no_teacher_training():
    # "naschoolse" and "nascholing" share the stem "naschol"
    assert named_themes("naschoolse activiteiten in de wijk") == []
    assert named_themes("naschoolse opvang") == []
    assert named_themes("nascholen van leraren") == ["professionalisering"]
    assert named_themes("zomerscholen") == ["verlengde leertijd"]  # stems still catch plurals


# --- index side: a theme needs a specific term, not only common words


def test_parents_as_a_background_variable_are_no_parent_involvement(pipeline):
    text = (
        "Kinderen van laagopgeleide ouders krijgen vaker een lager schooladvies dan kinderen van "
        "hoogopgeleide ouders. Dat blijkt uit cijfers van het CBS. Ook het inkomen van de ouders speelt "
        "een rol. Als ouders weinig verdienen, gaat hun kind minder vaak naar havo of vwo. Gezinnen met "
        "een migratieachtergrond zijn vaker laagopgeleid."
    )
    assert "ouderbetrokkenheid" not in themes_of(pipeline, text)
    assert "overgangen" not in themes_of(pipeline, text)  # one schooladvies: one mention is no theme


def test_a_specific_term_with_support_earns_the_theme(pipeline):
    involvement = (
        "De basisschool nodigt ouders drie keer per jaar uit voor een ouderavond. Leerkrachten leggen "
        "huisbezoeken af bij nieuwe gezinnen."
    )
    assert "ouderbetrokkenheid" in themes_of(pipeline, involvement)
    arts = (
        "Elke school heeft een cultuurbegeleider. Leerlingen maken kennis met kunstvormen als dans "
        "en spoken word."
    )
    assert themes_of(pipeline, arts) == ["cultuur"]


def test_partners_named_in_passing_are_no_theme(pipeline):
    text = (
        "In de alliantie werken de school, de gemeente, de bibliotheek, een kinderopvangorganisatie en "
        "een sportclub samen. De sportclub en de kinderopvang leveren vrijwilligers voor de brugklas."
    )
    found = themes_of(pipeline, text)
    assert "sport" not in found and "vve" not in found


def test_fixed_expressions_in_a_text_count_for_nothing(pipeline):
    text = (
        "De minister van Onderwijs, Cultuur en Wetenschap bezocht de school. Het team werkt aan een "
        "cultuur van hoge verwachtingen: elke leerling kan meer dan hij denkt."
    )
    assert "cultuur" not in themes_of(pipeline, text)


def test_a_phrase_counts_once_not_also_its_words(pipeline):
    text = "Onze school kreeg dit jaar het vignet Gezonde School. Verder veranderde er weinig in het rooster."
    assert "gezondheid" not in themes_of(pipeline, text)  # one mention, however it is counted


def test_a_list_of_theme_names_is_evidence_for_none(pipeline):
    text = (
        "Uit de gesprekken komen verschillende thema's naar voren: taalontwikkeling, professionalisering, "
        "loopbaanoriëntatie, coaching, sport en cultuur, segregatie en meer. Van leraren en sportcoaches "
        "tot werkgevers: iedereen kan bijdragen."
    )
    found = themes_of(pipeline, text)
    assert not {"sport", "coaching", "professionalisering", "cultuur"} & set(found)


def test_declared_themes_stay_and_weak_words_add_none(pipeline):
    text = (
        "Studenten uit gezinnen met een laag inkomen krijgen hun schoolspullen vergoed. Ouders hoeven "
        "niets voor te schieten; de school regelt het met de ouders en de gezinnen zelf."
    )
    document = Document(id="t", title="t", doc_type="interventie", source_path="t.yaml", text=text,
                        metadata={"themas": ["armoede", "coaching"]})
    facets, _ = enrich(document, analyse(text, pipeline))
    assert facets["thema"] == ["armoede", "coaching"]  # coaching: declared, without any evidence in the text


def test_taxonomy_file_is_well_formed():
    data = resources.load_yaml(THEMES_FILE)
    vocab = set(resources.vocab()["themes"])
    assert set(data["themes"]) == vocab
    for theme, spec in data["themes"].items():
        assert set(spec) <= {"strong", "weak", "not_in", "query"}, theme
        for kind in ("strong", "weak"):
            assert set(spec.get(kind) or {}) <= {"lemmas", "prefixes", "phrases"}, (theme, kind)
        assert any(spec["strong"].get(k) for k in ("lemmas", "prefixes", "phrases")), theme
        terms = [t for kind in ("strong", "weak") for v in (spec.get(kind) or {}).values() for t in v]
        terms += (spec.get("not_in") or []) + (spec.get("query") or [])
        assert all(t == t.lower() for t in terms), theme


def test_a_query_names_a_theme_by_a_strong_term_or_a_query_phrase_not_by_a_weak_one():
    from indexer.nlp.themes import named_themes

    assert named_themes("lob in het vmbo") == ["loopbaanoriëntatie"]  # a strong lemma
    assert named_themes("hoe betrek ik ouders bij de school") == ["ouderbetrokkenheid"]  # a strong phrase
    assert named_themes("mentoring voor eerstejaars") == ["coaching"]
    assert named_themes("wat werkt voor ouders en taal") == []  # weak words only
    assert named_themes("een cultuur van hoge verwachtingen") == []  # inside a fixed expression
