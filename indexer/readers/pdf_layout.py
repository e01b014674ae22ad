"""PDF page lines with their font evidence, and headings found from it.

pypdf's plain text has no structure; its ``visitor_text`` callback tells, for each text run, the
font and the text/ctm matrices. From those each extracted line gets an effective font size, a bold
flag and whether its runs stand apart like table cells. A heading is a short standalone block of
lines clearly larger than the body text (the most common size by characters), or in bold at body
size or above when the body itself is not bold.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

_BIG = 1.15  # a line this much larger than the body text is heading-sized
_BOLD_MIN = 0.95  # a bold heading is not smaller than the body (table headers, captions often are)
_MAX_LINES = 3
_MAX_WORDS = 20
_MAX_CHARS = 200
# Runs on one line further apart than their text could reach (an em-width of 0.7 per character,
# plus two ems) are table cells or columns, not one heading.
_CHAR_EM = 0.7
_GAP_EMS = 2.0
_BOLD_NAME = re.compile(r"bold|black|heavy|demi", re.I)
_FORCE_BOLD = 1 << 18
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
# Captions, bylines, page labels, contact lines, table-of-contents leaders: never headings.
_NOT_HEADING = re.compile(
    r"^(?:figuur|fig|tabel|grafiek|afbeelding|illustratie|foto|kaart|schema|figure|table|chart"
    r"|bron|source|noot|door|by|auteurs?|tekst|redactie|interview|pagina|page)\b"
    rf"|^(?:\w+dag\s+)?\d{{0,2}}\s*(?:{_MONTHS})\s+\d{{4}}$"
    r"|@|https?:|www\.|\||\.{4}|…\s*\d+$",
    re.I,
)
_LIST_OR_QUOTE = tuple("•·▪◦‣-–—*\"'“”„‘’«»")
# Operators that can show text (pypdf's own test): with a visitor pypdf parses every content
# stream, so a page of vector drawing only would cost many times its plain extraction.
_TEXT_OPERATORS = (b"Tj", b"TJ", b"Do", b"'", b'"')  # substring tests: far faster than a regex


@dataclass
class Line:
    """One line of a page's extracted text. ``size`` 0 means no font evidence for it."""

    text: str
    size: float = 0.0  # smallest effective font size of its (substantial) runs
    bold: bool = False  # all those runs in a bold face
    cells: bool = False  # runs far apart on the line: a table row or columns
    chars: int = 0  # non-space characters seen in runs
    # (x, y, size, text) of its runs in page space, when all are upright: where table cells stand
    spans: tuple[tuple[float, float, float, str], ...] = ()


def page_lines(page) -> list[Line]:
    """The page's text (exactly as ``page.extract_text()``) split into lines with font evidence;
    lines without evidence when the runs reported do not add up to the text."""
    if not _may_show_text(page):
        return [Line(line) for line in (page.extract_text() or "").split("\n")]
    # text, effective size, bold, position along the line, (x, y) when upright
    runs: list[tuple[str, float, bool, float, tuple[float, float] | None]] = []
    faces: dict[int, tuple[object, bool, float]] = {}
    broken = False

    def visit(text, cm, tm, font, size) -> None:
        nonlocal broken
        if not text or broken:
            return
        try:
            # combined text x CTM matrix: its vertical scale sizes the glyphs
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = math.hypot(a, b) or 1.0
            bold, glyph_scale = _face(font, faces)
            upright = a > 0 and d > 0 and abs(b) < 1e-3 * a and abs(c) < 1e-3 * d
            size = abs(float(size)) * glyph_scale * math.hypot(c, d)
            runs.append((text, size, bold, (x * a + y * b) / scale, (x, y) if upright else None))
        except Exception:  # damaged matrices or font dictionaries: no evidence, still the text
            broken = True

    text = page.extract_text(visitor_text=visit) or ""
    raw = text.split("\n")
    if broken or "".join(run[0] for run in runs) != text:
        return [Line(line) for line in raw]
    return _styled(raw, runs)


def _may_show_text(page) -> bool:
    try:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        streams = contents if isinstance(contents, list) else [contents]
        datas = [s.get_object().get_data() for s in streams if s is not None]
        return any(op in data for data in datas for op in _TEXT_OPERATORS)
    except Exception:  # let extraction itself meet (and report) a damaged stream
        return True


def _face(font, faces: dict[int, tuple[object, bool, float]]) -> tuple[bool, float]:
    """(bold, glyph scale) of a font dictionary: bold by name, weight or ForceBold flag; a Type3
    font's glyph space is its own (FontMatrix), not the usual 1/1000."""
    if font is None:
        return False, 1.0
    cached = faces.get(id(font))
    if cached is not None and cached[0] is font:
        return cached[1], cached[2]
    bold = bool(_BOLD_NAME.search(str(font.get("/BaseFont", ""))))
    if not bold:
        try:
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            weight = float(descriptor.get("/FontWeight", 0) or 0)
            bold = weight >= 600 or bool(int(descriptor.get("/Flags", 0) or 0) & _FORCE_BOLD)
        except Exception:  # a broken descriptor only costs the bold evidence
            bold = False
    scale = 1.0
    if font.get("/Subtype") == "/Type3":
        try:
            scale = abs(float(font["/FontMatrix"][3])) * 1000 or 1.0
        except Exception:
            scale = 1.0
    faces[id(font)] = (font, bold, scale)
    return bold, scale


def _styled(raw: list[str], runs) -> list[Line]:
    # per line: (non-space chars, size, bold, position or None, characters of the piece)
    pieces: list[list[tuple[int, float, bool, float | None, int]]] = [[] for _ in raw]
    placed: list[list | None] = [[] for _ in raw]  # spans; None once a piece has no place
    row = 0
    for text, size, bold, pos, xy in runs:
        for k, part in enumerate(text.split("\n")):
            if k:
                row += 1
            chars = len(part) - part.count(" ")
            if chars:
                pieces[row].append((chars, size, bold, pos if k == 0 else None, len(part)))
            spans = placed[row]
            if spans is not None and part.strip():
                if xy and k == 0:
                    spans.append((*xy, size, part))
                else:  # a piece after a line break in its run has no position of its own
                    placed[row] = None
            elif spans and part:
                spans[-1] = (*spans[-1][:3], spans[-1][3] + part)
    lines = []
    for text, parts, spans in zip(raw, pieces, placed):
        if not parts:
            lines.append(Line(text))
            continue
        # a footnote mark or bullet in another font says nothing about the line's style
        main = [p for p in parts if p[0] >= 3] or parts
        lines.append(
            Line(
                text,
                size=min(p[1] for p in main),
                bold=all(p[2] for p in main),
                cells=_apart(parts),
                chars=sum(p[0] for p in parts),
                spans=tuple(spans or ()),
            )
        )
    return lines


def _apart(parts) -> bool:
    for (_, size, _, pos, length), nxt in zip(parts, parts[1:]):
        if pos is not None and nxt[3] is not None and far_apart(pos, length, size, nxt[3]):
            return True
    return False


def far_apart(start: float, length: int, size: float, next_start: float) -> bool:
    """Whether a run of ``length`` characters at ``start`` and the next run at ``next_start`` stand
    further apart than the run's text could reach."""
    return next_start - start > (length * _CHAR_EM + _GAP_EMS) * size


def find_headings(pages: list[list[Line]]) -> dict[int, tuple[int, str]]:
    """{index of a heading's first line in the pages' lines taken in order: (its number of lines,
    the heading)}; empty when the font evidence shows no heading (e.g. one size throughout)."""
    sizes: Counter[float] = Counter()
    bold_chars = 0
    for page in pages:
        for line in page:
            if line.size:
                sizes[round(line.size * 2) / 2] += line.chars
    if not sizes:
        return {}
    body = sizes.most_common(1)[0][0]
    for page in pages:
        for line in page:
            if line.size and round(line.size * 2) / 2 == body and line.bold:
                bold_chars += line.chars
    bold_rule = 2 * bold_chars < sizes[body]  # in a bold body, bold marks nothing
    flat = [line for page in pages for line in page]
    headings: dict[int, tuple[int, str]] = {}
    start = 0
    for page in pages:
        i = 0
        while i < len(page):
            kind = _kind(page[i], body, bold_rule)
            if kind is None:
                i += 1
                continue
            j = i + 1
            while j < len(page) and _kind(page[j], body, bold_rule) == kind:
                j += 1
            text = join_lines([line.text for line in page[i:j]])
            after = next((flat[k].text.strip() for k in range(start + j, len(flat)) if flat[k].text.strip()), "")
            if _is_heading(text, j - i, big=kind[0] >= body * _BIG, after=after):
                headings[start + i] = (j - i, text)
            i = j
        start += len(page)
    return headings


def _kind(line: Line, body: float, bold_rule: bool) -> tuple[float, bool] | None:
    if not line.size or line.cells or not line.text.strip():
        return None
    if line.size >= body * _BIG or (bold_rule and line.bold and line.size >= body * _BOLD_MIN):
        return (round(line.size * 2) / 2, line.bold)
    return None


def join_lines(lines: list[str]) -> str:
    """A heading's or table cell's lines as one line."""
    text = ""
    for line in (" ".join(raw.split()) for raw in lines):
        # a hyphen at a line end stays: "NRO-" + "evaluatie"
        text = text + line if text.endswith("-") else f"{text} {line}".strip()
    return text


def _is_heading(text: str, n_lines: int, big: bool, after: str) -> bool:
    words = text.split()
    if not words or n_lines > _MAX_LINES or len(words) > _MAX_WORDS or len(text) > _MAX_CHARS:
        return False
    if sum(ch.isalpha() for ch in text) < 3 or text[-1] in ".,;:-" or text.startswith(_LIST_OR_QUOTE):
        return False
    if text[0].islower() and not big:
        return False
    if after[:1].islower() and text[-1] not in "?!":
        return False  # the sentence runs on below: a bold or large opening, not a heading
    return not _NOT_HEADING.search(text)
