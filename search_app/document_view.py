"""A document page's passages for a query: which match its words, where each begins, their marks.

A passage starts with the previous passage's last sentence (indexer/passages.py); the page shows
that sentence once, at the end of the previous paragraph. So a passage's anchor (``#passage-N``,
where a result links to) is put where its text begins, on that carried sentence when it has one,
and the carried sentence is marked for the passage that matched by it: the visitor lands on the
text the snippet showed, and every passage the keyword search matched is counted.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from indexer.errors import QueryError
from indexer.model import DocumentRecord, Passage, SearchRequest
from search_app.marking import Marker
from search_app.params import MAX_K, MAX_PAGE


@dataclass(frozen=True)
class ShownPassage:
    passage: Passage
    body: Markup  # the paragraph, less the end the next passage carries over
    tail: Markup  # that end, where the next passage begins (empty when it carries nothing)
    anchored: bool  # the passage begins in its own paragraph (no carried sentence shown above)
    heading: Markup
    matched: bool  # the keyword search matches the passage (what "N passages met ..." counts)
    marked: bool  # the paragraph shows a marked word
    # matched with no marked word in its text or heading: "titel" (each passage matches by the
    # document's title) or "elders" (in a piece of text the marks skip, such as a web address)
    unseen: str = ""


def shown_passages(doc: DocumentRecord, texts: list[str], matching: set[str],
                   marker: Marker | None) -> list[ShownPassage]:
    """One entry per passage of ``doc`` (``texts``: present.passage_texts), marked for the
    passages in ``matching``."""
    passages = doc.passages
    by_title = "titel" if marker and Marker.has_marks(marker.mark(doc.title)) else "elders"
    tails = [_carried_end(texts[i], passages[i + 1], texts[i + 1]) if i + 1 < len(passages) else ""
             for i in range(len(passages))]

    def mark(text: str, *ids: str) -> Markup:
        return marker.mark(text) if marker and any(i in matching for i in ids) else escape(text)

    shown = []
    for i, p in enumerate(passages):
        body_text = texts[i][: len(texts[i]) - len(tails[i])]
        next_id = passages[i + 1].id if i + 1 < len(passages) else ""
        body, tail, heading = mark(body_text, p.id), mark(tails[i], p.id, next_id), mark(p.heading, p.id)
        carried_in = tails[i - 1] if i else ""
        # the carried sentence as the paragraph before shows it: marked when this passage matched
        visible = [body, tail, heading] + ([shown[-1].tail] if carried_in else [])
        shown.append(ShownPassage(
            passage=p, body=body, tail=tail, anchored=not carried_in, heading=heading,
            matched=p.id in matching, marked=Marker.has_marks(body) or Marker.has_marks(tail),
            unseen=by_title if p.id in matching and not any(map(Marker.has_marks, visible)) else "",
        ))
    return shown


def _carried_end(text: str, following: Passage, following_text: str) -> str:
    """The end of a shown paragraph ``text`` that ``following`` starts with (its stripped part)."""
    head = following.text[: len(following.text) - len(following_text)].rstrip()
    return head if head and len(head) < len(text) and text.endswith(head) else ""


def matching_passages(service, doc_id: str, query: str, exact: bool = False) -> tuple[set[str], str]:
    """(ids of this document's passages that match ``query`` as words, the query text they
    match: corrected, as the search corrected it, unless ``exact``). Keyword mode: semantic search
    would 'match' every passage; over as many pages as the document needs."""
    found: set[str] = set()
    searched = query
    if not query:
        return found, searched
    for page in range(1, MAX_PAGE + 1):
        try:
            response = service.search(SearchRequest(query=query, mode="keyword", k=MAX_K, page=page, doc_id=doc_id,
                                                    exact=exact))
        except QueryError:
            break
        searched = response.corrected or query
        found.update(hit.passage_id for hit in response.hits)
        if not response.hits or page * MAX_K >= response.total:
            break
    return found, searched
