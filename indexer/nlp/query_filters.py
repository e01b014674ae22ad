"""Years a question names ("beleidsbrieven 2019"), from indexer/data/query_filters.v1.yaml. Only
offered as filters: the searcher never boosts them (a year says when, not what a passage is about)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.nlp import resources

FILE = "query_filters.v1.yaml"

# a number with its date or span parts: "2019", "2019-2020", "2019/'20", "2015 – 2019",
# "19-11-2019", "2019-11-19"; never part of a word, an amount or a percentage
_NUMBER = re.compile(r"(?<![\w€$£.,/-])\d+(?:\s*[-–—/]\s*'?\d+|[.,:]\d+)*(?![\w%€]|[.,]\d)")
_SPAN_SEP = re.compile(r"\s*[-–—/]\s*'?")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Years:
    low: int
    high: int
    span_max: int
    not_after: frozenset[str]
    not_before: frozenset[str]


@lru_cache(maxsize=1)
def _data() -> dict:
    return resources.load_yaml(FILE)


@lru_cache(maxsize=1)
def _years() -> _Years:
    spec = _data()["years"]
    words = lambda key: frozenset(_words(" ".join(spec.get(key) or ())))  # noqa: E731
    return _Years(int(spec["min"]), int(spec["max"]), int(spec["span_max"]), words("not_after"), words("not_before"))


def named_years(text: str) -> list[str]:
    """The years ``text`` names, in order: "onderzoek uit 2021" -> ["2021"]; a school year or
    short period names each of its years ("2019-2020" -> ["2019", "2020"]); "groep 8", "2000
    leerlingen", "€ 2019", "1.950" name none."""
    rules = _years()
    found: list[str] = []
    for match in _NUMBER.finditer(text or ""):
        before = _words(text[: match.start()])
        after = _words(text[match.end():])
        money = text[: match.start()].rstrip()[-1:] in ("€", "$", "£")  # "€ 2019"
        if money or (before and before[-1] in rules.not_after) or (after and after[0] in rules.not_before):
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


def _words(text: str) -> list[str]:
    """Lowercase words; an apostrophe joins ("zo'n" -> zon)."""
    return _WORD.findall(re.sub(r"['’]", "", (text or "").lower()))
