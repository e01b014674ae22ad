"""Dictionary-based decompounding of Dutch words, scored by word frequency.

Like Elasticsearch's ``dictionary_decompounder`` (same word list), but a split must be
*plausible*: every part is a known word, linking morphemes (-s-, -e-, -en-) are allowed
between parts, and the split's mean zipf frequency (minus a penalty per extra part) must
beat the whole word's own frequency. So "kinderopvang" -> kind + opvang, while frequent
lexicalised words stay whole ("onderwijs", "gemeente", "verwachtingen").
"""
from __future__ import annotations

from functools import lru_cache

MIN_WORD_LEN = 6  # shorter words are almost never transparent compounds
MIN_PART_LEN = 3
SHORT_PART_MIN_ZIPF = 4.8  # 3-letter parts (les, rol, bus) must be very common words
PART_MIN_ZIPF = 3.0
SPLIT_PENALTY = 0.5  # per extra part: prefer fewer, longer parts
SPLIT_MARGIN = 0.0  # split only when it beats the whole word by this much
MAX_PARTS = 4
LINKERS = ("", "s", "e", "en")  # tussenklanken: kansengelijkheid, leesgedrag, rijksoverheid

# Particles and prefixes: words starting with them are lexicalised (onderwijs, achterstand,
# overgang, samenwerking, verwachting), so they never open a split.
NO_FIRST_PART = frozenset(
    """onder over voor door achter tegen samen mee uit aan toe terug weg vooruit binnen buiten
    boven neer open af op om in bij na rond voort heen ver her ont mis wan aarts tussen ten best buit""".split()
)
# Derivational suffixes that happen to be words (heid, dom, schap...): never a part.
NO_PART = frozenset(
    """heid heden schap schappen dom ing ingen lijk lijke achtig baar loos zaam tje tjes ling
    lingen ster sters isme iteit atie aties ische isch nis nissen erij ter ten den der des
    ding dingen ring ren nen ken ure eert lijks ste jaars even""".split()
)
# Agent suffix -ster (voetbalster): not a part itself, but the base is emitted too.
AGENT_SUFFIXES = ("sters", "ster")
# Compound-initial forms that are not their lemma (ES stemmer_override kind=>kinder).
INITIAL_FORMS = {"kinder": "kind", "eier": "ei", "runder": "rund", "volkeren": "volk"}


class Decompounder:
    """Split folded lowercase words into known parts.

    :param zipf: folded word -> zipf frequency (the compound word list with frequencies)
    :param lemmas: folded inflected form -> lemma, to recognise an inflected last part
    """

    def __init__(self, zipf: dict[str, float], lemmas: dict[str, str], verbs: frozenset = frozenset(),
                 keep: frozenset = frozenset()):
        self._zipf = zipf
        self._lemmas = lemmas
        self._verbs = verbs  # verb lemmas: kunnen, blijken, beleven are not compounds
        self._keep = keep  # lexicalised words and place names (resources.load_keep_whole)
        self.split = lru_cache(maxsize=200_000)(self._split)

    def _part_zipf(self, seg: str, first: bool, last: bool) -> float:
        """Frequency of a segment as a part, or 0.0 when it may not be one."""
        if len(seg) < MIN_PART_LEN or seg in NO_PART or (first and seg in NO_FIRST_PART):
            return 0.0
        z = self._zipf.get(INITIAL_FORMS.get(seg, seg), 0.0)
        if last and z < PART_MIN_ZIPF:  # inflected head: "achterstanden" -> achterstand
            z = max([z] + [self._zipf.get(base, 0.0) for base in self._bases(seg)])
        if z < PART_MIN_ZIPF or (len(seg) == MIN_PART_LEN and z < SHORT_PART_MIN_ZIPF):
            return 0.0
        return z

    def _bases(self, seg: str) -> list[str]:
        """Uninflected candidates of a last part: lemma, or without -en/-s/-e."""
        bases = [self._lemmas.get(seg, "")]
        for ending in ("en", "s", "e"):
            if seg.endswith(ending) and len(seg) - len(ending) > MIN_PART_LEN:
                bases.append(seg[: -len(ending)])
        return bases

    def _segmentations(self, word: str, start: int, depth: int):
        """Yield (parts, zipf list) for word[start:], parts as (start, end) spans."""
        n = len(word)
        for end in range(start + MIN_PART_LEN, n + 1):
            seg = word[start:end]
            if end == n:
                z = self._part_zipf(seg, start == 0, True)
                if z:
                    yield [(start, end)], [z]
                continue
            if depth + 1 >= MAX_PARTS:
                continue
            z = self._part_zipf(seg, start == 0, False)
            if not z:
                continue
            for link in LINKERS:
                nxt = end + len(link)
                if word.startswith(link, end) and n - nxt >= MIN_PART_LEN:
                    for parts, zs in self._segmentations(word, nxt, depth + 1):
                        yield [(start, end)] + parts, [z] + zs

    def _split(self, word: str) -> tuple[str, ...]:
        """Parts of a compound (lemma-ish surface forms), or () when it should stay whole."""
        lemma = self._lemmas.get(word, word)
        if len(word) < MIN_WORD_LEN or not word.isalpha() or lemma in self._verbs or lemma in self._keep \
                or word in self._keep:
            return ()
        whole = max(self._zipf.get(word, 0.0), self._zipf.get(self._lemmas.get(word, ""), 0.0))
        agent = _agent_base(word)
        if agent:  # voetbalster -> voetbal; straatvoetbalster -> straat + voetbal(ster)
            inner = self.split(agent) if len(agent) >= MIN_WORD_LEN else ()
            if inner:
                return _agent_parts(word, agent, inner)
            if len(agent) > MIN_PART_LEN and self._zipf.get(agent, 0.0) > max(whole, PART_MIN_ZIPF):
                return (agent,)
        # Fewest parts first: "huiswerkbegeleiding" is huiswerk + begeleiding, never
        # huis + werk + begeleiding; among equally short splits the most frequent parts win.
        by_len: dict[int, list[tuple[float, list]]] = {}
        for parts, zs in self._segmentations(word, 0, 0):
            if len(parts) >= 2:
                score = sum(zs) / len(zs) - SPLIT_PENALTY * (len(zs) - 1)
                by_len.setdefault(len(parts), []).append((score, parts))
        if not by_len:
            return ()
        fewest = min(by_len)
        candidates = [c for c in by_len[fewest] if fewest == 2 or _no_short_part(c[1])]
        if not candidates:
            return ()
        score, parts = max(candidates, key=lambda c: c[0])
        if score <= whole + SPLIT_MARGIN:
            return ()
        return tuple(INITIAL_FORMS.get(word[s:e], word[s:e]) for s, e in parts)


def _no_short_part(parts) -> bool:
    """3-letter parts only in two-part splits (gymles), never in ach+ter+stand."""
    return all(e - s > MIN_PART_LEN for s, e in parts)


def _agent_base(word: str) -> str:
    """"voetbalster" -> "voetbal" (the -ster agent noun's base), else ""."""
    for suffix in AGENT_SUFFIXES:
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return ""


def _agent_parts(word: str, base: str, inner: tuple[str, ...]) -> tuple[str, ...]:
    """Parts of base + "ster": the last part keeps its suffix and its bare form follows."""
    last = inner[-1]
    suffix = word[len(base):]
    return inner[:-1] + (last + suffix, last)
