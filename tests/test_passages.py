import re
from pathlib import Path

import pytest

from indexer.model import Document, Section
from indexer.passages import MAX_WORDS, split_passages

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _sentences(text):
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]?", text) if m.group().strip()]


def _doc(sections):
    text = "\n\n".join(f"{h}\n{t}" if h else t for h, t in sections)
    return Document("d.md", "Titel", "praktijkverhaal", "d.md", text, [Section(h, t) for h, t in sections])


SENT = "Leerlingen krijgen na schooltijd begeleiding bij hun huiswerk van studenten."  # 10 words


def test_passages_keep_whole_sentences_and_headings(monkeypatch):
    monkeypatch.setattr("indexer.passages.OVERLAP_WORDS", 0)
    body = " ".join([SENT] * 30)
    doc = _doc([("Aanpak", body), ("Resultaten", " ".join([SENT] * 12))])
    passages = split_passages(doc, _sentences(doc.text))
    assert all(p.text.endswith(".") for p in passages)
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    assert {p.heading for p in passages} == {"Aanpak", "Resultaten"}
    # nothing lost: every sentence of the body is in some passage
    assert sum(p.text.count(SENT) for p in passages) == 42


def test_short_last_sentence_carries_over_to_the_next_passage(monkeypatch):
    monkeypatch.setattr("indexer.passages.OVERLAP_WORDS", 40)
    sents = [f"Zin nummer {i} gaat over begeleiding bij huiswerk van leerlingen." for i in range(40)]
    doc = _doc([("", " ".join(sents))])
    passages = split_passages(doc, _sentences(doc.text))
    assert len(passages) > 1
    for prev, nxt in zip(passages, passages[1:]):
        last = prev.text.split(". ")[-1]
        assert nxt.text.startswith(last.rstrip("."))


def test_small_sections_merge_with_neighbours():
    doc = _doc([("Samenvatting", SENT), ("Doelgroep", "Leerlingen van het vmbo."), ("Beschrijving", " ".join([SENT] * 8))])
    passages = split_passages(doc, _sentences(doc.text))
    assert len(passages) == 1
    assert passages[0].heading == "Samenvatting"
    assert "Doelgroep: Leerlingen van het vmbo." in passages[0].text


def test_a_merged_heading_with_its_own_mark_takes_no_colon():
    doc = _doc([("Samenvatting", SENT), ("Waarom een evaluatie?", "Leerlingen van het vmbo."),
                ("Opzet:", "Twee scholen."), ("Beschrijving", " ".join([SENT] * 8))])
    text = split_passages(doc, _sentences(doc.text))[0].text
    assert "Waarom een evaluatie? Leerlingen van het vmbo." in text and "Opzet: Twee scholen." in text
    assert "?:" not in text and "::" not in text


def test_a_passage_of_merged_sections_is_headed_by_the_section_it_starts_in(monkeypatch):
    # a record's small fields merge into one block; when that block still makes two passages,
    # the second starts in "Beschrijving" and is no "Samenvatting"
    monkeypatch.setattr("indexer.passages.OVERLAP_WORDS", 0)
    doc = _doc([("Samenvatting", " ".join([SENT] * 3)), ("Beschrijving", " ".join([SENT] * 19)),
                ("Doelgroep", "Leerlingen van het vmbo.")])
    passages = split_passages(doc, _sentences(doc.text))
    assert [p.heading for p in passages] == ["Samenvatting", "Beschrijving"]
    assert passages[1].text.startswith(SENT) and "Doelgroep: Leerlingen van het vmbo." in passages[1].text


def test_ids_are_stable_and_hash_follows_content():
    doc = _doc([("", " ".join([SENT] * 40))])
    a = split_passages(doc, _sentences(doc.text))
    b = split_passages(doc, _sentences(doc.text))
    assert [p.id for p in a] == [p.id for p in b] and [p.hash for p in a] == [p.hash for p in b]
    assert a[0].id == "d.md#p0"
    doc.text = doc.text.replace("huiswerk", "rekenwerk", 1)
    doc.sections[0].text = doc.text
    c = split_passages(doc, _sentences(doc.text))
    assert c[0].hash != a[0].hash and c[-1].hash == a[-1].hash


def test_run_on_text_without_sentence_ends_is_cut_at_max_words():
    doc = _doc([("", " ".join(["woord"] * 700))])
    passages = split_passages(doc, [(0, len(doc.text))])
    assert len(passages) == 3 and all(len(p.text.split()) <= MAX_WORDS for p in passages)


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")
def test_magazine_seed_passages_are_in_range():
    from indexer.nlp import analyse, load_pipeline
    from indexer.readers import read_file

    path = next(SEEDS.glob("001_*.txt"))
    doc = read_file(path, SEEDS)[0]
    passages = split_passages(doc, analyse(doc.text, load_pipeline()).sentences)
    lengths = [len(p.text.split()) for p in passages]
    assert len(passages) > 50
    assert max(lengths) <= MAX_WORDS
    assert sorted(lengths)[len(lengths) // 2] >= 80  # median passage is a real paragraph, not a fragment


def test_sentence_windows_cover_long_passages_only():
    from indexer.passages import sentence_windows

    assert sentence_windows(" ".join([SENT] * 3)) == []  # 30 words: the passage vector suffices
    text = " ".join([SENT] * 12)
    windows = sentence_windows(text, min_words=35)
    assert len(windows) == 3 and " ".join(windows) == text
    assert all(len(w.split()) >= 35 for w in windows)


def test_a_passage_id_names_its_document():
    from indexer.passages import document_of, ordinal_of, passage_id

    for doc_id in ("agendas/rotterdam.md", "record-id", "map/met#pteken.md"):
        assert document_of(passage_id(doc_id, 12)) == doc_id and ordinal_of(passage_id(doc_id, 12)) == 12
    assert ordinal_of("geen-passage") is None


def test_a_records_sources_are_in_no_passage_and_each_field_in_one():
    # guard (QA reported a record's "Bronnen" line repeated in several passages; it is not in the
    # text at all: sources are metadata, shown once on the document page)
    from indexer.readers.records import record_document

    record = {"id": "r", "naam": "Huiswerkklas", "samenvatting": SENT, "beschrijving": " ".join([SENT] * 30),
              "doelgroep": ["leerlingen van het vmbo"], "resultaten": "onbekend", "uitvoerders": ["De bibliotheek"],
              "bronnen": [{"document": "004_e32fc52ef7c66770.txt", "vindplaats": "nieuwsbericht, regel ~17"}]}
    doc = record_document(record, "interventies/r.yaml")
    passages = split_passages(doc, _sentences(doc.text))
    assert len(passages) > 1
    assert not [p for p in passages if "004_e32fc52ef7c66770" in p.text or "Bronnen" in p.text]
    for field in ("leerlingen van het vmbo", "Resultaten: onbekend", "Uitvoerders: De bibliotheek"):
        assert sum(p.text.count(field) for p in passages) == 1


def test_text_without_spaces_is_cut_into_passages_of_bounded_length():
    """QA: a 1.9 MB file of letters without a space was one passage of 2,000,099 characters."""
    from indexer.passages import MAX_CHARS, MAX_TOKEN_CHARS

    letters = "".join("abcdefghij"[(i * 7) % 10] for i in range(20_000))
    doc = _doc([("Bijlage", letters), ("", "Een zin met gewone woorden. " + "x" * 1200 + " en nog wat woorden.")])
    passages = split_passages(doc, _sentences(doc.text))
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert all(len(word) <= MAX_TOKEN_CHARS for p in passages for word in p.text.split())
    # nothing lost: the pieces hold every letter, in order
    assert "".join(p.text.replace(" ", "") for p in passages).startswith(letters)
    assert "gewone woorden" in passages[-1].text and "nog wat woorden" in passages[-1].text


def test_many_long_words_stay_within_the_character_cap(monkeypatch):
    from indexer.passages import MAX_CHARS

    monkeypatch.setattr("indexer.passages.OVERLAP_WORDS", 250)
    words = ["w" * 400 + str(i) for i in range(60)]  # 60 words, 24,000 characters, no sentence end
    doc = _doc([("Eerste", " ".join(words[:30])), ("Kop " * 400, " ".join(words[30:]))])  # a long label
    passages = split_passages(doc, [(0, len(doc.text))])
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    # every word in order (a carried-over sentence repeats some)
    assert list(dict.fromkeys(w for p in passages for w in p.text.split() if w.startswith("w"))) == words


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")
def test_the_character_cap_leaves_prose_as_it_was(monkeypatch):
    """The caps only bound text without spaces: the seeds' passages are the same without them."""
    from indexer.nlp import analyse, load_blank_pipeline
    from indexer.readers import read_file

    pipeline = load_blank_pipeline()
    docs = [read_file(path, SEEDS)[0] for path in sorted(SEEDS.glob("*.txt"))]
    sentences = [analyse(doc.text, pipeline).sentences for doc in docs]
    capped = [split_passages(doc, sents) for doc, sents in zip(docs, sentences)]
    for name in ("MAX_CHARS", "MAX_SENTENCE_CHARS", "MAX_TOKEN_CHARS"):
        monkeypatch.setattr(f"indexer.passages.{name}", 10**9)
    assert capped == [split_passages(doc, sents) for doc, sents in zip(docs, sentences)]


def test_an_opening_quote_after_a_full_stop_stays_with_its_word(tmp_path):
    """QA3 11: the sentencizer ended "… te praten. ‘" and passages join sentences with a space,
    so passages and snippets read "' Ik wil"."""
    import html

    from indexer import cli
    from indexer.config import Settings
    from indexer.model import SearchRequest
    from indexer.search import open_service

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "taalcafe.txt").write_text(
        "Taalcafé voor ouders\n\nOuders komen elke week in de bibliotheek om Nederlands te praten. ‘Ik wil mijn "
        "dochter helpen met lezen,’ zegt Fatma. Hij zei: \u201cDat lukt.\u201d \u201cJa\u201d, zei ze. "
        "De vrijwilligers oefenen met gesprekken die ouders echt voeren.\n", encoding="utf-8")
    assert cli.main(["build", str(kb), "--index", str(tmp_path / "index"), "--embedder", "fake", "--quiet"]) == 0
    service = open_service(Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake"))
    try:
        hit = service.search(SearchRequest("Fatma dochter lezen", mode="keyword", k=1)).hits[0]
        stored = service.get_document("taalcafe.txt").text
    finally:
        service.close()
    quote = stored[stored.index("praten.") + len("praten. ")]  # as the reader normalised it
    assert f"praten. {quote}Ik wil" in hit.text and f"{quote} Ik" not in hit.text, hit.text
    snippet = html.unescape(re.sub(r"</?mark>", "", hit.snippet))  # the snippet is HTML
    assert f"{quote} Ik" not in snippet and f"{quote}Ik wil" in snippet, snippet
    assert not re.search(r"[\u201c\u201d\"] Ja", hit.text), hit.text
