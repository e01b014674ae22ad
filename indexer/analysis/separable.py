"""Dutch separable verbs: in "hoe richt je een schakelklas in" and "om een klas in te richten"
the verb is "inrichten", which a text writes "ingericht" or "inrichting"; "hoe pak je thuiszitten
aan" asks for an "aanpak". A verb form whose particle stands apart gets the joined verb too."""
from __future__ import annotations

import re
from typing import Callable, Mapping

from indexer.analysis.text_norm import Token, fold

PARTICLES = frozenset((
    "aan", "achter", "achteruit", "af", "bij", "binnen", "buiten", "deel", "dicht", "door", "in",
    "langs", "les", "los", "mee", "na", "neer", "om", "onder", "op", "open", "over", "plaats", "rond",
    "samen", "tegen", "tekort", "terecht", "terug", "toe", "uit", "vast", "voor", "vooruit", "voort",
    "weg",
))
# Words that end a clause: after a particle they close it ("doen mee en ..."); scanning back
# from a particle for its verb, they end the scan once a verb was found ("en"/"of" may join
# subjects: "hoe sluiten mbo en hbo op elkaar aan").
CLAUSE_WORDS = frozenset(("en", "of", "maar", "want", "dus", "als", "omdat", "dat", "die", "zodat",
                          "wanneer", "terwijl"))
COORDINATORS = frozenset(("en", "of"))
# "dat"/"die" are also determiners ("in die tijd", "op dat moment"): a clause only when one of
# these follows them
CLAUSE_OPENERS = frozenset(("de", "het", "een", "er", "ze", "zij", "hij", "je", "jij", "we", "wij",
                            "u", "ik", "men", "deze", "dit", "die", "dat", "zich", "niet", "ook", "nog",
                            "zijn", "hun", "haar", "geen", "al", "vaak", "nu", "zo", "hier", "daar"))
# a particle before a preposition closes its clause too: "stromen door naar het hbo", "werken samen met"
PREPOSITIONS = frozenset(("naar", "met", "bij", "op", "aan", "in", "voor", "van", "tot", "tegen",
                          "over", "uit", "via", "vanuit", "zonder", "binnen", "richting"))
# ... and a particle that is never a preposition, before a question word: "legt uit hoe het werkt"
# ("over hoe" is a preposition)
ADVERB_PARTICLES = frozenset(("af", "uit", "toe", "mee", "terug", "samen", "weg", "los", "vast",
                              "neer", "plaats", "deel", "tekort", "vooruit", "achteruit", "voort"))
QUESTION_WORDS = frozenset(("hoe", "wat", "waarom", "welke", "welk", "wie", "waar", "wanneer"))
# "waar gaat het over", "daar hebben scholen baat bij", "het gaat er om": the particle is a
# preposition stranded from these; they are no verbs either ("waar" is a form of "waren")
R_WORDS = frozenset(("waar", "daar", "hier", "er"))
NO_VERB = QUESTION_WORDS | R_WORDS
# particles no R-word strands (no "ersamen"): "ze werken er nauw samen" is "samenwerken"
NEVER_STRANDED = frozenset(("samen", "terug", "weg", "los", "vast", "neer", "tekort", "plaats", "deel",
                            "open", "dicht", "terecht", "vooruit", "achteruit", "voort", "les"))
MAX_DISTANCE = 10  # words between a verb and its particle
# not a line break (PDF text breaks mid-sentence), nor brackets ("voor (dreigende) thuiszitters uit")
_BREAK = re.compile(r"[.,;:!?]")
# auxiliaries join nothing: "heb ... voor", "is ... in"
AUXILIARIES = frozenset(("hebben", "zijn", "worden", "kunnen", "zullen", "moeten", "mogen", "willen"))


def joined_verbs(text: str, toks: list[Token], lemma_of: Mapping[str, str],
                 is_verb: Callable[[str], bool], is_common: Callable[[str], bool] | None = None) -> dict[int, str]:
    """Token index of a verb form whose particle stands apart -> the joined verb's infinitive:
    a particle right before "te" + infinitive ("in te richten"), or one that closes a clause
    after the clause's verb ("richt je een klas in", "doen zij mee?", "stromen door naar het
    hbo"). Only where particle + verb is a verb (``is_verb``), so "ze werken in Utrecht" joins
    nothing. After its verb, a joined verb general Dutch does not use (not ``is_common``:
    "aanbeteren" from "beter") counts only where no other verb of the clause joins."""
    words = [fold(t.surface) for t in toks]
    out: dict[int, str] = {}
    strength: dict[int, int] = {}  # a verb two particles could take keeps the surer one
    for j, word in enumerate(words):
        if word not in PARTICLES or text.startswith("-", toks[j].end):
            continue  # "binnen- en buitenschoolse" is a suspended compound
        if j + 2 < len(words) and words[j + 1] == "te" and word != "om":
            verb = words[j + 2]
            # an infinitive: "op te richten", not "op te laat komen"
            joined = _join(word, verb, lemma_of, is_verb) if verb.endswith("n") else ""
            if joined and not _breaks(text, toks, j, j + 2):
                out[j + 2], strength[j + 2] = joined, 3
            continue
        sure = _closes_clause(text, toks, words, j)
        found = _clause_verb(text, toks, words, j, lemma_of, is_verb, is_common) if sure else None
        if found and sure > strength.get(found[0], 0):
            out[found[0]], strength[found[0]] = found[1], sure
    return out


def _clause_verb(text: str, toks: list[Token], words: list[str], j: int, lemma_of, is_verb, is_common=None):
    """(index, joined verb) of the verb the particle at ``j`` belongs to, scanning back through
    its clause: the clause's first verb that joins ("werkt de school nauw samen", not "school"),
    a form the lemma table knows as a verb before a guessed one ("sluiten zich aan", not "meer");
    None where the particle is a stranded preposition ("waar gaat het over")."""
    particle = words[j]
    first: tuple[int, str] | None = None  # the farthest candidate the table knows as a verb
    guessed: tuple[int, str] | None = None
    rare: tuple[int, str] | None = None  # the nearest join general Dutch does not use
    for i in range(j - 1, max(-1, j - 1 - MAX_DISTANCE), -1):
        word = words[i]
        if _breaks(text, toks, i, i + 1):
            break
        if word in CLAUSE_WORDS and _opens_clause(words, i):
            # past "en"/"of" only while nothing was found and no verb ends the clause before it
            if first or guessed or word not in COORDINATORS or (i and _verb_form(words[i - 1], lemma_of, is_verb)):
                break
            continue
        if word in R_WORDS and particle not in NEVER_STRANDED and (word != "er" or not _clause_start(text, toks, words, i)):
            return None  # existential "er" opens its clause: "er doen veel scholen mee"
        if word in NO_VERB:
            continue
        if word.endswith(("nde", "nden")) and not is_verb(word):
            continue  # a participle as adjective: "de komende periode"
        if not lemma_of.get(word, "n").endswith("n") and not is_verb(word):
            continue  # the table knows the form, as no verb's: "scholen" (school)
        joined = _join(particle, word, lemma_of, is_verb)
        if joined and is_common is not None and not is_common(joined):
            rare = rare or (i, joined)
        elif joined:
            if _verb_form(word, lemma_of, is_verb):
                first = (i, joined)
            else:
                guessed = (i, joined)
    if particle == "om" and j + 1 < len(words) and words[j + 1] == "met":
        # "om met" joins only "omgaan met": "vrijgeroosterd om met leerlingen te werken" does not
        return first if first and first[1] == "omgaan" else None
    return first or guessed or rare


def _verb_form(word: str, lemma_of: Mapping[str, str], is_verb: Callable[[str], bool]) -> bool:
    """A form the lemma table knows as a verb's."""
    return is_verb(word) or is_verb(lemma_of.get(word, ""))


def _clause_start(text: str, toks: list[Token], words: list[str], i: int) -> bool:
    return i == 0 or _breaks(text, toks, i - 1, i) or words[i - 1] in CLAUSE_WORDS


def _opens_clause(words: list[str], i: int) -> bool:
    """A clause word at ``i`` that starts a clause: "dat"/"die" only before a word that opens one."""
    if words[i] not in ("dat", "die"):
        return True
    return i + 1 < len(words) and words[i + 1] in CLAUSE_OPENERS


def _closes_clause(text: str, toks: list[Token], words: list[str], j: int) -> int:
    """How surely the particle at ``j`` ends its clause, 0 (not) to 4: at the text's end or
    punctuation 4 ("trekken samen op:" is "optrekken"), before a question word (an adverb-only
    particle) or a clause word that subordinates 3 ("zoeken samen uit welke"), before a
    preposition or an adverb-only particle before "om" 2, before "en"/"of" 1 ("vragen een vergoeding aan voor activiteiten binnen en
    buiten school" is "aanvragen")."""
    if j + 1 == len(toks) or _breaks(text, toks, j, j + 1):
        return 4
    following = words[j + 1]
    if following in CLAUSE_WORDS:
        return (1 if following in COORDINATORS else 3) if _opens_clause(words, j + 1) else 0
    if words[j] == "om":  # "om" before a preposition mostly opens a clause: "om in steden ..."
        return 2 if following == "met" else 0
    if words[j] in ADVERB_PARTICLES and following in QUESTION_WORDS:
        return 3
    if words[j] in ADVERB_PARTICLES and following == "om":  # "werken samen om jongeren ... te geven"
        return 2
    return 2 if following in PREPOSITIONS else 0


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
