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


def build() -> list[str]:
    from wordfreq import top_n_list, zipf_frequency  # build-time only

    words = []
    for word in top_n_list("en", 50_000):
        if word.isalpha() and word.isascii() and len(word) >= 2:
            en = zipf_frequency(word, "en")
            if en >= MIN_ZIPF and zipf_frequency(word, "nl") < en:
                words.append(word)
    return sorted(set(words))


def build_shared() -> list[str]:
    from wordfreq import top_n_list, zipf_frequency  # build-time only

    words = []
    for word in top_n_list("en", 50_000):
        if word.isalpha() and word.isascii() and len(word) >= 3:
            en, nl = zipf_frequency(word, "en"), zipf_frequency(word, "nl")
            if en >= SHARED_MIN_ZIPF and en <= nl <= en + SHARED_MAX_MORE_DUTCH:
                words.append(word)
    return sorted(set(words))


def main(argv: list[str]) -> int:
    words = build()
    header = "# common English words (wordfreq en, zipf >= 3.5, more frequent than in Dutch), see build_english.py\n"
    DATA_FILES["english_common"].write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {DATA_FILES['english_common']}")
    shared = build_shared()
    header = ("# words English and Dutch both use (wordfreq en zipf >= 4.0, nl at most 1.0 more), "
              "see build_english.py\n")
    DATA_FILES["english_dutch_shared"].write_text(header + "\n".join(shared) + "\n", encoding="utf-8")
    print(f"{len(shared)} words -> {DATA_FILES['english_dutch_shared']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
