"""Dutch NLP: spaCy pipeline, rule-based entities, metadata enrichment, query entity detection."""
from indexer.nlp.analyse import analyse
from indexer.nlp.pipeline import Pipeline, load_blank_pipeline, load_pipeline, load_query_pipeline
from indexer.nlp.query import detect_query_entities

__all__ = [
    "Pipeline",
    "analyse",
    "detect_query_entities",
    "load_blank_pipeline",
    "load_pipeline",
    "load_query_pipeline",
]
