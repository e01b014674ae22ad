"""Year and date detection: a dated line ("Datum 19 november 2019", "Op april 13, 2017") or years mentioned."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import lru_cache
from typing import Any

from indexer.nlp import resources
from indexer.nlp.query_filters import counts_not_year, named_years

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


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ][\d:.+z-]*)?")  # lower case: matched lowered
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")  # Dutch order: 12-03-2024 is 12 March
_WRITTEN = re.compile(r"(\d{1,2})\s+([^\W\d]+)\.?,?\s+(\d{4})")  # 5 maart 2024, 5 mrt. 2024


def year_of(value: Any) -> str | None:
    """Year of a metadata value: 2019, "2019", "2019-11-19", date/datetime."""
    if value is None or value == "":
        return None
    if hasattr(value, "year"):
        return str(value.year)
    match = re.search(r"\b(19|20)\d{2}\b", str(value))
    return match.group(0) if match else None


def years_of(value: Any) -> list[str]:
    """The years a declared jaar names: 2019 -> ["2019"]; a school year "2023/2024" or
    "2023-2024" both, as a question's school year does (query_filters.named_years)."""
    if value is None or value == "" or isinstance(value, (float, bool)):
        return []  # "jaar: 2019.5" is no year (it read as 2019), nor is "jaar: yes"
    if not isinstance(value, (int, date)):
        named = named_years(str(value))
        if named:
            return named
    year = year_of(value)
    return [year] if year else []


def iso_date(value: Any) -> str | None:
    """A declared date as YYYY-MM-DD: a date, 2024-03-12, the Dutch 12-03-2024 (12/3/2024,
    12.03.2024) or "5 maart 2024"; None when it is none of these or no day of the calendar.
    A date kept as written sorted as text: "12-03-2024" before 2019."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = " ".join(str(value).split()).lower()
    months = _config()[0]
    parts = None
    if match := _ISO.fullmatch(text):
        parts = int(match.group(1)), int(match.group(2)), int(match.group(3))
    elif match := _DAY_FIRST.fullmatch(text):
        parts = int(match.group(3)), int(match.group(2)), int(match.group(1))
    elif (match := _WRITTEN.fullmatch(text)) and match.group(2) in months:
        parts = int(match.group(3)), months[match.group(2)], int(match.group(1))
    if parts is None or not 1900 <= parts[0] <= 2100:
        return None
    try:
        return date(*parts).isoformat()
    except ValueError:  # 31-02-2024
        return None
