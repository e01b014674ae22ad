"""Markdown files with optional YAML front matter; headings # .. ### become sections."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from indexer.errors import ReadError
from indexer.model import Document, Section
from indexer.readers.common import (
    read_text,
    DEFAULT_MAX_BYTES,
    clean_heading,
    make_document,
    normalize_metadata,
    table_prose,
)
from indexer.readers.safe_yaml import load_yaml

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_OPENING = re.compile(r"\A---[ \t]*\n")
# A front matter line: a one-word key and a colon ("titel: ...", "themas:"), unlike prose
# such as "Let op: ..." after a leading horizontal rule.
_YAML_KEY = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)")
_YAML_MORE = re.compile(r"[ \t]+\S|-[ \t]")  # an indented continuation or a list item
_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")  # a thematic break (or a stray table rule)
_TABLE_CELL_RULE = re.compile(r":?-+:?")
_PIPE = re.compile(r"(?<!\\)\|")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Inline markup that is noise for search: images, links, emphasis, code ticks. Applied to whole
# paragraphs, not lines, because emphasis and link text often wrap onto the next line.
_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(?!\s)(.+?)(?<!\s)\1", re.DOTALL), r"\2"),
    (re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])", re.DOTALL), r"\1"),
    (re.compile(r"(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])", re.DOTALL), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Return (metadata, body); metadata is {} when the text has no front matter."""
    match = _FRONT_MATTER.match(text)
    if not match:
        _check_unclosed(text, path)
        return {}, text
    data = load_yaml(match.group(1), path, where="front matter", first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError(path, "front matter is not a mapping of keys to values")
    return normalize_metadata(data), text[match.end():]


def _check_unclosed(text: str, path: Path) -> None:
    """Refuse an opening --- directly followed by key lines that no --- closes: indexed as body
    text, its keys became the title and its metadata was lost without a word."""
    if not _OPENING.match(text):
        return
    lines = text.split("\n")[1:]
    # front matter keys are lowercase here (titel:, type:); a capitalised "Samenvatting: ..." is prose
    if not lines or not _YAML_KEY.match(lines[0]) or not lines[0][:1].islower():
        return
    last = 1  # file line of the last line that still reads as front matter
    for line in lines:
        if not (_YAML_KEY.match(line) or _YAML_MORE.match(line)):
            break
        last += 1
    raise ReadError(
        path, "front matter opened on line 1 is never closed with ---",
        hint=f"add a line --- after line {last}; if the first --- is a horizontal rule, "
             "leave a blank line after it",
    )


def strip_inline(text: str) -> str:
    text = _COMMENT.sub("", text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def markdown_sections(body: str) -> list[Section]:
    """Split at # .. ### headings; paragraphs joined to one line each, list items and table rows
    kept apart, tables written as "Header: cell; Header: cell." so they read as sentences."""
    sections: list[Section] = []
    heading = ""
    block: list[str] = []
    paragraphs: list[str] = []
    in_fence = False

    def flush_block() -> None:
        if block:
            if any(_LIST_ITEM.match(line) for line in block):
                paragraphs.append("\n".join(strip_inline(item) for item in _list_items(block)))
            else:
                paragraphs.append(strip_inline(" ".join(line.strip() for line in block)))
            block.clear()

    lines = _COMMENT.sub("", body).split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
            i += 1
            continue
        match = None if in_fence else _HEADING.match(line)
        table = 0 if in_fence else _table_length(lines, i)
        if match:
            flush_block()
            sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
            heading, paragraphs = clean_heading(strip_inline(match.group(2))), []
        elif table:
            flush_block()
            rows = _table_prose(lines[i:i + table])
            paragraphs.extend(["\n".join(strip_inline(row) for row in rows)] if rows else [])
            i += table
            continue
        elif not line.strip() or _RULE.match(line):
            flush_block()
        else:
            block.append(line.strip().lstrip(">").strip() if line.lstrip().startswith(">") else line)
        i += 1
    flush_block()
    sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
    return [s for s in sections if s.heading or s.text.strip()]


def _list_items(block: list[str]) -> list[str]:
    """One line per list item: a wrapped item's continuation lines join the item."""
    items: list[str] = []
    in_item = False
    for line in block:
        if _LIST_ITEM.match(line):
            items.append(_LIST_ITEM.sub("- ", line).strip())
            in_item = True
        elif in_item:
            items[-1] += " " + line.strip()
        else:
            items.append(line.strip())
    return items


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [cell.strip().replace("\\|", "|") for cell in _PIPE.split(line)]


def _is_table_rule(line: str) -> bool:
    return "|" in line and all(_TABLE_CELL_RULE.fullmatch(cell) for cell in _cells(line))


def _table_length(lines: list[str], i: int) -> int:
    """Number of lines of the table starting at lines[i], 0 when none starts there: rows that
    start with "|", or pipe-separated rows when the next line is a header rule ("|---|---|")."""
    line = lines[i].strip()
    headed = "|" in line and i + 1 < len(lines) and _is_table_rule(lines[i + 1])
    if not line.startswith("|") and not headed:
        return 0
    end = i + 1
    while end < len(lines) and "|" in lines[end] and (headed or lines[end].strip().startswith("|")):
        end += 1
    return end - i


def _table_prose(rows: list[str]) -> list[str]:
    """Body rows as "Header1: cell1; Header2: cell2." (rule rows dropped)."""
    header: list[str] = []
    if len(rows) > 1 and _is_table_rule(rows[1]):
        header, rows = _cells(rows[0]), rows[2:]
    return table_prose([header] + [_cells(row) for row in rows if not _is_table_rule(row)])


class MarkdownReader:
    extensions = (".md", ".markdown")

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        text = read_text(path, self.max_bytes)
        metadata, body = split_front_matter(text, path)
        sections = markdown_sections(body)
        first_h1 = next((m.group(2) for m in map(_HEADING.match, body.split("\n")) if m and m.group(1) == "#"), "")
        return [make_document(path, root, sections, title=clean_heading(strip_inline(first_h1)), metadata=metadata)]
