"""Build the common-English word list the spelling suggester treats as "not a typo".

Run once, commit the output (the product never needs wordfreq at run time):

    .venv/bin/python -m indexer.analysis.build_english

Writes indexer/analysis/data/en_common.txt: lowercase English words with a wordfreq zipf of at
least MIN_ZIPF that are not more frequent in Dutch (those are Dutch words too, and a Dutch
typo of a Dutch word must still be corrected).
"""
from __future__ import annotations

import sys

from indexer.analysis.resources import DATA_FILES

MIN_ZIPF = 3.5  # ~13k words: "parents", "involve", "touring"; not rare words a typo could form


def build() -> list[str]:
    from wordfreq import top_n_list, zipf_frequency  # build-time only

    words = []
    for word in top_n_list("en", 50_000):
        if word.isalpha() and word.isascii() and len(word) >= 2:
            en = zipf_frequency(word, "en")
            if en >= MIN_ZIPF and zipf_frequency(word, "nl") < en:
                words.append(word)
    return sorted(set(words))


def main(argv: list[str]) -> int:
    words = build()
    header = "# common English words (wordfreq en, zipf >= 3.5, more frequent than in Dutch), see build_english.py\n"
    DATA_FILES["english_common"].write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {DATA_FILES['english_common']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
