"""Sentence-aware passages: whole sentences, grouped per section to a target length.

Passages never cut a sentence (a run-on "sentence" longer than ``max_words`` or
``MAX_SENTENCE_CHARS`` from a bad extraction is the one exception: it is cut at word boundaries,
and a "word" longer than ``MAX_TOKEN_CHARS``, such as text without spaces, into pieces of that
length). A passage's text is at most ``MAX_CHARS`` characters long as well as ``max_words``
words. Small sections are merged with their neighbours so that a 20-word "Doelgroep" section
does not become a passage alone.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from indexer.model import Document, Passage

TARGET_WORDS = 120
MIN_WORDS = 80
MAX_WORDS = 250
WINDOW_WORDS = 35  # sentence windows embedded on their own (see sentence_windows)
OVERLAP_WORDS = 40  # carry the previous passage's last sentence over when it is at most this long
# Characters: far above what prose reaches (250 words of Dutch are ~1,800 characters), so they
# only bound text without spaces or with absurd "words" (a 2 MB run of letters was one passage)
MAX_CHARS = 4000  # a passage's text
MAX_SENTENCE_CHARS = 3000  # a sentence longer than this is cut (room for a merged section's label)
MAX_TOKEN_CHARS = 500  # a longer "word" is cut into pieces of this length

_WORD = re.compile(r"\S+")


@dataclass
class _Span:
    heading: str
    start: int
    end: int


def section_spans(doc: Document) -> list[_Span]:
    """Character spans of the document's sections inside ``doc.text``."""
    spans: list[_Span] = []
    cursor = 0
    for section in doc.sections:
        body = section.text.strip()
        if not body:
            continue
        at = doc.text.find(body, cursor)
        if at < 0:
            continue
        spans.append(_Span(section.heading.strip(), at, at + len(body)))
        cursor = at + len(body)
    if not spans:
        spans = [_Span("", 0, len(doc.text))]
    return spans


def _sentences_in(spans: list[tuple[int, int]], start: int, end: int, text: str) -> list[tuple[int, int]]:
    inside = [(max(s, start), min(e, end)) for s, e in spans if e > start and s < end]
    if not inside:
        inside = [(start, end)]
    # cover any gaps (text the sentencizer skipped) so nothing is lost
    out: list[tuple[int, int]] = []
    pos = start
    for s, e in inside:
        if s > pos and text[pos:s].strip():
            out.append((pos, s))
        out.append((s, e))
        pos = max(pos, e)
    if pos < end and text[pos:end].strip():
        out.append((pos, end))
    return out


def _split_long(text: str, max_words: int, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Pieces of at most ``max_words`` words and ``max_chars`` characters, cut at spaces (and
    inside a word longer than MAX_TOKEN_CHARS); paragraph breaks become spaces."""
    pieces: list[str] = []
    current: list[str] = []
    chars = 0
    for word in _bounded_words(text, min(MAX_TOKEN_CHARS, max_chars)):
        if current and (len(current) >= max_words or chars + 1 + len(word) > max_chars):
            pieces.append(" ".join(current))
            current, chars = [], 0
        chars += len(word) + (1 if current else 0)
        current.append(word)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _bounded_words(text: str, max_chars: int):
    for word in text.split():
        if len(word) <= max_chars:
            yield word
        else:
            yield from (word[i : i + max_chars] for i in range(0, len(word), max_chars))


def _too_long(piece: str, max_words: int) -> bool:
    if len(piece) > MAX_SENTENCE_CHARS:
        return True
    words = piece.split()
    return len(words) > max_words or (len(piece) > MAX_TOKEN_CHARS and max(map(len, words)) > MAX_TOKEN_CHARS)


def _clean(text: str) -> str:
    # keep paragraph breaks as single newlines, collapse other whitespace
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n".join(p for p in paragraphs if p)


def _group(sentences: list[str], target: int, max_words: int, max_chars: int = MAX_CHARS) -> list[list[str]]:
    groups: list[list[str]] = []
    current: list[str] = []
    count = chars = 0
    for sent in sentences:
        n = len(sent.split())
        if current and (count + n > max_words or count >= target or chars + 1 + len(sent) > max_chars):
            groups.append(current)
            current, count, chars = [], 0, 0
        chars += len(sent) + (1 if current else 0)
        current.append(sent)
        count += n
    if current:
        groups.append(current)
    # fold a short tail into its predecessor when the result stays within bounds
    if len(groups) > 1:
        tail = sum(len(s.split()) for s in groups[-1])
        prev = sum(len(s.split()) for s in groups[-2])
        if tail < MIN_WORDS // 2 and prev + tail <= max_words and _chars(groups[-2] + groups[-1]) <= max_chars:
            groups[-2].extend(groups.pop())
    return groups


def _chars(sentences: list[str]) -> int:
    """The length of the sentences joined by spaces."""
    return sum(map(len, sentences)) + len(sentences) - 1


def _within_chars(headings: list[str], sents: list[str], max_words: int) -> tuple[list[str], list[str]]:
    """A merged block whose every sentence fits a passage: one that a section's label made
    longer than MAX_CHARS is cut again (each piece keeps the sentence's heading)."""
    if all(len(sent) <= MAX_CHARS for sent in sents):
        return headings, sents
    out_headings: list[str] = []
    out_sents: list[str] = []
    for heading, sent in zip(headings, sents):
        pieces = _split_long(sent, max_words, MAX_CHARS) if len(sent) > MAX_CHARS else [sent]
        out_headings.extend([heading] * len(pieces))
        out_sents.extend(pieces)
    return out_headings, out_sents


def split_passages(
    doc: Document,
    sentences: list[tuple[int, int]],
    target_words: int | None = None,
    max_words: int | None = None,
) -> list[Passage]:
    """Cut ``doc`` into passages along sentence spans (character offsets into ``doc.text``)."""
    target_words = target_words or TARGET_WORDS
    max_words = max_words or MAX_WORDS
    blocks: list[tuple[str, list[str]]] = []  # (heading, sentences) per section
    for span in section_spans(doc):
        sents: list[str] = []
        for s, e in _sentences_in(sentences, span.start, span.end, doc.text):
            piece = _clean(doc.text[s:e])
            if not piece:
                continue
            sents.extend(_split_long(piece, max_words) if _too_long(piece, max_words) else [piece])
        if sents:
            blocks.append((span.heading, sents))

    merged = _merge_small_sections(blocks, max_words)
    passages: list[Passage] = []
    for headings, sents in (_within_chars(h, s, max_words) for h, s in merged):
        previous: list[str] = []
        first = 0
        for group in _group(sents, target_words, max_words):
            # the heading of the section the passage starts in (a merged block of a record's
            # small fields holds several: its second passage is no "Samenvatting")
            heading = headings[first] if first else next((h for h in headings if h), "")
            first += len(group)
            carry = previous[-1:] if previous and len(previous[-1].split()) <= OVERLAP_WORDS else []
            if carry and _chars(carry + group) > MAX_CHARS:
                carry = []
            previous = group
            text = " ".join(carry + group)
            ordinal = len(passages)
            digest = hashlib.sha1(f"{heading}\n{text}".encode("utf-8")).hexdigest()
            passages.append(
                Passage(
                    id=passage_id(doc.id, ordinal),
                    doc_id=doc.id,
                    ordinal=ordinal,
                    heading=heading,
                    text=text,
                    hash=digest,
                )
            )
    return passages


def passage_id(doc_id: str, ordinal: int) -> str:
    """The id of a document's passage: its document's id and its place in the document."""
    return f"{doc_id}#p{ordinal}"


def document_of(passage_id: str) -> str:
    """The document id a passage id carries (passage_id's inverse)."""
    return passage_id.rpartition("#p")[0]


def ordinal_of(passage_id: str) -> int | None:
    """The place in its document a passage id carries; None for an id of another form."""
    ordinal = passage_id.rpartition("#p")[2]
    return int(ordinal) if ordinal.isdigit() else None


def _merge_small_sections(
    blocks: list[tuple[str, list[str]]], max_words: int
) -> list[tuple[list[str], list[str]]]:
    """Small sections joined to the one before: (each sentence's section heading, sentences)."""
    out: list[tuple[list[str], list[str]]] = []
    for heading, sents in blocks:
        words = sum(len(s.split()) for s in sents)
        if out:
            prev_headings, prev_sents = out[-1]
            prev_words = sum(len(s.split()) for s in prev_sents)
            if (prev_words < MIN_WORDS or words < MIN_WORDS // 2) and prev_words + words <= max_words:
                # the merged section keeps its heading as a label in the text ("Doelgroep: …")
                # a heading that ends in its own mark ("Waarom een evaluatie?") takes no colon
                label = f"{heading} " if heading.rstrip()[-1:] in ".:?!" else f"{heading}: "
                labelled = [label + sents[0]] + sents[1:] if heading else sents
                out[-1] = (prev_headings + [heading] * len(sents), prev_sents + labelled)
                continue
        out.append(([heading] * len(sents), list(sents)))
    return out


# a sentence ends after one of SENTENCE_END_CHARS, before whitespace and a character that can
# start one (the snippets apply the same rule to whitespace tokens)
SENTENCE_END_CHARS = ".!?"
SENTENCE_START = re.compile(r"[A-ZÀ-Ý0-9“\"'(]")
_SENTENCE_END = re.compile(rf"(?<=[{re.escape(SENTENCE_END_CHARS)}])\s+(?={SENTENCE_START.pattern})")


def split_sentences(text: str) -> list[str]:
    """Sentences of an already-cut passage (a light split: the passage was cut by spaCy)."""
    return [p for p in (s.strip() for s in _SENTENCE_END.split(text)) if p]


def sentence_windows(text: str, min_words: int | None = None) -> list[str]:
    """Consecutive sentences grouped to at least ``min_words`` words; a passage shorter than two
    windows gets none (its own vector says it all)."""
    sentences = split_sentences(text)
    return [" ".join(sentences[a:b]) for a, b in window_groups([len(s.split()) for s in sentences], min_words)]


def window_groups(word_counts: list[int], min_words: int | None = None) -> list[tuple[int, int]]:
    """The (first, end) sentence ranges of a passage's windows, from its sentences' word counts:
    the one rule for the build (what is embedded) and the snippets (which sentences a window's
    similarity speaks for)."""
    min_words = min_words or WINDOW_WORDS
    if sum(word_counts) < 2 * min_words:
        return []
    groups: list[tuple[int, int]] = []
    first, words = 0, 0
    for i, n in enumerate(word_counts):
        words += n
        if words >= min_words:
            groups.append((first, i + 1))
            first, words = i + 1, 0
    if first < len(word_counts):
        if groups and words < min_words // 2:
            groups[-1] = (groups[-1][0], len(word_counts))
        else:
            groups.append((first, len(word_counts)))
    return groups
