"""Audience groups of free-text doelgroep lines (indexer/data/audiences.v1.yaml)."""
from __future__ import annotations

import pytest

from indexer.nlp.audiences import audience_groups, audience_labels


@pytest.mark.parametrize("line, groups", [
    # the head decides: what follows "op", "uit", "met" describes it
    ("leraren op scholen met veel achterstandsleerlingen", ["leraren en schoolleiders"]),
    ("kinderen uit gezinnen met een laag inkomen", ["kinderen"]),
    ("minderjarige mbo-studenten uit gezinnen met een laag inkomen", ["mbo-studenten"]),
    ("hbo-studenten met een mbo-vooropleiding", ["hbo- en wo-studenten"]),
    # a head naming no group is read whole
    ("leerlingen in de bovenbouw van de basisschool", ["basisschoolleerlingen"]),
    ("studenten voor wie het hoger onderwijs niet vanzelfsprekend is", ["hbo- en wo-studenten"]),
    # a hyphenated word is its last part; a level counts before a person only
    ("mbo- en hbo-instellingen", ["scholen en besturen"]),
    ("mbo- en hbo-studenten", ["mbo-studenten", "hbo- en wo-studenten"]),
    ("vmbo-leerlingen in Rotterdam-Zuid", ["vo-leerlingen"]),
    ("ouderejaars hbo-studenten als maatje", ["hbo- en wo-studenten"]),  # no "ouders"
    ("peuters en hun ouders in Groningen", ["peuters en kleuters", "ouders en gezinnen"]),
    ("ouders, pedagogisch medewerkers en leerkrachten",
     ["ouders en gezinnen", "leraren en schoolleiders", "pedagogisch medewerkers"]),
    ("laaggeletterde volwassenen", ["volwassenen"]),
    # a level-less pupil is a group of its own only when nothing else is named
    ("leerlingen met moeite met taal of rekenen", ["leerlingen en studenten"]),
    ("vo-leerlingen, ook leerlingen met een beperking", ["vo-leerlingen"]),
    ("wie er maar komt", ["overig"]),
])
def test_a_line_falls_into_the_groups_it_names(line, groups):
    assert audience_groups([line]) == groups


def test_groups_of_several_lines_come_once_in_taxonomy_order():
    groups = audience_groups(["ouders", "peuters op de voorschool", "ouders van peuters"])
    assert groups == ["peuters en kleuters", "ouders en gezinnen"]
    assert audience_groups([]) == []
    assert audience_labels()[-1] == "overig" and set(groups) <= set(audience_labels())
