"""Dutch NLP: spaCy pipeline, rule-based entities, metadata enrichment, query entity detection."""
from indexer.nlp.analyse import analyse
from indexer.nlp.enrich import enrich, labels
from indexer.nlp.enrich import municipalities_map as municipalities
from indexer.nlp.pipeline import Pipeline, load_blank_pipeline, load_pipeline, load_query_pipeline
from indexer.nlp.query import detect_query_entities, named_value

__all__ = [
    "Pipeline",
    "analyse",
    "detect_query_entities",
    "named_value",
    "enrich",
    "labels",
    "load_blank_pipeline",
    "load_pipeline",
    "load_query_pipeline",
    "municipalities",
]
