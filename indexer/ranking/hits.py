"""A page's hits: the ranked passages' records, with each retriever's rank and score."""
from __future__ import annotations

from indexer.model import Hit, document_date
from indexer.ranking import fusion


def page_hits(backend, ranked, keyword, semantic) -> list[Hit]:
    """``ranked``: (passage id, score, other passages of its document); ``keyword`` and
    ``semantic``: each side's ranking, (passage id, score) best first, which give the ranks that
    "Waarom dit resultaat?" and the API show (None: not in that ranking)."""
    kw_rank, sem_rank = fusion.ranks(keyword), fusion.ranks(semantic)
    kw_score, sem_score = dict(keyword), dict(semantic)
    records = {p.id: (p, d) for p, d in backend.passages([pid for pid, _, _ in ranked])}
    hits = []
    for pid, score, more in ranked:
        if pid not in records:
            continue
        passage, doc = records[pid]
        hits.append(Hit(
            doc_id=doc.id, passage_id=pid, title=doc.title, doc_type=doc.doc_type,
            heading=passage.heading, text=passage.text, snippet="", score=score,
            keyword_rank=kw_rank.get(pid), keyword_score=kw_score.get(pid),
            semantic_rank=sem_rank.get(pid), semantic_score=sem_score.get(pid),
            facets=doc.facets, source_path=doc.source_path,
            date=document_date(doc),
            more_passages=list(more),
        ))
    return hits
