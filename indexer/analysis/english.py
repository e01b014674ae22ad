"""Common English words (`data/en_common.txt`: more frequent in English than in Dutch, from
wordfreq by ``build_english``), for the analysis of English words in a Dutch index and for
spelling suggestions."""
from __future__ import annotations

from functools import lru_cache


def is_english_form(word: str, english: frozenset[str] | None = None) -> bool:
    """A common English word (or one of ``english``), or a regular inflection of one: the list
    holds "evaluate" and "study", a question says "evaluates", "studies", "evaluated", "motivating"."""
    english = english_words() if english is None else english
    if word in english:
        return True
    stems = []
    if word.endswith("ies"):
        stems.append(word[:-3] + "y")
    if word.endswith(("s", "d")):
        stems.append(word[:-1])  # evaluates, evaluated -> evaluate
    if word.endswith(("es", "ed")):
        stems.append(word[:-2])  # watches, worked
    if word.endswith("ing"):
        stems += [word[:-3], word[:-3] + "e"]  # working, motivating
    if word.endswith(("er", "est")):
        stem = word[:-2] if word.endswith("er") else word[:-3]
        stems += [stem, stem + "e"] + ([stem[:-1] + "y"] if stem.endswith("i") else [])  # smoother, safest, easier
    if word.endswith("ly"):
        stems += [word[:-2], word[:-3] + "y" if word.endswith("ily") else word[:-2]]  # clearly, easily
    return any(len(stem) >= 3 and stem in english for stem in stems)


# Dutch stop words that English uses as much (wordfreq en zipf >= 4): no evidence of Dutch
SHARED_FUNCTION_WORDS = frozenset({"in", "is", "was", "had", "me", "men", "of", "over", "want", "door", "die"})


def reads_dutch(words, *, is_dutch, is_stop, neutral: frozenset[str]) -> bool:
    """Whether a question (its folded words) holds a word only Dutch has: a Dutch stop word or
    content word that is no English form ("het college", "college van b en w"). Names and
    abbreviations ("Rotterdam", "vmbo") are neither language's."""
    for word in words:
        if word in neutral or word in SHARED_FUNCTION_WORDS or not word.isalpha() or is_english_form(word):
            continue
        if is_stop(word) or is_dutch(word):
            return True
    return False


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    from indexer.analysis.resources import DATA_FILES, read_lines

    return frozenset(read_lines(DATA_FILES["english_common"]))
