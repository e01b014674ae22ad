"""The Dutch stemmer of keyword analysis, in one place so that query understanding
(indexer/nlp/themes.py) stems exactly as the index does."""
from __future__ import annotations

from pathlib import Path

STEM_OVERRIDES = Path(__file__).resolve().parent / "data" / "stem_overrides.tsv"


class OverriddenStemmer:
    """Snowball with a table of words it must not touch: it strips a doubled vowel and an -e,
    so vaak and vakken, taal and tal, weten and wet (law) would be one term."""

    def __init__(self, stemmer, overrides: dict[str, str]):
        self._stemmer = stemmer
        self._overrides = overrides

    def stemWord(self, word: str) -> str:  # noqa: N802 (PyStemmer's name)
        return self._overrides.get(word) or self._stemmer.stemWord(word)


def dutch_stemmer() -> OverriddenStemmer:
    """Classic Snowball Dutch (= Elasticsearch's "dutch" stemmer), with the overrides of
    data/stem_overrides.tsv (Elasticsearch: in mappings/stem_rules.txt, build_es_stems). PyStemmer
    3's "dutch" is Kraaij-Pohlmann and over-stems: begeleiding -> beleid, gemeenten -> meen."""
    import Stemmer

    from indexer.analysis.resources import read_lines

    overrides = dict(line.split("\t", 1) for line in read_lines(STEM_OVERRIDES))
    return OverriddenStemmer(Stemmer.Stemmer("dutch_porter"), overrides)
