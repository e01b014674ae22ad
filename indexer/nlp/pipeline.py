"""Building the spaCy pipelines: one for documents (trained model when installed), one for queries."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language

from indexer.errors import DependencyMissing
from indexer.nlp import components  # noqa: F401  (registers the gka_* components)
from indexer.nlp.components import blank_dutch, customise_tokenizer
from indexer.nlp.patterns import build_patterns
from indexer.nlp.resources import PATTERNS_NAME

log = logging.getLogger(__name__)

TRAINED_MODEL = "nl_core_news_sm"


@dataclass(frozen=True)
class Pipeline:
    name: str  # what ran, recorded in the index (IndexMeta.pipeline)
    nlp: Language
    trained: bool = False


def _add_ruler(nlp: Language, case_sensitive: bool, with_doc_types: bool = False, **where) -> None:
    config = {
        "phrase_matcher_attr": "ORTH" if case_sensitive else "LOWER",
        "overwrite_ents": False,
        "validate": False,
    }
    ruler = nlp.add_pipe("entity_ruler", config=config, **where)
    ruler.add_patterns(build_patterns(case_sensitive=case_sensitive, with_doc_types=with_doc_types))
    if "ner" in nlp.pipe_names and where.get("before") == "ner":
        nlp.add_pipe("gka_context_filter", after="entity_ruler")
    else:
        nlp.add_pipe("gka_context_filter", last=True)


def _load_trained() -> Pipeline | None:
    try:
        nlp = spacy.load(TRAINED_MODEL)
    except (OSError, ImportError):
        return None
    customise_tokenizer(nlp)
    # Rules run before the statistical NER so it respects them and only fills the gaps (PER, ...).
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {"last": True}
    _add_ruler(nlp, case_sensitive=True, **where)
    meta = nlp.meta
    name = f"{meta.get('lang', 'nl')}_{meta.get('name', 'core_news_sm')} {meta.get('version', '')} + {PATTERNS_NAME}"
    return Pipeline(name=name, nlp=nlp, trained=True)


def _load_blank() -> Pipeline:
    nlp = blank_dutch()
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("gka_heading_breaks")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        # Tables come from spacy-lookups-data, installed locally: no download.
        lemmatizer.initialize(nlp=nlp)
    except (ValueError, OSError) as exc:
        raise DependencyMissing(
            "the Dutch lemma lookup table is missing", hint="pip install spacy-lookups-data"
        ) from exc
    _add_ruler(nlp, case_sensitive=True)
    return Pipeline(
        name=f"blank:nl + sentencizer + lookup-lemmatizer + {PATTERNS_NAME}", nlp=nlp, trained=False
    )


@lru_cache(maxsize=1)
def load_pipeline() -> Pipeline:
    """The document pipeline: nl_core_news_sm when installed, else the blank fallback."""
    pipeline = _load_trained()
    if pipeline is None:
        log.info("%s not installed; using the blank Dutch pipeline", TRAINED_MODEL)
        pipeline = load_blank_pipeline()
    return pipeline


@lru_cache(maxsize=1)
def load_blank_pipeline() -> Pipeline:
    """The blank pipeline regardless of installed models (tests, reproducible builds)."""
    return _load_blank()


@lru_cache(maxsize=1)
def load_query_pipeline() -> Pipeline:
    """Tokenizer + case-insensitive ruler only: fast enough to run on every search request."""
    nlp = blank_dutch()
    _add_ruler(nlp, case_sensitive=False, with_doc_types=True)
    return Pipeline(name=f"query:blank:nl + {PATTERNS_NAME}", nlp=nlp, trained=False)
