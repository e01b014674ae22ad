"""analyse(): run the document pipeline over a text of any length and return model.Analysis."""
from __future__ import annotations

import re

from indexer.model import Analysis, Entity
from indexer.nlp.pipeline import Pipeline, load_pipeline

# Long texts are cut into chunks at sentence ends and run through nlp.pipe: bounded memory for the
# trained parser, and offsets are shifted back so they point into the original text.
CHUNK_CHARS = 20_000
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*\s*\n|\n\s*\n")

# Labels we keep, and how the trained model's person labels map onto ours.
OWN_LABELS = {"GEMEENTE", "PROVINCIE", "SECTOR", "ORGANISATIE"}
MODEL_LABELS = {"PER": "PERSOON", "PERSON": "PERSOON"}


def split_chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, chunk) pairs covering the text; cuts after a sentence end near ``size``."""
    chunks = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = 0
        for match in _SENTENCE_END.finditer(window, size // 2):
            cut = match.end()
        if cut == 0:  # no sentence end in the second half: cut at the last whitespace
            cut = window.rfind(" ", size // 2) + 1 or size
        chunks.append((start, window[:cut]))
        start += cut
    chunks.append((start, text[start:]))
    return chunks


def _entity(ent, offset: int) -> Entity | None:
    label = MODEL_LABELS.get(ent.label_, ent.label_)
    if label not in OWN_LABELS and label != "PERSOON":
        return None
    value = ent.ent_id_ if label in OWN_LABELS and ent.ent_id_ else " ".join(ent.text.split())
    return Entity(
        label=label,
        text=ent.text,
        value=value,
        start=ent.start_char + offset,
        end=ent.end_char + offset,
    )


def _sentence_span(sent, offset: int) -> tuple[int, int] | None:
    words = [t for t in sent if not t.is_space]
    if not words:
        return None
    return (words[0].idx + offset, words[-1].idx + len(words[-1].text) + offset)


def analyse(text: str, pipeline: Pipeline | None = None) -> Analysis:
    """Sentences (char spans), lowercase lemmas (no punctuation/space) and entities of ``text``."""
    pipeline = pipeline or load_pipeline()
    nlp = pipeline.nlp
    chunks = split_chunks(text or "")
    nlp.max_length = max(nlp.max_length, max(len(c) for _, c in chunks) + 1)
    sentences: list[tuple[int, int]] = []
    lemmas: list[str] = []
    entities: list[Entity] = []
    offsets = [offset for offset, _ in chunks]
    for offset, doc in zip(offsets, nlp.pipe(c for _, c in chunks)):
        for sent in doc.sents:
            span = _sentence_span(sent, offset)
            if span is not None:
                sentences.append(span)
        for token in doc:
            if token.is_punct or token.is_space:
                continue
            lemmas.append((token.lemma_ or token.text).lower())
        for ent in doc.ents:
            entity = _entity(ent, offset)
            if entity is not None and not _in_an_address(entity, text or ""):
                entities.append(entity)
    return Analysis(sentences=_opening_quotes_moved(sentences, text or ""), lemmas=lemmas, entities=entities,
                    pipeline=pipeline.name)


# a place right after a postcode ("2500 BJ Den Haag"), a street and number ("Rijnstraat 50 Den
# Haag") or a PO box is where a letter is sent, not what it is about
_ADDRESS_BEFORE = re.compile(r"(?:\b\d{4} ?[A-Z]{2}|\b[A-Z][a-z]+(?:straat|weg|laan|plein|gracht|kade|singel|dijk)"
                             r" \d+[a-zA-Z]?|\bPostbus \d+),?\s*$")


def _in_an_address(entity: Entity, text: str) -> bool:
    if entity.label not in ("GEMEENTE", "PROVINCIE") or entity.start < 0:
        return False
    return bool(_ADDRESS_BEFORE.search(text[max(0, entity.start - 60):entity.start]))  # the line before too


_OPENING_QUOTES = frozenset("‘“„«'\"")


def _opening_quotes_moved(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """An opening quote the sentencizer left at the end of a sentence ("… te praten. ‘" and "Ik
    wil …") starts the sentence it opens: passages join sentences with a space, so snippets read
    "' Ik wil". A quote after a space is an opening one; a closing one follows its word."""
    out = list(spans)
    for i in range(len(out) - 1):
        start, end = out[i]
        if end - start >= 3 and text[end - 1] in _OPENING_QUOTES and text[end - 2].isspace():
            cut = end - 1
            while cut > start and text[cut - 1].isspace():
                cut -= 1
            out[i], out[i + 1] = (start, cut), (end - 1, out[i + 1][1])
    return out
