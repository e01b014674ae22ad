"""Text repair for PDF-extracted and plain text: characters, page furniture, hyphenation, paragraphs.

PDF extraction leaves line-wrapped text with running headers, page numbers, letter reference
blocks and end-of-line hyphenation. ``repair_text`` turns that back into paragraphs (one per
line, separated by blank lines) so that sentence splitting and search see real sentences.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from indexer.errors import ReadError

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " ", "\t": " ", "\f": "\n", "\v": "\n",
        "\u2028": "\n", "\u2029": "\n\n",
        "\u2010": "-", "\u2011": "-",
        "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
        "\ufb05": "st", "\ufb06": "st",
    }
    | {chr(c): " " for c in range(0x2000, 0x200B)}  # en/em/thin/hair spaces
)

# Lower-case abbreviations that keep their hyphen in compounds (mbo-student, vmbo-havo).
_ABBREVIATIONS = frozenset(
    "vve po so vo pro vmbo havo vwo mbo hbo wo bso vso ict lob ggd ocw lea gka pabo roc"
    " cito vmbo-t tl gl kb bb".split()
)
# Elliptic compounds: "voor- en vroegschoolse" keeps the hyphen and the space.
_CONJUNCTIONS = frozenset({"en", "of", "tot", "noch", "dan", "als"})
_DIGRAPHS = frozenset("aa ee oo uu ie ei eu oe ou au ui ij".split())
_TERMINAL = re.compile(r"[.!?:;][\"')\]]*$")
_HYPHEN_END = re.compile(r"([^\W\d_][\w']*)-$")  # line ends in a word fragment plus hyphen
_LETTER_START = re.compile(r"[\"'(]?([^\W\d_]+)")
_PAGE_NUMBER = re.compile(r"^(?:pagina\s+)?\d{1,4}(?:\s*(?:/|van)\s*\d{1,4})?$", re.IGNORECASE)
# Running headers like "6  |  Rapportage Gelijke Kansen Alliantie 7".
_RUNNING_HEADER = re.compile(r"^(?:\d{1,4}\s*\|\s*.{2,80}?|.{2,80}?\s*\|\s*\d{1,4})(?:\s+\d{1,4})?$")
# Letter reference blocks ("Onze referentie" + number), on their own or glued into a line.
_REF_LABEL = r"(?:Onze referentie|Ons kenmerk|Uw kenmerk|Uw referentie)"
_REF_ALONE = re.compile(rf"^{_REF_LABEL}$")
_REF_GLUED = re.compile(rf"\s+{_REF_LABEL}$")
_REF_NUMBER = re.compile(r"^\d{5,}$")
_REF_NUMBER_GLUED = re.compile(r"\s+\d{5,}$")

_FURNITURE_MIN_REPEATS = 3
_FURNITURE_MAX_LEN = 80
_WRAPPED_MAX_WIDTH = 120  # typical line width above which text is not line-wrapped

_NOT_TEXT = "a .txt or .md file must hold text; save a word-processor file as DOCX or PDF instead"


def normalize_chars(text: str) -> str:
    """Unicode NFC, straight quotes, plain spaces, no soft hyphens or ligatures, \\n line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text.translate(_CHAR_MAP))


def repair_text(text: str, references: list[str] | None = None) -> str:
    """Repair extracted text: characters, furniture, hyphenation and wrapped lines -> paragraphs.
    The numbers of the letter reference blocks it drops go to ``references`` when given."""
    lines = [" ".join(line.split()) for line in normalize_chars(text).split("\n")]
    lines = drop_reference_blocks(lines, references)
    lines = drop_furniture(lines)
    return "\n\n".join(build_paragraphs(lines))


def decode_bytes(data: bytes, path: object = "<bytes>") -> str:
    """Decode text bytes: UTF-8 (BOM allowed), UTF-16 with BOM, else cp1252; refuse binary junk."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check_not_binary(data.decode("utf-16"), path)
        except UnicodeDecodeError:
            raise ReadError(path, "binary content, not text", hint=_NOT_TEXT) from None
    if b"\x00" in data[:65536]:
        raise ReadError(path, "binary content, not text", hint=_NOT_TEXT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
            text = data.decode("latin-1")
    return _check_not_binary(text, path)


def _check_not_binary(text: str, path: object) -> str:
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    if "\x00" in sample or (sample and controls / len(sample) > 0.01):
        raise ReadError(path, "binary content, not text", hint=_NOT_TEXT)
    return text


# ---- page furniture ----------------------------------------------------------------------


def drop_reference_blocks(lines: list[str], found: list[str] | None = None) -> list[str]:
    """Remove "Onze referentie" + number blocks that letters repeat on every page; their
    numbers are appended to ``found`` when given."""
    out: list[str] = []
    strip_number = 0  # lines left in which a glued reference number may trail
    skip_number = False
    for line in lines:
        if skip_number and _REF_NUMBER.match(line):
            skip_number = False
            if found is not None:
                found.append(line)
            continue
        if line:
            skip_number = False
        if _REF_ALONE.match(line):
            skip_number = True
            continue
        if _REF_GLUED.search(line):
            line = _REF_GLUED.sub("", line)
            strip_number = 3
            out.append(line)
            continue
        if strip_number and line:
            strip_number -= 1
            glued = _REF_NUMBER_GLUED.search(line)
            if glued:
                line = line[: glued.start()]
                strip_number = 0
                if found is not None:
                    found.append(glued.group().strip())
        out.append(line)
    return out


def drop_furniture(lines: list[str]) -> list[str]:
    """Drop page numbers, running headers and short lines repeated on many pages."""
    counts = Counter(line for line in lines if line)
    repeated = {
        line
        for line, n in counts.items()
        if n >= _FURNITURE_MIN_REPEATS and len(line) <= _FURNITURE_MAX_LEN and not line.endswith(".")
    }
    return [
        line
        for line in lines
        if not (line in repeated or _PAGE_NUMBER.match(line) or _RUNNING_HEADER.match(line))
    ]


# ---- paragraphs and hyphenation ----------------------------------------------------------


def build_paragraphs(lines: list[str], apart: str = "") -> list[str]:
    """Join wrapped lines into paragraphs; blank lines separate paragraphs unless mid-sentence.
    Lines starting with ``apart`` (a PDF table's rows as one line) do not count towards the usual
    line width: a few such long lines would make every line of the text look short, or unwrapped."""
    entries: list[tuple[str, int]] = []  # (line, blank lines before it)
    blanks = 0
    for line in lines:
        if line:
            entries.append((line, blanks))
            blanks = 0
        else:
            blanks += 1
    if not entries:
        return []
    lengths = sorted(len(line) for line, _ in entries if not (apart and line.startswith(apart)))
    lengths = lengths or sorted(len(line) for line, _ in entries)
    width = lengths[int(len(lengths) * 0.8)]
    wrapped = width <= _WRAPPED_MAX_WIDTH
    followed = sum(1 for _, gap in entries[1:] if gap == 1)
    double_spaced = wrapped and followed >= 0.5 * len(entries)

    paragraphs: list[str] = []
    current = entries[0][0]
    previous = current
    for line, gap in entries[1:]:
        joined = _join_hyphenated(current, previous, line) if gap <= 2 else None
        if joined is not None:
            current = joined
        elif _is_soft_break(previous, line, gap, wrapped, double_spaced, width):
            current = f"{current} {line}"
        else:
            paragraphs.append(current)
            current = line
        previous = line
    paragraphs.append(current)
    return paragraphs


def _is_soft_break(prev: str, line: str, gap: int, wrapped: bool, double: bool, width: int) -> bool:
    """True when the break between ``prev`` and ``line`` is a line wrap, not a new paragraph."""
    mid_sentence = not _TERMINAL.search(prev) and line[:1].islower()
    if gap > 0 and not (wrapped and (mid_sentence or (gap == 1 and double))):
        return False
    if mid_sentence:
        return True
    if not wrapped:
        return gap == 0
    if _is_heading(prev) != _is_heading(line):
        return False
    if _TERMINAL.search(prev) and len(prev) < 0.75 * width:
        return False  # a short line ending a sentence ends its paragraph
    if len(prev) < 0.5 * width and line[:1].isupper() and not prev.endswith(","):
        return False  # short lines (signatures, addresses) stand on their own
    return True


def _is_heading(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _join_hyphenated(current: str, prev: str, line: str) -> str | None:
    """Join "ver-" + "wachtingen"; return None when ``prev`` does not end in a hyphenated word."""
    head = _HYPHEN_END.search(prev)
    start = _LETTER_START.match(line)
    if not head or not start or not line[:1].isalpha() and not line[:1] in "\"'(":
        return None
    left = head.group(1).rsplit("-", 1)[-1].strip("'")
    right = start.group(1)
    first_word = line.split(" ", 1)[0]
    if first_word.lower() in _CONJUNCTIONS:
        return f"{current} {line}"  # "voor- en vroegschoolse"
    if _keeps_hyphen(left, right):
        return current + line
    return current[:-1] + line


def _keeps_hyphen(left: str, right: str) -> bool:
    if not left or right[:1].isupper():
        return True  # "Noord-Holland", "GKA-agenda's"
    if len(left) >= 2 and left.isupper():
        return True  # "GKA-agenda"
    if (left[-1] + right[0]).lower() in _DIGRAPHS:
        return True  # vowel clash that joining would turn into one sound: "auto-ongeluk", "zee-egel"
    if _zipf((left + right).lower()) > 0:
        return False  # a known word: "verwachtingen", "emancipatie", "professionals"
    if left.lower() in _ABBREVIATIONS:
        return True  # "mbo-student", "vmbo-havo"
    # Two real words: keep them apart (safer for search than gluing an unknown compound).
    return len(left) >= 3 and len(right) >= 3 and _zipf(left.lower()) >= 2.5 and _zipf(right.lower()) >= 2.5


@lru_cache(maxsize=50_000)
def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # without the word list, join unless the rules above say otherwise
        return 1.0
    return zipf_frequency(word, "nl")
