"""Query understanding: which municipalities, provinces, sectors, document types, themes, years
and evidence levels a query names."""
from __future__ import annotations

from functools import lru_cache

from indexer.nlp import resources
from indexer.nlp.query_doc import query_doc
from indexer.nlp.query_filters import named_evidence, named_years
from indexer.nlp.themes import named_themes

# Entity label -> facet field of the search request.
QUERY_FIELDS = {"GEMEENTE": "gemeente", "PROVINCIE": "provincie", "SECTOR": "sector", "TYPE": "type"}


def detect_query_entities(text: str) -> dict[str, list[str]]:
    """Facet values named in ``text``, e.g. {"gemeente": ["Apeldoorn"]}; only fields found.

    Only what is named: a municipality does not imply its province.
    """
    if not text or not text.strip():
        return {}
    # queries repeat (paging, facet clicks): the spaCy pass (~1 ms) runs once per text
    return {field: list(values) for field, values in _detect(text)}


@lru_cache(maxsize=1024)
def _detect(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    doc = query_doc(text)
    found: dict[str, list[str]] = {}
    taken: set[str] = set()
    topic = frozenset(resources.context_rules().get("query_topic_markers") or ())
    for ent in doc.ents:
        field = QUERY_FIELDS.get(ent.label_)
        if field is None:
            continue
        if field == "type" and _after_topic_marker(doc, ent.start, topic):
            continue  # "over (het) nieuws": what the question is about, not the kind of document
        if field == "type" and ent.ent_id_ == "agenda" and (_for_a_meeting(doc, ent.end) or _after_a_meeting(doc, ent.start)
                                                             or _in_idiom(doc, ent.start)):
            continue
        taken.update(t.lower_ for t in ent)
        value = ent.ent_id_ or ent.text
        values = found.setdefault(field, [])
        if value not in values:
            values.append(value)
    themes = named_themes(text, frozenset(taken))
    if themes:
        found["thema"] = themes
    for field, values in (("jaar", named_years(text)), ("bewijskracht", named_evidence(text))):
        if values:
            found[field] = values
    return tuple((field, tuple(values)) for field, values in found.items())


def _after_topic_marker(doc, i: int, topic: frozenset) -> bool:
    """Whether the words before ``i`` are a topic marker, with or without an article
    ("over nieuws", "over het nieuws", "about the news")."""
    articles = (resources.context_rules().get("query_meeting_agenda") or {}).get("articles", ())
    j = i - 1
    if j > 0 and doc[j].lower_ in articles:
        j -= 1
    return j >= 0 and doc[j].lower_ in topic


def _for_a_meeting(doc, i: int) -> bool:
    """Whether the words from ``i`` are "voor de ouderavond" (a joiner, an article, a meeting):
    also past an inflected adjective or two ("voor een goede ouderavond", "de eerste") and with a
    hyphenated meeting word judged by its last part ("MR-vergadering", "thema-avond"); English
    puts nouns before the meeting ("the parents' evening", "our staff meeting"): the listed ones."""
    rules = resources.context_rules().get("query_meeting_agenda") or {}
    ends = tuple(rules.get("meeting_ends", ()))
    if i >= len(doc):
        return False
    if doc[i].lower_ not in rules.get("joiners", ()):  # "agenda ouderavond": the meeting right after
        head, _ = _word_head(doc, i)
        return head is not None and head.endswith(ends)
    i += 1
    if i < len(doc) and doc[i].lower_ in rules.get("articles", ()):
        i += 1
    modifiers = frozenset(rules.get("modifiers", ()))
    for _ in range(3):  # the word itself, or after up to two modifiers ("de jaarlijkse ouderavond")
        head, after = _word_head(doc, i)
        if head is None:
            return False
        if head.endswith(ends):
            return True
        if not (head.isalpha() and (head.endswith("e") or head in modifiers)):
            return False
        i = after
        if i < len(doc) and doc[i].text in ("'", "’"):  # "the parents' evening"
            i += 1
    return False


def _in_idiom(doc, i: int) -> bool:
    """Whether the words before ``i`` make "op de agenda" ("gelijke kansen op de agenda zetten")."""
    for words in resources.context_rules().get("query_idiom_agenda") or ():
        start = i - len(words)
        if start >= 0 and [t.lower_ for t in doc[start:i]] == list(words):
            return True
    return False


def _after_a_meeting(doc, i: int) -> bool:
    """Whether the word before ``i`` is a meeting, as English puts it before the agenda
    ("parents evening agenda", "staff meeting agenda", "the parents' evening agenda")."""
    ends = tuple((resources.context_rules().get("query_meeting_agenda") or {}).get("meeting_ends", ()))
    j = i - 1
    if j >= 0 and doc[j].text in ("'", "’"):
        j -= 1
    return j >= 0 and doc[j].lower_.endswith(ends)


def _word_head(doc, i: int):
    """The last part of the (hyphenated) word starting at token ``i`` and the token after it."""
    if i >= len(doc):
        return None, i
    while i + 2 < len(doc) and not doc[i].whitespace_ and doc[i + 1].text == "-" and not doc[i + 1].whitespace_:
        i += 2
    return doc[i].lower_, i + 1


@lru_cache(maxsize=1024)
def named_value(text: str, field: str) -> str | None:
    """The value of ``field`` that ``text`` names as a whole ("basisonderwijs" -> po, "Sittard"
    -> Sittard-Geleen, "agenda's" -> agenda); None when it names none, several, or more than the
    value ("geen basisonderwijs", "xyz po"). Punctuation around it does not count."""
    if not text or not text.strip():
        return None
    doc = query_doc(text)
    words = [t.i for t in doc if not (t.is_punct or t.is_space)]
    ents = [e for e in doc.ents if QUERY_FIELDS.get(e.label_) == field]
    if len(ents) != 1 or not words or any(not ents[0].start <= i < ents[0].end for i in words):
        return None
    return ents[0].ent_id_ or ents[0].text
