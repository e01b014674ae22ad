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
)
from indexer.readers.safe_yaml import load_yaml

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# Inline markup that is noise for search: images, links, emphasis, code ticks, HTML comments.
_INLINE = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Return (metadata, body); metadata is {} when the text has no front matter."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    data = load_yaml(match.group(1), path, where="front matter", first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError(path, "front matter is not a mapping of keys to values")
    return normalize_metadata(data), text[match.end():]


def strip_inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def markdown_sections(body: str) -> list[Section]:
    """Split at # .. ### headings; paragraphs joined to one line each, list items kept apart."""
    sections: list[Section] = []
    heading = ""
    block: list[str] = []
    paragraphs: list[str] = []
    in_fence = False

    def flush_block() -> None:
        if block:
            if any(_LIST_ITEM.match(line) for line in block):
                paragraphs.append("\n".join(_LIST_ITEM.sub("- ", line).strip() for line in block))
            else:
                paragraphs.append(" ".join(line.strip() for line in block))
            block.clear()

    for line in strip_inline(body).split("\n"):
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            flush_block()
            sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
            heading, paragraphs = clean_heading(match.group(2)), []
        elif not line.strip() or _TABLE_RULE.match(line):
            flush_block()
        else:
            block.append(line.strip().lstrip(">").strip() if line.lstrip().startswith(">") else line)
    flush_block()
    sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
    return [s for s in sections if s.heading or s.text.strip()]


class MarkdownReader:
    extensions = (".md", ".markdown")

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        text = read_text(path, self.max_bytes)
        metadata, body = split_front_matter(text, path)
        sections = markdown_sections(body)
        first_h1 = next((m.group(2) for m in map(_HEADING.match, body.split("\n")) if m and m.group(1) == "#"), "")
        return [make_document(path, root, sections, title=clean_heading(first_h1), metadata=metadata)]
