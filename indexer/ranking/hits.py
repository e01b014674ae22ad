"""The ranked pool (fused scores boosted by the values the query names, collapsed per document)
and a page's hits: the passages' records, with each retriever's rank and score, and the values
that raised a passage's score."""
from __future__ import annotations

from dataclasses import fields

from indexer.model import Hit, PageRecord, document_date
from indexer.query_understanding import TOPIC_FIELDS
from indexer.ranking import fusion

# offered as filters only: a theme's trigger words are what the keyword side matches already
# (boosting it too was no better on the eval sets); a year or an evidence level says when or how
# well, not what a passage is about, unless the query names nothing else ("goed onderbouwd",
# "beleidsbrieven 2019"): then it is what the query asks for
UNBOOSTED_FIELDS = frozenset({"thema", "jaar", "bewijskracht"})


def boosted_fields(detected: dict[str, list[str]], names_only: bool = False) -> dict[str, set[str]]:
    """The facet values named in the query (query understanding) that raise a passage's score;
    for a query of names alone (``names_only``) every named value but a theme."""
    unboosted = TOPIC_FIELDS if names_only else UNBOOSTED_FIELDS
    return {f: set(v) for f, v in detected.items() if v and f not in unboosted}


def boosts(wanted: dict[str, set[str]], facets: dict[str, list[str]]) -> dict[str, list[str]]:
    """Of ``wanted``, the values a document carries, per field: one boost per field."""
    return {f: sorted(v.intersection(facets.get(f, ()))) for f, v in wanted.items() if not v.isdisjoint(facets.get(f, ()))}


def boosted_count(wanted: dict[str, set[str]], facets: dict[str, list[str]]) -> int:
    """len(boosts(wanted, facets)), without making the lists: it runs for every pooled passage."""
    count = 0
    for field, values in wanted.items():
        if not values.isdisjoint(facets.get(field, ())):
            count += 1
    return count


def page_hits(backend, ranked, keyword, semantic) -> list[Hit]:
    """``ranked``: (passage id, score, other passages of its document); ``keyword`` and
    ``semantic``: each side's ranking, (passage id, score) best first, which give the ranks that
    "Waarom dit resultaat?" and the API show (None: not in that ranking)."""
    kw_rank, sem_rank = fusion.ranks(keyword), fusion.ranks(semantic)
    kw_score, sem_score = dict(keyword), dict(semantic)
    records = page_records(backend, [pid for pid, _, _ in ranked])
    hits = []
    for pid, score, more in ranked:
        rec = records.get(pid)
        if rec is None:
            continue
        # positional (_HIT_ORDER): a call by keyword parses 16 names, 0.97 -> 0.40 us a hit
        hits.append(Hit(rec.doc_id, pid, rec.title, rec.doc_type, rec.heading, rec.text, "", score,
                        kw_rank.get(pid), kw_score.get(pid), sem_rank.get(pid), sem_score.get(pid),
                        rec.facets, rec.source_path, rec.date, list(more)))
    return hits


_HIT_ORDER = ("doc_id", "passage_id", "title", "doc_type", "heading", "text", "snippet", "score", "keyword_rank",
              "keyword_score", "semantic_rank", "semantic_score", "facets", "source_path", "date", "more_passages")
if tuple(f.name for f in fields(Hit))[:len(_HIT_ORDER)] != _HIT_ORDER:  # page_hits passes them in this order
    raise ImportError("indexer.model.Hit's fields moved: update hits.page_hits")


def page_records(backend, passage_ids: list[str]) -> dict[str, PageRecord]:
    """passage id -> what its hit shows; from the backend's lean read where it has one (the
    embedded backend: no record objects, no metadata parsed without a date in it)."""
    lean = getattr(backend, "page_records", None)
    if lean is not None:
        return lean(passage_ids)
    return {p.id: PageRecord(d.id, d.title, d.doc_type, p.heading, p.text, d.facets, d.source_path, document_date(d))
            for p, d in backend.passages(passage_ids)}


def name_boosts(page: list[Hit], ranked, detected: dict[str, list[str]], names_only: bool = False) -> None:
    """Set what the ranking raised each hit for ("Waarom dit resultaat?"): only the ranked pool
    (``ranked``) was boosted (a keyword tail past it is in keyword order), and a score of 0
    gained nothing."""
    wanted = boosted_fields(detected, names_only)
    if not wanted:
        return
    pooled = {pid for pid, _, _ in ranked}
    for hit in page:
        if hit.score and hit.passage_id in pooled:
            hit.boosted_by = boosts(wanted, hit.facets)


def rank_pool(fused, detected: dict[str, list[str]], request, meta,
              boost: float, names_only: bool = False) -> list[tuple[str, float, list[str]]]:
    """(passage id, final score, other passage ids of its document when collapsed), best first:
    the fused pool with the values the query names boosted (``boost`` a field), only one
    document's passages for ``request.doc_id``. ``meta``: ids -> {id: (document id, facets)}.
    ``names_only`` (a query of names alone, "agenda's Noord-Brabant"): each named field a passage
    carries adds the pool's best score, so carriers come first, the surer by more fields."""
    info = meta([pid for pid, _ in fused])
    wanted = boosted_fields(detected, names_only)  # once, not once per passage
    # cosines of one pool differ by hundredths: the boost scales their spread above the pool's
    # lowest, else a tenth of the whole cosine would lift every carrier above every other passage
    base = min(score for _, score in fused) if request.mode == "semantic" and fused else 0.0
    lift = max(score for _, score in fused) - base if names_only and fused else 0.0
    items: list[tuple[str, str, float]] = []
    for pid, score in fused:
        if pid not in info:
            continue
        doc_id, facets = info[pid]
        if request.doc_id is not None and doc_id != request.doc_id:
            continue
        # once per named field the passage carries: "vve in Groningen" lifts a Groningen vve
        # passage above one that is only vve or only in Groningen
        carried = boosted_count(wanted, facets) if wanted else 0
        if carried:
            score = base + (score - base) * (1.0 + boost * carried) + lift * carried
        items.append((pid, doc_id, score))
    items.sort(key=lambda it: (-it[2], it[0]))
    if not (request.collapse and request.doc_id is None):
        return [(pid, score, []) for pid, _, score in items]
    best: dict[str, tuple[str, float, list[str]]] = {}
    for pid, doc_id, score in items:
        if doc_id in best:
            best[doc_id][2].append(pid)
        else:
            best[doc_id] = (pid, score, [])
    return list(best.values())
