"""The versioned Elasticsearch index body: load the JSON files in mappings/, fill, validate.

``mappings/es_settings.v<MAPPING_VERSION>.json`` holds the analysis chain,
``mappings/es_mappings.v<MAPPING_VERSION>.json`` the fields. Placeholders (strings like
``"{{dim}}"``) are filled at index-creation time: the embedder and its dimension, the
stop words, the compound-word list, the synonym rules and the stem rules (read from
``mappings/stopwords_nl.txt``, ``mappings/compound_words.txt``, ``mappings/synonyms.txt`` and
``mappings/stem_rules.txt`` when they exist). A filter whose list ends up empty is left out of the analyzer chains,
because Elasticsearch refuses an empty ``word_list`` / ``synonyms``.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterable

from indexer.config import MAPPINGS_DIR
from indexer.errors import ConfigError

MAPPING_VERSION = "8"  # 2: passages keep their sentence-window vectors (window_vectors); 3: gka_dutch_search_whole;
# 4: .exact subfields (gka_dutch_exact) for quoted phrases; 5: the embedded analyzer's lemma terms (stem_rules.txt);
# 6: a passage's body also holds its separable verbs, joined by the client (es_writer); 7: the window vectors
# also nested and searched (rank_windows, es_windows), so semantic scores blend windows as the embedded backend;
# 8: the stop words are the embedded analyzer's list (mappings/stopwords_nl.txt), not the built-in _dutch_
SETTINGS_FILE = f"es_settings.v{MAPPING_VERSION}.json"
MAPPINGS_FILE = f"es_mappings.v{MAPPING_VERSION}.json"
STOPWORDS_FILE = "stopwords_nl.txt"
COMPOUND_WORDS_FILE = "compound_words.txt"
SYNONYMS_FILE = "synonyms.txt"
STEM_RULES_FILE = "stem_rules.txt"
MAX_DIMS = 4096

# filter name in the settings file -> placeholder filled from a word-list file
_LIST_FILTERS = {"gka_dutch_stop": "{{stopwords}}", "gka_decompound": "{{compound_words}}", "gka_synonyms": "{{synonyms}}",
                 "gka_dutch_override": "{{stem_rules}}"}
_BUILTIN_ANALYZERS = {"standard", "simple", "whitespace", "keyword", "dutch", "english"}
_BUILTIN_SIMILARITIES = {"BM25", "boolean"}
_BUILTIN_FILTERS = {"lowercase", "asciifolding", "stop", "stemmer", "trim", "unique"}


def read_json(path: Path) -> dict[str, Any]:
    """Parse one JSON file; ConfigError naming the file when it is malformed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not readable JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    return data


def read_word_list(path: Path) -> list[str]:
    """Lines of a word list without blanks and ``#`` comments; [] when the file is absent."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


def read_compound_words(path: Path) -> list[str]:
    """One word per line (extra columns after whitespace/comma are ignored), lowercased."""
    words = ((line.replace(",", " ").split() or [""])[0].lower() for line in read_word_list(path))
    return list(dict.fromkeys(w for w in words if w))


def load_index_body(
    dim: int,
    embedder: str,
    *,
    mappings_dir: Path | None = None,
    stopwords: Iterable[str] | None = None,
    compound_words: Iterable[str] | None = None,
    synonyms: Iterable[str] | None = None,
    stem_rules: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The body of ``PUT <index>``: ``{"settings": ..., "mappings": ...}`` with placeholders filled.

    :param dim: the embedder's vector dimension (1..4096).
    :param embedder: the embedder name recorded in ``_meta``.
    :param stopwords: overrides mappings/stopwords_nl.txt.
    :param compound_words: overrides mappings/compound_words.txt (tests use small fixtures).
    :param synonyms: Solr-format rules; overrides mappings/synonyms.txt.
    :param stem_rules: ``stemmer_override`` rules; override mappings/stem_rules.txt.
    """
    if not 1 <= int(dim) <= MAX_DIMS:
        raise ConfigError(f"vector dimension {dim} is outside 1..{MAX_DIMS} supported by dense_vector")
    base = Path(mappings_dir or MAPPINGS_DIR)
    settings = _strip_comments(read_json(base / SETTINGS_FILE))
    mappings = _strip_comments(read_json(base / MAPPINGS_FILE))
    if stopwords is None:
        stopwords = read_word_list(base / STOPWORDS_FILE)
    if compound_words is None:
        compound_words = read_compound_words(base / COMPOUND_WORDS_FILE)
    if synonyms is None:
        synonyms = read_word_list(base / SYNONYMS_FILE)
    if stem_rules is None:
        stem_rules = read_word_list(base / STEM_RULES_FILE)
    values = {
        "{{dim}}": int(dim),
        "{{embedder}}": str(embedder),
        "{{stopwords}}": list(stopwords),
        "{{compound_words}}": list(compound_words),
        "{{synonyms}}": list(synonyms),
        "{{stem_rules}}": list(stem_rules),
    }
    settings = _drop_empty_list_filters(settings, values)
    body = {"settings": _fill(settings, values), "mappings": _fill(mappings, values)}
    left = sorted(_placeholders(body))
    if left:
        raise ConfigError(f"unfilled placeholders in the index body: {', '.join(left)}")
    return body


def mapping_version(mappings_dir: Path | None = None) -> str:
    """The version the mapping file declares in ``_meta.mapping_version``."""
    data = read_json(Path(mappings_dir or MAPPINGS_DIR) / MAPPINGS_FILE)
    return str(data.get("_meta", {}).get("mapping_version", ""))


def validate_mappings_dir(mappings_dir: Path | None = None) -> list[str]:
    """Problems found in mappings/ (empty list = fine): every JSON parses, every analyzer,
    filter, similarity and copy_to target referenced is defined, the declared version matches
    this module."""
    base = Path(mappings_dir or MAPPINGS_DIR)
    problems: list[str] = []
    for path in sorted(base.glob("*.json")):
        try:
            read_json(path)
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        return problems
    settings = _strip_comments(read_json(base / SETTINGS_FILE))
    mappings = read_json(base / MAPPINGS_FILE)
    analysis = settings.get("analysis", {})
    analyzers = analysis.get("analyzer", {})
    filters = analysis.get("filter", {})
    for name, analyzer in analyzers.items():
        for flt in analyzer.get("filter", []):
            if flt not in filters and flt not in _BUILTIN_FILTERS:
                problems.append(f"analyzer {name} uses undefined filter {flt}")
    for field, analyzer in _referenced_analyzers(mappings.get("properties", {})):
        if analyzer not in analyzers and analyzer not in _BUILTIN_ANALYZERS:
            problems.append(f"field {field} uses undefined analyzer {analyzer}")
    similarities = settings.get("similarity", {})
    properties = mappings.get("properties", {})
    for field, spec in properties.items():
        named = spec.get("similarity") if spec.get("type") == "text" else None  # vectors name a metric
        if named and named not in similarities and named not in _BUILTIN_SIMILARITIES:
            problems.append(f"field {field} uses undefined similarity {named}")
        if spec.get("copy_to") and spec["copy_to"] not in properties:
            problems.append(f"field {field} copies to undefined field {spec['copy_to']}")
    declared = str(mappings.get("_meta", {}).get("mapping_version", ""))
    if declared != MAPPING_VERSION:
        problems.append(f"{MAPPINGS_FILE} declares mapping_version {declared!r}, expected {MAPPING_VERSION!r}")
    return problems


# -- helpers ----------------------------------------------------------------------------


def _referenced_analyzers(properties: dict[str, Any], prefix: str = "") -> Iterable[tuple[str, str]]:
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        for key in ("analyzer", "search_analyzer", "search_quote_analyzer"):
            if key in spec:
                yield path, spec[key]
        yield from _referenced_analyzers(spec.get("fields", {}), path + ".")
        yield from _referenced_analyzers(spec.get("properties", {}), path + ".")


def _strip_comments(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_comments(v) for k, v in node.items() if not k.startswith("_comment")}
    if isinstance(node, list):
        return [_strip_comments(v) for v in node]
    return node


def _drop_empty_list_filters(settings: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    settings = copy.deepcopy(settings)
    analysis = settings.get("analysis", {})
    filters = analysis.get("filter", {})
    for name, placeholder in _LIST_FILTERS.items():
        if name in filters and not values[placeholder]:
            del filters[name]
            for analyzer in analysis.get("analyzer", {}).values():
                analyzer["filter"] = [f for f in analyzer.get("filter", []) if f != name]
    return settings


def _fill(node: Any, values: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values) for v in node]
    if isinstance(node, str) and node in values:
        return copy.deepcopy(values[node])
    return node


def _placeholders(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_placeholders(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_placeholders(v) for v in node)) if node else set()
    if isinstance(node, str) and node.startswith("{{") and node.endswith("}}"):
        return {node}
    return set()
