"""Custom spaCy components: context filter for ambiguous entities, heading sentence breaks,
and the tokenizer adjustments both pipelines share."""
from __future__ import annotations

import re

from spacy.lang.nl import Dutch
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_infix_regex

from indexer.nlp import resources
from indexer.nlp.resources import CTX_SUFFIX

# Split "vmbo-leerlingen", "havo/vwo", "Rotterdam-Zuid" so sector and place patterns see the parts.
_HYPHEN_SLASH_INFIX = r"(?<=[A-Za-zÀ-ÿ])[-/](?=[A-Za-zÀ-ÿ])"


def tokenizer_exceptions() -> dict:
    """spaCy's Dutch exceptions minus ordinary words, plus our abbreviations (also capitalised)."""
    drop = resources.not_abbreviations()
    rules = {k: v for k, v in Dutch.Defaults.tokenizer_exceptions.items() if k not in drop}
    for abbr in resources.abbreviations():
        for form in (abbr, abbr[:1].upper() + abbr[1:]):
            rules.setdefault(form, [{ORTH: form}])
    return rules


def blank_dutch() -> Language:
    """spacy.blank("nl") with our tokenizer rules built in (cheaper than patching afterwards)."""

    class GkaDutchDefaults(Dutch.Defaults):
        tokenizer_exceptions = tokenizer_exceptions()
        infixes = list(Dutch.Defaults.infixes) + [_HYPHEN_SLASH_INFIX]

    class GkaDutch(Dutch):
        Defaults = GkaDutchDefaults

    return GkaDutch()


def customise_tokenizer(nlp: Language) -> None:
    """The same tokenizer rules on an already loaded (trained) pipeline."""
    infixes = list(nlp.Defaults.infixes) + [_HYPHEN_SLASH_INFIX]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.rules = tokenizer_exceptions()


def _is_sentence_start(token: Token) -> bool:
    if token.i == 0:
        return True
    prev = token.doc[token.i - 1]
    if prev.is_space and "\n" in prev.text:
        return True
    return bool(token.is_sent_start)


_JOINERS = {"-", "/"}


def _keep_in_context(ent: Span, rules: dict, english: frozenset[str] = frozenset()) -> bool:
    doc = ent.doc
    before = set(rules.get("before") or [])
    after = set(rules.get("after") or [])
    prev = doc[ent.start - 1] if ent.start > 0 else None
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if ent.text.lower() in english:
        # "so-called", "pro-active": a joiner only counts when a context word is on its far side.
        words = (before | after) - _JOINERS
        far_prev = doc[ent.start - 2].lower_ if ent.start > 1 else ""
        far_next = doc[ent.end + 1].lower_ if ent.end + 1 < len(doc) else ""
        if prev is not None and prev.lower_ in _JOINERS:
            prev = prev if far_prev in words else None
        if nxt is not None and nxt.lower_ in _JOINERS:
            nxt = nxt if far_next in words else None
    if prev is not None and prev.lower_ in before:
        return True
    if nxt is not None and nxt.lower_ in after:
        return True
    if rules.get("capitalised_mid_sentence") and ent.text[:1].isupper():
        return not _is_sentence_start(doc[ent.start])
    return False


def _coordinated_level(doc: Doc, i: int, rules: dict) -> bool:
    """doc[i], a level adjective, stands in a list of levels that ends in "...onderwijs"."""
    joiners = set(rules.get("joiners") or ())
    passable = joiners | set(rules.get("fillers") or ()) | set(rules.get("levels") or ())
    suffix = rules.get("head_suffix") or "onderwijs"
    if i + 1 >= len(doc) or doc[i + 1].lower_ not in joiners:
        return False  # "voortgezet onderwijs" itself is the patterns' match
    for token in doc[i + 2 : i + 2 + int(rules.get("max_tokens") or 8)]:
        word = token.lower_
        if word.endswith(suffix):
            return True
        if not (word in passable or (word.endswith("-") and len(word) > 1)):
            return False
    return False


def _coordinated_levels(doc: Doc, ents: list[Span], rules: dict) -> list[Span]:
    """SECTOR spans for level adjectives in a list before "onderwijs" that no entity covers."""
    levels = rules.get("levels") or {}
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    return [Span(doc, t.i, t.i + 1, label="SECTOR", span_id=levels[t.lower_])
            for t in doc if t.lower_ in levels and t.i not in taken and _coordinated_level(doc, t.i, rules)]


@Language.component("gka_context_filter")
def context_filter(doc: Doc) -> Doc:
    """Drop "|ctx" matches without context, strip the marker, relabel "provincie Utrecht", add
    the level adjectives of a coordinated list ("primair en voortgezet onderwijs")."""
    rules = resources.context_rules()
    relabels = rules.get("relabel") or []
    english = frozenset(rules.get("query_context_forms") or [])
    kept = []
    for ent in doc.ents:
        value = ent.ent_id_
        label = ent.label_
        if value.endswith(CTX_SUFFIX):
            if not _keep_in_context(ent, rules.get(label) or {}, english):
                continue
            value = value[: -len(CTX_SUFFIX)]
        prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        nxt = doc[ent.end].lower_ if ent.end < len(doc) else ""
        for rule in relabels:
            if label == rule["from"] and value in rule["values"] and (
                    prev in rule["before"] or nxt in (rule.get("after") or ())):
                label = rule["to"]
        if label != ent.label_ or value != ent.ent_id_:
            ent = Span(doc, ent.start, ent.end, label=label, span_id=value)
        kept.append(ent)
    coordinated = rules.get("coordinated")
    if coordinated:
        kept = sorted(kept + _coordinated_levels(doc, kept, coordinated), key=lambda e: e.start)
    doc.ents = kept
    return doc


_NEWLINES = re.compile(r"\n\s*\n")


@Language.component("gka_heading_breaks")
def heading_breaks(doc: Doc) -> Doc:
    """Start a sentence after a short heading-like line ("Datum 19 november 2019", "Gemeenten").

    Only short lines followed by a blank line and a capital count: in the PDF-derived texts every
    line is followed by a blank line, and ordinary wrapped lines are longer than a heading.
    """
    # Only whitespace tokens with a blank line can start a heading break: look at those alone.
    for token in doc:
        if not (token.is_space and _NEWLINES.search(token.text)) or token.i + 1 >= len(doc):
            continue
        first = doc[token.i + 1].text[:1]
        if token.i == 0 or not (first.isupper() or first.isdigit()):
            continue
        if doc[token.i - 1].text.endswith(("-", ",", ":")):
            continue
        start = max(token.i - 12, 0)
        line_words, at_line_start = 0, start == 0  # words on the line before the blank line
        for prev in reversed(doc[start : token.i]):
            if prev.is_space and "\n" in prev.text:
                at_line_start = True
                break
            line_words += 0 if prev.is_punct or prev.is_space else 1
        if at_line_start and 0 < line_words <= 6:
            doc[token.i + 1].is_sent_start = True
    return doc
