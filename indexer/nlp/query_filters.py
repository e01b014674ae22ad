"""Years and evidence levels a question names ("beleidsbrieven 2019", "bewezen effectieve
interventies"), from indexer/data/query_filters.v1.yaml. Only offered as filters: the searcher
never boosts them (a year or a rating says when or how well, not what a passage is about).
``counts_not_year`` is shared with the year a document's text is read to have
(indexer/nlp/dates.py), so "2000 leerlingen" names no year at index time either."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.errors import ConfigError
from indexer.nlp import resources

FILE = "query_filters.v1.yaml"

# a number with its date or span parts: "2019", "2019-2020", "2019/'20", "2015 – 2019",
# "19-11-2019", "2019-11-19"; never part of a word, an amount or a percentage
_NUMBER = re.compile(r"(?<![\w€$£.,/-])\d+(?:\s*[-–—/]\s*'?\d+|[.,:]\d+)*(?![\w%€]|[.,]\d)")
_SPAN_SEP = re.compile(r"\s*[-–—/]\s*'?")
_WORD = re.compile(r"\w+")
_CONTEXT_CHARS = 80  # what is read before a number for the words next to it
_NEXT_WORD = re.compile(r"[^\S\n]*([\w'’]+)")  # the word right after a number, in the same sentence


@dataclass(frozen=True)
class _Years:
    low: int
    high: int
    span_max: int
    not_after: frozenset[str]
    not_after_phrases: tuple[tuple[str, ...], ...]  # "meer dan"
    not_before: frozenset[str]
    plural_endings: tuple[tuple[str, int], ...]  # (ending, shortest word) of a plural noun
    not_plural: frozenset[str]


@dataclass(frozen=True)
class _Evidence:
    pattern: re.Pattern | None  # one named group per phrase, longest first
    values: dict[str, tuple[str, ...]]  # group name -> evidence levels
    negations: frozenset[str]


@lru_cache(maxsize=1)
def _data() -> dict:
    return resources.load_yaml(FILE)


@lru_cache(maxsize=1)
def _years() -> _Years:
    spec = _data()["years"]
    words = lambda key: frozenset(_words(" ".join(spec.get(key) or ())))  # noqa: E731
    after = [tuple(_words(entry)) for entry in spec.get("not_after") or ()]
    endings = []
    for entry in spec.get("plural_endings") or ():
        ending, _, shortest = str(entry).partition(" ")
        endings.append((ending.replace("’", "'").lower(), int(shortest or 0)))
    return _Years(int(spec["min"]), int(spec["max"]), int(spec["span_max"]),
                  frozenset(words[0] for words in after if len(words) == 1),
                  tuple(words for words in after if len(words) > 1), words("not_before"),
                  tuple(endings), words("not_plural"))


def counts_not_year(text: str, start: int, end: int) -> bool:
    """The number at ``text[start:end]`` counts or codes something rather than naming a year:
    an amount ("€ 2019"), a number after a word such as "groep", "ruim" or "meer dan" ("ruim
    2000 leerlingen", "artikel 2000"), or one before a counted noun or a plural noun ("2000
    ouders", "2019 vrijwilligers")."""
    rules = _years()
    head = text[max(0, start - _CONTEXT_CHARS): start]
    if head.rstrip()[-1:] in ("€", "$", "£"):  # "€ 2019"
        return True
    before = _words(head)
    if before and before[-1] in rules.not_after:
        return True
    if any(tuple(before[-len(phrase):]) == phrase for phrase in rules.not_after_phrases):
        return True
    after = _NEXT_WORD.match(text, end)
    return after is not None and _counted(after.group(1), rules)


def _counted(word: str, rules: _Years) -> bool:
    """A counted noun, or a word that reads as a plural noun, lower case ("Leerlingen" too)."""
    plain = "".join(_words(word))
    if plain in rules.not_before:
        return True
    if plain in rules.not_plural:
        return False
    word = word.replace("’", "'").lower()
    return any(word.endswith(ending) and len(word) >= shortest for ending, shortest in rules.plural_endings)


def is_year(value: str) -> bool:
    """A year of four ASCII digits in the range this file names ("2019"; not "tweeduizend", "19",
    nor "201²", which isdigit() takes and int() refuses, nor other scripts' digits)."""
    rules = _years()
    return len(value) == 4 and value.isascii() and value.isdigit() and rules.low <= int(value) <= rules.high


def year_range() -> tuple[int, int]:
    """The first and last year ``is_year`` takes."""
    rules = _years()
    return rules.low, rules.high


def named_years(text: str) -> list[str]:
    """The years ``text`` names, in order: "onderzoek uit 2021" -> ["2021"]; a school year or
    short period names each of its years ("2019-2020" -> ["2019", "2020"]); "groep 8", "2000
    leerlingen", "meer dan 2000", "€ 2019", "1.950" name none."""
    rules = _years()
    found: list[str] = []
    for match in _NUMBER.finditer(text or ""):
        if counts_not_year(text, match.start(), match.end()):
            continue
        for year in _years_of(match.group(0), rules):
            if str(year) not in found:
                found.append(str(year))
    return found


def _years_of(number: str, rules: _Years) -> list[int]:
    plausible = lambda y: rules.low <= y <= rules.high  # noqa: E731
    if number.isdigit():
        return [int(number)] if len(number) == 4 and plausible(int(number)) else []
    parts = re.split(r"[-/.]", number)
    if len(parts) == 3 and all(p.isdigit() for p in parts):  # a date: its year, first or last
        at = 0 if len(parts[0]) == 4 else 2
        others = parts[1:] if at == 0 else parts[:2]
        if len(parts[at]) == 4 and plausible(int(parts[at])) and all(len(p) <= 2 for p in others):
            return [int(parts[at])]
        return []
    parts = _SPAN_SEP.split(number)
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts[1]) not in (2, 4):
        return []  # a decimal, a time, a reference number
    first = int(parts[0])
    last = int(parts[1]) if len(parts[1]) == 4 else first - first % 100 + int(parts[1])
    if len(parts[1]) == 2 and last < first:  # "1999-00"
        last += 100
    if not (plausible(first) and plausible(last) and first < last):
        return []  # "2019-2015": no span
    return list(range(first, last + 1)) if last - first <= rules.span_max else [first, last]


@lru_cache(maxsize=1)
def _evidence() -> _Evidence:
    spec = _data()["evidence"]
    allowed = set(resources.vocab()["evidence_levels"])
    rated = "|".join(sorted(map(re.escape, _words(" ".join(spec["rated"]))), key=len, reverse=True))
    alternatives: list[tuple[str, str, tuple[str, ...]]] = []  # (phrase, regex, levels)
    for level in spec["levels"]:
        values = tuple(level["values"])
        if not set(values) <= allowed:
            raise ConfigError(f"{FILE}: {sorted(set(values) - allowed)} are not evidence levels of vocab.v1.yaml")
        for phrase in level.get("phrases") or ():
            words = " ".join(_words(phrase))
            alternatives.append((words, re.escape(words), values))
        for phrase in level.get("rated_after") or ():  # the adjective, then a rated word ending
            words = " ".join(_words(phrase))
            alternatives.append((words + " ~", rf"{re.escape(words)} \w*(?:{rated})", values))
    # longest first: at one position "bewezen effectieve" wins over a shorter phrase
    alternatives.sort(key=lambda a: len(a[0]), reverse=True)
    groups = {f"e{i}": values for i, (_, _, values) in enumerate(alternatives)}
    body = "|".join(f"(?P<e{i}>{rx})" for i, (_, rx, _) in enumerate(alternatives))
    pattern = re.compile(rf"\b(?:{body})\b") if body else None
    return _Evidence(pattern, groups, frozenset(_words(" ".join(spec.get("negations") or ()))))


def named_evidence(text: str) -> list[str]:
    """The evidence levels ``text`` names, in the scale's order: "goed onderbouwde aanpak" ->
    ["goed onderbouwd"]; "bewezen effectieve interventies" -> the two strongest levels; "niet
    bewezen effectief" -> none."""
    rules = _evidence()
    if rules.pattern is None:
        return []
    words = " ".join(_words(text))
    named: set[str] = set()
    for match in rules.pattern.finditer(words):
        before = words[: match.start()].split()
        if before and before[-1] in rules.negations:
            continue
        named.update(rules.values[match.lastgroup])
    return [level for level in resources.vocab()["evidence_levels"] if level in named]


def _words(text: str) -> list[str]:
    """Lowercase words; an apostrophe joins ("programma's" -> programmas, "zo'n" -> zon), a
    hyphen separates ("evidence-based" -> evidence based)."""
    return _WORD.findall(re.sub(r"['’]", "", (text or "").lower()))
