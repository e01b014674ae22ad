"""Synonym and glossary files: parsing (Solr/ES syntax) and span matching over word sequences."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.errors import ConfigError

SYNONYM_HEADER = "# gka-synonyms version"
GLOSSARY_HEADER = "# gka-glossary-en-nl version"


@dataclass(frozen=True)
class Rule:
    """One file line: any of ``sources`` maps to all of ``targets``.

    Equivalence lines ("a, b, c") have sources == targets; explicit ones ("a => b") do not.
    """

    sources: tuple[str, ...]
    targets: tuple[str, ...]


def parse_rules(path: Path, header: str | None = None) -> list[Rule]:
    """Parse "a, b, c" and "a, b => c, d" lines; "#" starts a comment line.

    Raises ConfigError on an empty entry or a missing header, with the line number.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise ConfigError(f"analyzer data file missing: {path}") from exc
    if header and not (lines and lines[0].startswith(header)):
        raise ConfigError(f"{path}: first line must start with {header!r}")
    rules: list[Rule] = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        lhs, arrow, rhs = line.partition("=>")
        sources = tuple(s.strip() for s in lhs.split(","))
        targets = tuple(s.strip() for s in rhs.split(",")) if arrow else sources
        if any(not s for s in sources + targets) or "=>" in rhs:
            raise ConfigError(f"{path}:{number}: empty entry or repeated '=>' in {raw!r}")
        rules.append(Rule(sources, targets))
    return rules


class SpanIndex:
    """Find every known word sequence (tuple of strings) that occurs in a longer sequence."""

    def __init__(self) -> None:
        self._targets: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        self._firsts: set[str] = set()  # a key's first word: most words of a query begin none
        self.max_len = 0

    def add(self, key: tuple[str, ...], target: tuple[str, ...]) -> None:
        if key and target and target != key:
            bucket = self._targets.setdefault(key, [])
            if target not in bucket:
                bucket.append(target)
            self._firsts.add(key[0])
            self.max_len = max(self.max_len, len(key))

    def __contains__(self, key: tuple[str, ...]) -> bool:
        return key in self._targets

    def targets(self, key: tuple[str, ...]) -> list[tuple[str, ...]] | None:
        return self._targets.get(key)

    def matches(self, seq: list[str], longest_only: bool = False):
        """Yield (start, end, targets) for every span of ``seq`` that is a key.

        With ``longest_only`` spans do not overlap and the longest key at a position wins.
        """
        pos = 0
        while pos < len(seq):
            advanced = False
            if seq[pos] not in self._firsts:
                pos += 1
                continue
            for end in range(min(len(seq), pos + self.max_len), pos, -1):
                targets = self._targets.get(tuple(seq[pos:end]))
                if targets:
                    yield pos, end, targets
                    if longest_only:
                        pos, advanced = end, True
                        break
            if not advanced:
                pos += 1


def english_plural(word: str) -> str:
    """library -> libraries, city -> cities (consonant + y), else + s (school -> schools)."""
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def abbreviations(rules, fold) -> dict[str, str]:
    """abbreviation -> its first multi-word synonym ("po" -> "primair onderwijs")."""
    out: dict[str, str] = {}
    for rule in rules:
        spelled = next((m for m in rule.targets if " " in m), None)
        for source in rule.sources:
            word = fold(source)
            if spelled and word.isalpha() and len(word) <= 5 and word not in out:
                out[word] = spelled
    return out


@dataclass(frozen=True)
class QueryTerm:
    term: str
    weight: float
    group: int  # index into tokens(query) of the user's word (first word of a matched span)
    origin: str  # "word" | "part" | "particle" | "synonym" | "glossary" | "glossary-shared"
    # a multi-word synonym's term ("lokale overheid") counts only in a passage that holds the
    # rest of the synonym too: each span is one synonym's other terms; empty = no condition
    spans: tuple[tuple[str, ...], ...] = ()


def load_spans(rules, keys, targets=None, plurals: bool = False) -> SpanIndex:
    """``plurals``: also an English key's plural form (the glossary: teachers, parents)."""
    index = SpanIndex()
    targets = targets or keys
    own = {tuple(keys(source)) for rule in rules for source in rule.sources} if plurals else set()
    for rule in rules:
        for source in rule.sources:
            key = tuple(keys(source))
            for target in rule.targets:
                index.add(key, tuple(targets(target)))
            plural = _plural_key(key) if plurals else None
            if plural:
                if plural not in own:  # an entry of its own wins
                    for target in rule.targets:
                        index.add(plural, tuple(targets(target)))
    return index


def source_words(rules, keys, is_word=lambda w: True) -> frozenset[str]:
    """Every word of the rules' sources, and an English key's plural as load_spans(plurals=True)
    matches it where ``is_word`` knows it ("teachers", not "earlies" of "early"): the English
    words the glossary knows."""
    words: set[str] = set()
    for rule in rules:
        for source in rule.sources:
            key = tuple(keys(source))
            words.update(key)
            plural = _plural_key(key)
            if plural and is_word(plural[-1]):
                words.add(plural[-1])
    return frozenset(words)


def _plural_key(key: tuple[str, ...]) -> tuple[str, ...] | None:
    """An English key's plural form (teachers, libraries, primary schools); None for a key that
    already ends in -s."""
    if not key or key[-1].endswith("s"):
        return None
    return key[:-1] + (english_plural(key[-1]),)


def expand_targets(targets, group: int, weight: float, origin: str, own: set) -> list[QueryTerm]:
    out = []
    for target in targets:
        terms = [t for t in dict.fromkeys(target) if t not in own]
        for t in terms:
            others = tuple(o for o in terms if o != t)
            # a synonym's words count together ("middelbare school" for vo is not any "school");
            # the glossary's stay loose: English questions need its partial matches
            cond = others and origin == "synonym"
            out.append(QueryTerm(t, round(weight / len(target), 4), group, origin, (others,) if cond else ()))
    return out


def dedupe_terms(found: list[QueryTerm]) -> list[QueryTerm]:
    """One entry per term: the highest weight wins, first position kept."""
    best: dict[str, QueryTerm] = {}
    spans: dict[str, set] = {}
    free: set[str] = set()  # terms that also come without a condition
    for qt in found:
        if qt.term not in best or qt.weight > best[qt.term].weight:
            best[qt.term] = qt
        if qt.spans:
            spans.setdefault(qt.term, set()).update(qt.spans)
        else:
            free.add(qt.term)
    out = []
    for t in dict.fromkeys(q.term for q in found):
        qt, kept = best[t], () if t in free else tuple(sorted(spans[t]))
        # a new term only where the spans change: dataclasses.replace costs ~4 us a term
        out.append(qt if qt.spans == kept else QueryTerm(qt.term, qt.weight, qt.group, qt.origin, kept))
    return out
