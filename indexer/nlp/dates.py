"""Year and date detection: a dated line ("Datum 19 november 2019", "Op april 13, 2017") or years mentioned."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import lru_cache
from typing import Any

from indexer.nlp import resources
from indexer.nlp.query_filters import counts_not_year

_YEAR = re.compile(r"(?<![\d.,/-])(\d{4})(?![\d])")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_WORDS = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _config() -> tuple[dict[str, int], list[re.Pattern], int, int, int]:
    data = resources.markers()
    months = {k.lower(): int(v) for k, v in data["months"].items()}
    spec = data["dates"]
    lines = [re.compile(rx, re.IGNORECASE) for rx in spec["lines"]]
    return months, lines, int(spec["head_chars"]), int(spec["year_min"]), int(spec["year_max"])


@lru_cache(maxsize=1)
def _future_words() -> frozenset[str]:
    return frozenset(resources.markers()["dates"].get("future_words") or ())


def dated_line(text: str) -> date | None:
    """The date of a letter or web article, from a dated line near the top."""
    months, lines, head_chars, year_min, year_max = _config()
    head = (text or "")[:head_chars]
    for pattern in lines:
        for match in pattern.finditer(head):
            month = months.get(match.group("month").lower().rstrip("."))
            year, day = int(match.group("year")), int(match.group("day"))
            if month and year_min <= year <= year_max:
                try:
                    return date(year, month, day)
                except ValueError:
                    continue
    return None


def frequent_year(text: str) -> str | None:
    """The most often mentioned plausible year (ties: the latest), not counting the years of
    sentences that look ahead nor numbers that count something ("ruim 2000 leerlingen", "2019
    vrijwilligers": the rules that keep them out of a question's years)."""
    _, _, _, year_min, year_max = _config()
    future = _future_words()
    counts = Counter(int(m.group(1)) for sentence in _SENTENCE.split(text or "")
                     if future.isdisjoint(_WORDS.findall(sentence.lower()))
                     for m in _YEAR.finditer(sentence) if year_min <= int(m.group(1)) <= year_max
                     and not counts_not_year(sentence, m.start(1), m.end(1)))
    if not counts:
        return None
    return str(max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0])


def year_of(value: Any) -> str | None:
    """Year of a metadata value: 2019, "2019", "2019-11-19", date/datetime."""
    if value is None or value == "":
        return None
    if hasattr(value, "year"):
        return str(value.year)
    match = re.search(r"\b(19|20)\d{2}\b", str(value))
    return match.group(0) if match else None


def iso_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
