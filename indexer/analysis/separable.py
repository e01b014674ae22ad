"""Dutch separable verbs: in "hoe richt je een schakelklas in" and "om een klas in te richten"
the verb is "inrichten", which a text writes "ingericht" or "inrichting"; "hoe pak je thuiszitten
aan" asks for an "aanpak". A verb form whose particle stands apart gets the joined verb too."""
from __future__ import annotations

import re
from typing import Callable, Mapping

from indexer.analysis.text_norm import Token, fold

PARTICLES = frozenset((
    "aan", "achter", "af", "bij", "binnen", "buiten", "dicht", "door", "in", "langs", "los", "mee",
    "na", "neer", "om", "onder", "op", "open", "over", "rond", "samen", "tegen", "terecht", "terug",
    "toe", "uit", "vast", "voor", "voort", "weg",
))
# a particle before one of these still closes its clause: "doen mee en ..."
# ("over hoe", "over wat" are prepositions)
CLAUSE_WORDS = frozenset(("en", "of", "maar", "want", "dus", "als", "omdat", "dat", "die", "zodat",
                          "wanneer", "terwijl"))
# and so does one before a preposition: "stromen door naar het hbo", "werken samen met"
PREPOSITIONS = frozenset(("naar", "met", "bij", "op", "aan", "in", "voor", "van", "tot", "tegen",
                          "over", "uit", "via", "vanuit", "zonder", "binnen", "richting"))
MAX_DISTANCE = 10  # words between a verb and its particle
_BREAK = re.compile(r"[.,;:!?()\[\]]")  # not a line break: PDF text breaks mid-sentence
# auxiliaries join nothing: "heb ... voor", "is ... in"
AUXILIARIES = frozenset(("hebben", "zijn", "worden", "kunnen", "zullen", "moeten", "mogen", "willen"))


def joined_verbs(text: str, toks: list[Token], lemma_of: Mapping[str, str],
                 is_verb: Callable[[str], bool]) -> dict[int, str]:
    """Token index of a verb form whose particle stands apart -> the joined verb's infinitive:
    a particle right before "te" + verb ("in te richten"), or one that closes a clause after the
    clause's verb ("richt je een klas in", "doen zij mee?", "stromen door naar het hbo"). Only
    where particle + verb is a verb (``is_verb``), so "ze werken in Utrecht" joins nothing."""
    words = [fold(t.surface) for t in toks]
    out: dict[int, str] = {}
    for j, word in enumerate(words):
        if word not in PARTICLES:
            continue
        if j + 2 < len(words) and words[j + 1] == "te" and word != "om" and not _breaks(text, toks, j, j + 2):
            joined = _join(word, words[j + 2], lemma_of, is_verb)
            if joined:
                out[j + 2] = joined
            continue
        if not _closes_clause(text, toks, words, j):
            continue
        # the clause's first verb that joins ("werkt de school nauw samen", not "school"), a form
        # the lemma table knows as a verb before a guessed one ("sluiten zich aan", not "meer")
        found: dict[bool, tuple[int, str]] = {}
        for i in range(j - 1, max(-1, j - 1 - MAX_DISTANCE), -1):
            if _breaks(text, toks, i, i + 1) or words[i] in CLAUSE_WORDS:
                break
            if words[i].endswith(("nde", "nden")):
                continue  # a participle as adjective: "de komende periode"
            joined = _join(word, words[i], lemma_of, is_verb)
            if joined:
                found[is_verb(words[i]) or is_verb(lemma_of.get(words[i], ""))] = (i, joined)
        i, joined = found.get(True) or found.get(False) or (None, "")
        # "om met" joins only "omgaan met": "vrijgeroosterd om met leerlingen te werken" does not
        if joined and (word != "om" or j + 1 == len(words) or words[j + 1] != "met" or joined == "omgaan"):
            out.setdefault(i, joined)
    return out


def _closes_clause(text: str, toks: list[Token], words: list[str], j: int) -> bool:
    if j + 1 == len(toks) or _breaks(text, toks, j, j + 1) or words[j + 1] in CLAUSE_WORDS:
        return True
    # "om" before a preposition mostly opens a clause: "om in steden ..."; "gaan om met" joins
    return words[j + 1] == "met" if words[j] == "om" else words[j + 1] in PREPOSITIONS


def _breaks(text: str, toks: list[Token], i: int, j: int) -> bool:
    """Punctuation between token ``i`` and token ``j``."""
    return bool(_BREAK.search(text, toks[i].end, toks[j].start))


def _join(particle: str, word: str, lemma_of: Mapping[str, str], is_verb: Callable[[str], bool]) -> str:
    for base in verb_bases(word, lemma_of):
        if base not in AUXILIARIES and is_verb(particle + base):
            return particle + base
    return ""


def verb_bases(word: str, lemma_of: Mapping[str, str]) -> list[str]:
    """Infinitives a verb form may belong to: the lookup table's lemma (which has gaps: "zet",
    "bieden") and the regular ones ("richt" -> richten, "zet" -> zetten, "neem" -> nemen)."""
    stems = [word[:-1]] if word.endswith("t") and len(word) > 3 else []
    stems.append(word)
    out = [lemma_of[word]] if word in lemma_of else []
    if word.endswith("n"):
        out.append(word)  # an infinitive as typed: "gaan", "zien", "doen"
    for stem in stems:
        if stem.endswith("en"):
            out.append(stem)
            continue
        out += [stem + "en", stem + stem[-1] + "en"]
        if len(stem) > 2 and stem[-2] == stem[-3] and stem[-2] in "aeou":  # neem -> nemen
            undoubled = stem[:-2] + {"f": "v", "s": "z"}.get(stem[-1], stem[-1])
            out.append(undoubled + "en")
        elif stem[-1] in "fs":  # blijf -> blijven, kies -> kiezen
            out.append(stem[:-1] + {"f": "v", "s": "z"}[stem[-1]] + "en")
    return list(dict.fromkeys(out))
