"""Autocomplete for a search box's text: places, titles and the word being typed, completed."""
from __future__ import annotations

from indexer.query_understanding import proper_spelling
from indexer.service import Suggestion

PLACES = ("gemeente", "provincie")  # the suggestion kinds of places, offered first
TERM_SUGGESTIONS = 4  # completions of the word being typed among the autocomplete suggestions


class Autocomplete:
    """Suggestions from one index: ``places`` and ``speller`` are called when needed (the
    index's place values, {"gemeente"|"provincie": values}; its speller), ``generation_key``
    tells when titles are stale."""

    def __init__(self, backend, generation_key, places, speller):
        self.backend = backend
        self._generation_key = generation_key
        self._places = places
        self._speller = speller
        self._titles: tuple[object, list[tuple[str, str, str]]] | None = None

    def suggest(self, prefix: str, limit: int = 8, complete_word: bool = True) -> list[Suggestion]:
        from indexer.analysis.text_norm import fold

        typed = prefix.strip()
        prefix = fold(" ".join(typed.split()))  # places and titles match regardless of case and accents
        if len(prefix) < 2:
            return []
        out: list[Suggestion] = []
        loose = prefix.replace("-", " ")  # "noord br" is how Noord-Brabant starts too
        for field, values in self._places().items():
            for place in values:  # Utrecht, municipality and province, once
                if fold(place).replace("-", " ").startswith(loose) and all(s.text != place for s in out):
                    out.append(Suggestion(place, field))
        for doc_id, title, doc_type in self._title_list():
            low = fold(title)
            if low.startswith(prefix) or f" {prefix}" in low:
                out.append(Suggestion(title, "interventie" if doc_type == "interventie" else "titel", doc_id))
            if len(out) >= limit * 3:
                break
        out.sort(key=lambda s: (not fold(s.text).startswith(prefix), s.kind not in PLACES, s.text.lower()))
        shown = {fold(s.text) for s in out}
        terms = [s for s in self._completions(typed) if fold(s.text) not in shown] if complete_word else []
        # places first, then the words being typed completed, then titles
        places = [s for s in out if s.kind in PLACES]
        return (places + terms + [s for s in out if s.kind not in PLACES])[:limit]

    def _completions(self, typed: str) -> list[Suggestion]:
        """The last word of ``typed`` completed from the index. What comes before it stays as
        typed (an "OF" lowercased would turn the operator into a word), a quote or "-" in
        front of it too."""
        words = typed.split()
        token = words[-1] if words else ""
        head = typed[: len(typed) - len(token)]
        start = next((i for i, c in enumerate(token) if c.isalnum()), len(token))
        mark, word = token[:start], token[start:]
        if len(word) < 2:
            return []
        low = word.lower()
        # the typed letters keep their case ("Den Haag" -> "Den Haagse", not "Den haagse"); a name
        # typed in lower case gets its capitals ("apel" -> "Apeldoornse")
        proper = proper_spelling() if word == low else {}
        speller = self._speller()
        # an English question completes in English ("early sch" -> school, not scholen), and a
        # word the index has nothing for may be English ("homew" -> homework)
        english = speller.reads_english(words[:-1])
        found = [] if english else speller.complete(low, TERM_SUGGESTIONS)
        if not found and hasattr(speller, "complete_english"):
            found = speller.complete_english(low, TERM_SUGGESTIONS)
        shown = [proper.get(w.lower()) or (word + w[len(low):] if w.startswith(low) else w) for w in found]
        return [Suggestion(head + mark + w, "term") for w in shown]

    def _title_list(self) -> list[tuple[str, str, str]]:
        key = self._generation_key()
        if self._titles is None or self._titles[0] != key:
            records, _ = self.backend.documents({}, 0, 10**6)
            self._titles = (key, [(r.id, r.title, r.doc_type) for r in records])
        return self._titles[1]
