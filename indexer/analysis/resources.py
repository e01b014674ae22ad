"""Where the analyzer's data lives and how it is read (once, as plain dicts and sets)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from indexer.config import MAPPINGS_DIR
from indexer.errors import ConfigError, DependencyMissing

_HERE_DATA = Path(__file__).resolve().parent / "data"

DATA_FILES: dict[str, Path] = {
    "stopwords": MAPPINGS_DIR / "stopwords_nl.txt",
    "synonyms": MAPPINGS_DIR / "synonyms.txt",
    "glossary": MAPPINGS_DIR / "glossary_en_nl.txt",
    "compound_words": MAPPINGS_DIR / "compound_words.txt",
    "zipf": _HERE_DATA / "nl_zipf.tsv",
    "domain_words": _HERE_DATA / "domain_words.txt",
    "lemma_overrides": _HERE_DATA / "lemma_overrides.tsv",
    "compound_keep": _HERE_DATA / "compound_keep.txt",
    "english_common": _HERE_DATA / "en_common.txt",
    "english_dutch_shared": _HERE_DATA / "en_nl_shared.txt",
}

# Exception tables of spacy-lookups-data, most trusted first: "scholen" is school (noun)
# before schuilen (verb). Function-word tables (adp, det, pron) are left out on purpose.
_EXC_POS_ORDER = ("noun", "verb", "adj", "adv")


def read_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a UTF-8 text file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"analyzer data file missing: {path}") from exc
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


def load_zipf(path: Path | None = None) -> dict[str, float]:
    """Folded word -> zipf frequency, for the words of the compound word list."""
    out: dict[str, float] = {}
    for line in read_lines(path or DATA_FILES["zipf"]):
        word, _, zipf = line.partition("\t")
        out[word] = float(zipf or 0.0)
    return out


def _lookups_dir() -> Path:
    try:
        import spacy_lookups_data
    except ImportError as exc:  # pragma: no cover - installed in the project venv
        raise DependencyMissing(
            "spacy-lookups-data is not installed", hint="pip install spacy-lookups-data"
        ) from exc
    return Path(spacy_lookups_data.__file__).resolve().parent / "data"


def _read_gz_json(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def load_lemmas(fold) -> dict[str, str]:
    """Folded inflected form -> folded lemma, from the Dutch lookup + exception tables.

    Read straight from the package's JSON files: plain dict lookups, no spaCy pipeline.
    """
    base = _lookups_dir()
    lemmas: dict[str, str] = {}
    exc = _read_gz_json(base / "nl_lemma_exc.json.gz")
    nouns = set(_read_gz_json(base / "nl_lemma_index.json.gz").get("noun", ()))
    for pos in reversed(_EXC_POS_ORDER):  # later (more trusted) tables overwrite
        for form, lemma_list in exc.get(pos, {}).items():
            if lemma_list and form not in nouns:  # "school" stays school, not schuilen
                lemmas[form] = lemma_list[0]
    lemmas.update(_read_gz_json(base / "nl_lemma_lookup.json.gz"))
    out: dict[str, str] = {}
    for form, lemma in lemmas.items():
        lemma = lemma.strip()  # three lookup lemmas end in a space ("sloten" -> "slot ")
        if "'" in form or " " in form or form.startswith("-") or not lemma:
            continue  # contractions and fragments: handled by the stopword list / tokenizer
        key = form if form.isascii() and form.islower() else fold(form)
        out.setdefault(key, lemma if lemma.isascii() and lemma.islower() else fold(lemma))
    out.update(_place_adjectives(fold))
    for line in read_lines(DATA_FILES["lemma_overrides"]):
        form, _, lemma = line.partition("\t")
        out[form] = lemma
    return out


def load_keep_whole(fold) -> frozenset[str]:
    """Folded words the decompounder leaves whole: lexicalised compounds (netwerk is no net,
    deelname no naam) and one-word place names of the query patterns' gazetteer (municipalities,
    their towns, provinces): Harderwijk is no wijk, Doesburg no doen."""
    from indexer.nlp.resources import load_provinces, municipality_aliases

    names = list(municipality_aliases()) + [n for p, aliases in load_provinces().items() for n in (p, *aliases)]
    words = {fold(w) for w in read_lines(DATA_FILES["compound_keep"])}
    return frozenset(words | {fold(n) for n in names if n.isalpha()})


def load_place_words(fold) -> frozenset[str]:
    """The folded words of the gazetteer's place names ("den", "haag", "rotterdam"): names, no
    language's words, when a question's language is weighed."""
    from indexer.nlp.resources import load_provinces, municipality_aliases

    names = list(municipality_aliases()) + [n for p, aliases in load_provinces().items() for n in (p, *aliases)]
    return frozenset(w for n in names for w in fold(n).replace("-", " ").split() if w.isalpha())


def _place_adjectives(fold) -> dict[str, str]:
    """Folded place adjective -> the place's word (rotterdamse -> rotterdam), from the query
    patterns' list, so that "Rotterdamse scholen" matches text about Rotterdam."""
    from indexer.nlp.resources import load_place_adjectives

    return {fold(adjective): word for adjective, _, word in load_place_adjectives() if word}


def index_data_fingerprint() -> str:
    """A digest of the analyzer's own tables that shape ``index_terms`` (stop words, word list,
    lemma and stem overrides, whole words): part of the analyzer's version, so an edited table
    re-analyses an index even when VERSION stays the same. The gazetteer and place adjectives
    shape it too; they are pattern files, in the build's file salt (nlp.resources.data_fingerprint).
    Synonyms and the glossary are query time only."""
    import hashlib

    from indexer.analysis.stemming import STEM_OVERRIDES

    h = hashlib.sha1()
    names = ("stopwords", "compound_words", "zipf", "lemma_overrides", "compound_keep")
    for path in [DATA_FILES[n] for n in names] + [STEM_OVERRIDES]:
        h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return h.hexdigest()[:8]


def load_verbs() -> frozenset[str]:
    """Verb lemmas of spacy-lookups-data (the decompounder leaves verbs whole)."""
    return frozenset(_read_gz_json(_lookups_dir() / "nl_lemma_index.json.gz").get("verb", ()))
