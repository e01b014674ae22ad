"""Text repair on real excerpts of the PDF-extracted seed texts (copied from /work/shared/seeds)."""
from __future__ import annotations

import pytest

from indexer.errors import ReadError
from indexer.repair import decode_bytes, normalize_chars, repair_text

# Seed 001 (magazine): double-spaced lines, end-of-line hyphenation, trailing spaces.
MAGAZINE = (
    " ren in hun directe omgeving geen rolmodellen  \n\naan wie ze zich kunnen optrekken. Het helpt \n\n"
    "enorm als thuis dezelfde codes, regels en ver-\n\nwachtingen leven als op school. De school voelt \n\n"
    "in dat geval direct vertrouwd. Wie thuis al door \n\nzijn ouders wordt uitgedaagd en gestimuleerd \n\n"
    "neemt die bagage vanzelfsprekend mee naar \n\nschool. \n\n"
    "Maar niet voor alle kinderen sluiten de wereld \n\nvan de school en de wereld thuis goed op elkaar \n\n"
    "aan. Kinderen die niet worden voorgelezen of \n\nspelenderwijs worden uitgedaagd tot hoofd- \n\n"
    "rekenen, staan bij voorbaat op achterstand.  \n\n"
    "Onderwijs heeft bijgedragen aan voortuitgang \n\nen welvaart en was cruciaal voor de emanci-\n\n"
    "patie van mensen. Iedere dag weer is het een \n\n"
)
MAGAZINE_MBO = (
    "voor mij speelt het mbo net zo\u2019n cruciale rol in \n\ntalentontwikkeling als het hoger onderwijs. En \n\n"
    "voor ongeveer 40 procent van de mbo-studen-\n\nten is het mbo een opstap naar het hbo. \n\n"
)
MAGAZINE_HEADING = (
    "23\n Onderzoek: ouders en mbo- \ninstellingen laten kansen  \nliggen op beter contact \n"
    "Veel mbo-instellingen willen graag in contact \n\nkomen en blijven met de ouders van hun stu-\n\n"
    "denten. Ze ervaren ouders echter als onbereik-\n\n"
)
# Seed 000 (letter): "Onze referentie" and its number glued into two lines of a sentence.
LETTER_GLUED = (
    "context te ontdekken wie zij willen zijn en waar hun talenten liggen.\n"
    " Met ons actieplan van 31 oktober jongstleden hebben wij een aantal gerichte Onze referentie\n"
    "maatregelen genomen en vooral ingezet op het verbeteren van de overgangen in 127448\n"
    "het onderwijs. Ongelijkheid in het onderwijs manifesteert zich namelijk in het\n\n"
    "bijzonder bij de overgangen. Dat begint bij de overgang van basisschool naar\n\n"
    "voortgezet onderwijs, maar herhaalt zich daarna bij iedere volgende overstap.\n"
)
# Seed 002 (letter): the reference block repeated on every page.
LETTER_BLOCKS = (
    "Onze referentie\n16865709\n\nBijlagen\n2\n\nDatum 19 november 2019\n\n"
    "Gemeenten\n\nOnze referentie\n16865709\n\n"
    "Gemeenten zijn een belangrijke bondgenoot in het bevorderen van gelijke kansen.\n\n"
    "professionalisering van docenten in grootstedelijke contexten.\n\nOnze referentie\n16865709\n\n"
    "Interactieve pdf\n\nIn de interactieve pdf bieden wij toegang tot alle dertig getekende agenda's.\n"
)


def flat(text: str) -> str:
    return " ".join(text.lower().split())


def test_joins_end_of_line_hyphenation_in_magazine():
    text = repair_text(MAGAZINE)
    assert "dezelfde codes, regels en verwachtingen leven als op school" in text
    assert "cruciaal voor de emancipatie van mensen" in text
    assert "uitgedaagd tot hoofdrekenen, staan" in text
    assert "ver-" not in text and "emanci-" not in text


def test_double_spaced_lines_become_paragraphs_broken_after_short_sentence_end():
    paragraphs = repair_text(MAGAZINE).split("\n\n")
    assert paragraphs[0].endswith("mee naar school.")
    assert paragraphs[1].startswith("Maar niet voor alle kinderen")


def test_keeps_hyphen_after_abbreviations():
    text = repair_text(MAGAZINE_MBO)
    assert "van de mbo-studenten is het mbo een opstap" in text
    assert "zo'n cruciale rol in talentontwikkeling" in text
    heading = repair_text(MAGAZINE_HEADING)
    assert "ouders en mbo-instellingen laten kansen" in heading
    assert "de ouders van hun studenten" in heading
    assert not heading.startswith("23")  # page number dropped


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("de overstap tussen vmbo-\nhavo is kwetsbaar", "tussen vmbo-havo is"),
        ("bij de overstap van het vmbo naar de havo (vmbo-\nhavo)", "(vmbo-havo)"),
        ("voor- en\nvroegschoolse educatie", "voor- en vroegschoolse"),
        ("een auto-\nongeluk", "auto-ongeluk"),
        ("in Noord-\nHolland en Zuid-\nHolland", "Noord-Holland en Zuid-Holland"),
        ("dertig mooie GKA-\nagenda's", "GKA-agenda's"),
        ("de pedagogisch-\ndidactische kwaliteiten", "pedagogisch-didactische"),
        ("een gerichte sa-\nmenwerking met ouders", "gerichte samenwerking met"),
    ],
)
def test_hyphenation_decisions(raw, expected):
    assert expected in repair_text(raw)


def test_glued_reference_block_removed_from_letter_000():
    text = repair_text(LETTER_GLUED)
    assert (
        "hebben wij een aantal gerichte maatregelen genomen en vooral ingezet op het verbeteren "
        "van de overgangen in het onderwijs. Ongelijkheid in het onderwijs manifesteert zich "
        "namelijk in het bijzonder bij de overgangen." in text
    )
    assert "referentie" not in text and "127448" not in text


def test_repeated_reference_blocks_removed_from_letter_002():
    text = repair_text(LETTER_BLOCKS)
    assert "Onze referentie" not in text and "16865709" not in text
    assert "Datum 19 november 2019" in text
    assert "Gemeenten zijn een belangrijke bondgenoot" in text


def test_running_headers_and_repeated_footers_dropped():
    page = "Ouders worden nadrukkelijk uitgenodigd om actief betrokken te zijn.\n"
    raw = "".join(
        f"{n}  |  Rapportage Gelijke Kansen Alliantie {n + 1}\n{page}Gelijke Kansen magazine\n{n + 1}\n"
        for n in (6, 8, 10)
    )
    text = repair_text(raw)
    assert "Rapportage Gelijke Kansen Alliantie" not in text
    assert "Gelijke Kansen magazine" not in text
    assert text.count("Ouders worden nadrukkelijk uitgenodigd") == 3
    assert not any(ch.isdigit() for ch in text)


def test_one_paragraph_per_line_text_keeps_its_paragraphs():
    # Seed 004 style: each paragraph is one long line, separated by blank lines.
    first = "Om elk kind de kans te geven zijn talent te ontwikkelen, werken in de Gelijke Kansen " * 3
    second = "Drie jaar geleden concludeerde de Inspectie in haar jaarlijkse 'Staat van het Onderwijs' " * 3
    assert repair_text(f"{first}\n\n{second}\n\n{first}\n\n{second}").count("\n\n") == 3


def test_characters_normalised():
    raw = "\u2018startkapitaal\u2019 \u201cverschil\u201d\u00a0en\u202fcoo\u0308rdinatie ef\ufb01ci\u00ebnt ho\u00adger"
    assert normalize_chars(raw) == "'startkapitaal' \"verschil\" en coördinatie efficiënt hoger"
    assert normalize_chars("coo\u0308rdinatie") == "co\u00f6rdinatie"  # NFC, one code point


def test_decode_bytes_utf8_with_bom_and_cp1252():
    assert decode_bytes("\ufeffloopbaanoriëntatie".encode("utf-8")) == "loopbaanoriëntatie"
    assert decode_bytes("Financiële steun van € 7 miljoen".encode("cp1252")) == "Financiële steun van € 7 miljoen"
    assert decode_bytes("überhaupt".encode("utf-16")) == "überhaupt"


@pytest.mark.parametrize("junk", [b"PK\x03\x04\x00\x00binary", bytes(range(1, 32)) * 20 + b"tekst"])
def test_decode_bytes_rejects_binary(junk):
    with pytest.raises(ReadError, match="binary content, not text"):
        decode_bytes(junk, "junk.txt")
