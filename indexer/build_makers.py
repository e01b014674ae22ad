"""What an index was made by: the salt of its files' hashes and the makers whose change rebuilds it."""
from __future__ import annotations

from indexer.config import Settings
from indexer.model import IndexMeta

# p6: a passage of merged small sections takes the heading of the one it starts in
# p7: a merged section's heading that ends in "?" (or ".", ":", "!") is no "Heading?: " label
# p8: an opening quote after a full stop starts the next sentence, not ends the one before (analyse)
CHUNKER_VERSION = "p8"


def file_salt(settings: Settings, pipeline_name: str, analyzer_version: str) -> str:
    """What a file's hash is salted with: anything that changes a document's analysis, facets
    or passages, so a change to any of them re-reads every file."""
    from indexer import passages as chunker
    from indexer.nlp.enrich import ENRICH_VERSION
    from indexer.nlp.resources import data_fingerprint
    from indexer.readers import READER_VERSION  # read per call: a new reader version re-reads

    return (f"{READER_VERSION}|{pipeline_name}|{ENRICH_VERSION}|{data_fingerprint()}|{analyzer_version}|"
            f"{CHUNKER_VERSION}|{chunker.TARGET_WORDS}|{chunker.MAX_WORDS}|{chunker.OVERLAP_WORDS}|"
            f"{chunker.MAX_CHARS}|{chunker.MAX_SENTENCE_CHARS}|{chunker.MAX_TOKEN_CHARS}|"
            f"{chunker.WINDOW_WORDS * settings.sentence_windows}")


def makers(meta: IndexMeta) -> dict[str, str]:
    """What built an index: another of any of these makes a rebuild from scratch. A model read
    from files (sentence-transformers) is also its files' digest; the layout is the backend's
    (Elasticsearch's mapping version), which an incremental build cannot change."""
    model = f", model files {meta.model_files}" if meta.model_files else ""
    return {"embedder": f"{meta.embedder} ({meta.dim}-d{model})", "pipeline": meta.pipeline,
            "analyzer": meta.analyzer_version, "index layout": meta.mapping_version or "-"}


def changes(old: IndexMeta, new: IndexMeta) -> str:
    """What differs between the index's makers and this build's, each as "was → now"."""
    was, now = makers(old), makers(new)
    return "; ".join(f"{key} {was[key]} → {now[key]}" for key in was if was[key] != now[key])
