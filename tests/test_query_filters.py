"""Years named in a question (indexer/nlp/query_filters.py): recognised to be offered as filters,
never boosted."""
from __future__ import annotations

import pytest

from indexer.nlp import detect_query_entities
from indexer.nlp.query_filters import named_years
from indexer.ranking.searcher import UNBOOSTED_FIELDS

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


def test_query_entities_offer_years_unboosted():
    assert detect_query_entities("beleidsbrieven 2019") == {"type": ["beleidsbrief"], "jaar": ["2019"]}
    assert detect_query_entities("eindtoets groep 8") == {"sector": ["po"]}
    assert "jaar" in UNBOOSTED_FIELDS
