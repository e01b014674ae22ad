"""The Dutch stemmer of keyword analysis, in one place so that query understanding
(indexer/nlp/themes.py) stems exactly as the index does."""
from __future__ import annotations


def dutch_stemmer():
    """Classic Snowball Dutch (= Elasticsearch's "dutch" stemmer). PyStemmer 3's "dutch" is
    Kraaij-Pohlmann and over-stems: begeleiding -> beleid, gemeenten -> meen."""
    import Stemmer

    return Stemmer.Stemmer("dutch_porter")
