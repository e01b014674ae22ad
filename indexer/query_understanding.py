"""Query understanding for the service: the facet values a query names, and filter values read
as the index spells them. Both come from the NLP package; without it a search still works, with
no query understanding."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def value_namer():
    """The NLP's value namer ("Fryslan" -> Fryslân) for filter values; None without the NLP package."""
    try:
        from indexer.nlp import named_value
    except ImportError:  # NLP package not importable: filter values by their own spelling only
        return None
    return named_value


def query_detector(analyzer):
    """text -> {field: [values]} the query names (places, sectors, types, themes, years), the
    themes of an English question read from its Dutch rendering too; None without the NLP package."""
    try:
        from indexer.nlp import detect_query_entities
    except ImportError:  # NLP package not importable: no query understanding, search still works
        return None

    def detect(text: str) -> dict[str, list[str]]:
        # compatibility forms as their letters: the ligature "Ĳsselstein" is IJsselstein, as the
        # analyzer folds it; the patterns match the letters
        text = unicodedata.normalize("NFKC", text)
        found = detect_query_entities(text)
        # an English question names themes in English ("parental involvement"): its Dutch
        # rendering by the glossary names them in the taxonomy's words. Themes only: places need
        # no translation, and a translated type or sector would be boosted on a guess
        dutch = analyzer.dutch_rendering(text)
        themes = detect_query_entities(dutch).get("thema", []) if dutch else []
        if themes:
            found["thema"] = list(dict.fromkeys(found.get("thema", []) + themes))
        return found

    return detect


@lru_cache(maxsize=1)
def proper_spelling() -> dict[str, str]:
    """lower-case word -> its capitals, for the words the NLP's patterns know as names: place
    adjectives ("apeldoornse" -> Apeldoornse) and provinces. The index keeps the words it
    completes lower-cased; empty without the NLP package."""
    try:
        from indexer.nlp.resources import load_place_adjectives, load_provinces
    except ImportError:
        return {}
    forms = [adjective for adjective, _, _ in load_place_adjectives()]
    forms += [form for name, aliases in load_provinces().items() for form in (name, *aliases)]
    # single words only: a completion is one word
    return {form.lower(): form for form in forms if " " not in form and form[:1].isupper()}


def place_name_words(detected: dict[str, list[str]]) -> frozenset[str]:
    """The words (lowercased) of every written form of the places ``detected`` in a query: "den"
    and "bosch" for 's-Hertogenbosch. The place is reported as recognised (and whether any
    document holds it); its words need no notice as words no document holds."""
    places = frozenset(detected.get("gemeente", ())) | frozenset(detected.get("provincie", ()))
    return _place_words(places) if places else frozenset()


@lru_cache(maxsize=1024)
def _place_words(places: frozenset[str]) -> frozenset[str]:
    try:
        from indexer.nlp.resources import municipality_aliases, province_aliases
    except ImportError:
        return frozenset()
    forms = [form for table in (municipality_aliases(), province_aliases())
             for form, name in table.items() if name in places]
    return frozenset(word for form in forms for word in form.replace("-", " ").split())


QUESTION_WORDS = frozenset(("welke", "welk", "wat", "waar", "wie", "hoe", "which", "what", "where"))
TOPIC_FIELDS = frozenset(("thema",))  # a theme named is the question's topic: "ouderbetrokkenheid mbo"
# the words that name a field, not a topic: "provincie Utrecht", "agenda's uit gemeente Tilburg"
FIELD_WORDS = frozenset(("gemeente", "gemeenten", "provincie", "provincies", "sector", "thema", "type", "jaar"))


def names_only(text: str, detected: dict[str, list[str]], analyzer) -> bool:
    """Whether every word of ``text`` but stop and question words names a value ``detected``
    ("agenda's Noord-Brabant", "vve in Groningen", "welke interventies zijn goed onderbouwd"): a
    question for those values rather than about a topic (a theme is one). A word names a value
    as written or by its analysed terms ("interventies", "agenda's")."""
    names = {f: v for f, v in detected.items() if v and f not in TOPIC_FIELDS}
    if not names:
        return False
    named = set(place_name_words(names)) | FIELD_WORDS
    for values in names.values():
        named.update(w for v in values for w in v.lower().replace("-", " ").split())
    words = [w for w in re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", text)
             if not analyzer.is_stopword(w) and w.lower() not in QUESTION_WORDS]
    if not words:
        return False
    named_terms = _named_terms(analyzer, frozenset(named))
    return all(w.lower() in named or set(w.lower().replace("-", " ").split()) <= named  # Noord-Brabant
               or not named_terms.isdisjoint(_terms(analyzer, w)) for w in words)


@lru_cache(maxsize=1024)
def _named_terms(analyzer, named: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*(_terms(analyzer, w) for w in named))


@lru_cache(maxsize=8192)
def _terms(analyzer, word: str) -> frozenset[str]:
    # the word's own terms (memoised by the analyzer), not its query analysis: that runs the
    # synonyms, glossary and split verbs, a tenth of a millisecond for every new word
    return frozenset(analyzer.word_terms(word))
