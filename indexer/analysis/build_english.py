"""Build the common-English word list the spelling suggester treats as "not a typo".

Run once, commit the output (the product never needs wordfreq at run time):

    .venv/bin/python -m indexer.analysis.build_english

Writes indexer/analysis/data/en_common.txt: lowercase English words with a wordfreq zipf of at
least MIN_ZIPF that are not more frequent in Dutch (those are Dutch words too, and a Dutch
typo of a Dutch word must still be corrected); and indexer/analysis/data/en_nl_shared.txt: words
both languages use about as often (open, app, minister, diverse, project), no evidence that a
question is Dutch.
"""
from __future__ import annotations

import sys

from indexer.analysis.resources import DATA_FILES

MIN_ZIPF = 3.5  # ~13k words: "parents", "involve", "touring"; not rare words a typo could form
SHARED_MIN_ZIPF = 4.0  # a word English uses this much ...
SHARED_MAX_MORE_DUTCH = 1.0  # ... and Dutch at most this much more (zipf): "diverse" 4.24 / 5.11


def build() -> tuple[list[str], list[str]]:
    """(the common English words, the words both languages use), from one pass over English's
    most frequent words."""
    from wordfreq import top_n_list, zipf_frequency  # build-time only

    common, shared = set(), set()
    for word in top_n_list("en", 50_000):
        if not (word.isalpha() and word.isascii() and len(word) >= 2):
            continue
        en, nl = zipf_frequency(word, "en"), zipf_frequency(word, "nl")
        if en >= MIN_ZIPF and nl < en:
            common.add(word)
        elif len(word) >= 3 and en >= SHARED_MIN_ZIPF and en <= nl <= en + SHARED_MAX_MORE_DUTCH:
            shared.add(word)
    return sorted(common), sorted(shared)


def _write(name: str, header: str, words: list[str]) -> None:
    DATA_FILES[name].write_text(f"# {header}, see build_english.py\n" + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {DATA_FILES[name]}")


def main(argv: list[str]) -> int:
    common, shared = build()
    _write("english_common", f"common English words (wordfreq en, zipf >= {MIN_ZIPF}, more frequent than in Dutch)",
           common)
    _write("english_dutch_shared", f"words English and Dutch both use (wordfreq en zipf >= {SHARED_MIN_ZIPF}, "
           f"nl at most {SHARED_MAX_MORE_DUTCH} more)", shared)
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
