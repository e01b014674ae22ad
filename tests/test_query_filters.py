"""Years and evidence levels named in a question (indexer/nlp/query_filters.py): recognised to be
offered as filters, never boosted."""
from __future__ import annotations

import pytest

from indexer.nlp import detect_query_entities
from indexer.nlp import resources
from indexer.nlp.query_filters import named_evidence, named_years
from indexer.ranking.hits import UNBOOSTED_FIELDS

EFFECTIVE = ["eerste aanwijzingen voor effectiviteit", "goede aanwijzingen voor effectiviteit",
             "sterke aanwijzingen voor effectiviteit"]


@pytest.mark.parametrize("query,years", [
    ("beleidsbrieven 2019", ["2019"]),
    ("onderzoek uit 2021 naar vve", ["2021"]),
    ("brief van 19-11-2019", ["2019"]),
    ("kamerbrief 2019-11-19", ["2019"]),
    ("over 2019 en per 2020", ["2019", "2020"]),
    # a school year or short period names each of its years: its documents are dated either
    ("schooljaar 2019-2020", ["2019", "2020"]),
    ("schooljaar 2019/'20", ["2019", "2020"]),
    ("1999-00", ["1999", "2000"]),
    ("monitor 2015 – 2018", ["2015", "2016", "2017", "2018"]),
    ("trends 1990-2020", ["1990", "2020"]),  # a long period: its ends only
    # numbers that are no years
    ("groep 8", []),
    ("eindtoets groep 8 2019", ["2019"]),
    ("2000 leerlingen", []),
    ("zo'n 2000 scholen", []),
    ("meer dan 2000 mensen", []),  # two words before, and a plural noun after
    ("ongeveer 2000", []),
    ("2019 vrijwilligers", []),
    ("2000 programma's", []),
    ("later dan 2019", ["2019"]),
    ("in 2019 gingen meer kinderen", ["2019"]),
    ("was het in 2019 anders", ["2019"]),
    ("€ 2019 per kind", []),
    ("1.950 euro", []),
    ("score 2019,5", []),
    ("om 12:00", []),
    ("2019-2015", []),
    ("kenmerk 2019-15", []),
    ("vve in 1850", []),
    ("postcode 2019", []),
    ("vve -2019", []),  # an exclusion
])
def test_years_named_in_a_question(query, years):
    assert named_years(query) == years


@pytest.mark.parametrize("query,levels", [
    ("bewezen effectieve interventies", EFFECTIVE[1:]),
    ("goed onderbouwde aanpak", ["goed onderbouwd"]),
    ("effective interventions", EFFECTIVE),
    ("effectieve leesprogramma's voor peuters", EFFECTIVE),  # a compound ending in a rated word
    ("evidence-based programmes", EFFECTIVE[1:]),
    ("erkende interventies", ["goed onderbouwd", *EFFECTIVE]),
    ("interventies die niet beoordeeld zijn", ["niet beoordeeld"]),
    ("effectief volgens eerste aanwijzingen", EFFECTIVE[:1]),
    ("niet bewezen effectief", []),  # negated
    ("no proven effective programmes", []),
    ("hoe effectief is huiswerkbegeleiding", []),  # effective, but not a rating of an intervention
    ("goede ouderbetrokkenheid", []),
])
def test_evidence_levels_named_in_a_question(query, levels):
    assert named_evidence(query) == levels


def test_the_vocabulary_names_only_levels_of_the_scale():
    data = resources.load_yaml("query_filters.v1.yaml")["evidence"]["levels"]
    scale = set(resources.vocab()["evidence_levels"])
    assert {v for level in data for v in level["values"]} == scale  # every level can be named


def test_query_entities_offer_years_and_evidence_levels_unboosted():
    assert detect_query_entities("beleidsbrieven 2019") == {"type": ["beleidsbrief"], "jaar": ["2019"]}
    assert detect_query_entities("goed onderbouwde aanpak in Rotterdam") == {
        "gemeente": ["Rotterdam"], "bewijskracht": ["goed onderbouwd"]}
    assert detect_query_entities("eindtoets groep 8") == {"sector": ["po"]}
    assert {"jaar", "bewijskracht"} <= UNBOOSTED_FIELDS
