"""HTML pages: <meta name=...> as metadata, h1-h3 as sections, scripts/styles/navigation dropped."""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString

from indexer.errors import ReadError
from indexer.model import Document, Section
from indexer.readers.common import (
    DEFAULT_MAX_BYTES,
    clean_heading,
    make_document,
    normalize_metadata,
    read_bytes,
)
from indexer.repair import decode_bytes, normalize_chars

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "iframe", "object", "form")
_SECTION_TAGS = ("h1", "h2", "h3")
_BLOCK_TAGS = (
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "pre", "blockquote",
    "section", "article", "main", "header", "footer", "aside", "figure", "figcaption", "h4", "h5",
    "h6", "address", "hr",
)
# Technical meta tags that say nothing about the document.
_IGNORED_META = frozenset({"viewport", "generator", "robots", "referrer", "theme-color", "format-detection"})
_MARK = "\x00H\x00"  # prefix of a section-heading line in the flattened text


class HtmlReader:
    extensions = (".html", ".htm")

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        markup = normalize_chars(decode_bytes(read_bytes(path, self.max_bytes), path))
        if not markup.strip():
            raise ReadError(path, "empty file")
        soup = BeautifulSoup(markup, "lxml")
        metadata = normalize_metadata(_meta_tags(soup))
        title_tag = soup.find("title")
        title = clean_heading(title_tag.get_text(" ")) if title_tag else ""
        for tag in soup.find_all(_DROP_TAGS):
            tag.decompose()
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        body = soup.body or soup
        h1 = body.find("h1")
        title = title or (clean_heading(h1.get_text(" ")) if h1 else "")
        # a page with a <main> keeps its site header, footer and sidebars outside it
        main = body.find("main")
        if main is not None and main.get_text(strip=True):
            body = main
        sections = _sections(_flatten(body))
        return [make_document(path, root, sections, title=title, metadata=metadata)]


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or "").strip().lower()
        content = tag.get("content")
        if name and content is not None and name not in _IGNORED_META:
            meta[name] = " ".join(str(content).split())
    return meta


def _flatten(body) -> str:
    """Text with one block per line and heading lines marked, whitespace inside blocks collapsed."""
    for text_node in list(body.find_all(string=True)):
        if isinstance(text_node, NavigableString) and type(text_node) is NavigableString:
            text_node.replace_with(re.sub(r"\s+", " ", str(text_node)))
    for br in body.find_all("br"):
        br.replace_with("\n")
    for tag in body.find_all(_SECTION_TAGS):
        heading = " ".join(tag.get_text(" ").split())
        tag.replace_with(f"\n{_MARK}{heading}\n")
    for tag in body.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return body.get_text()


def _sections(flat: str) -> list[Section]:
    sections: list[Section] = []
    heading = ""
    paragraphs: list[str] = []
    for line in flat.split("\n"):
        line = " ".join(line.split())
        if line.startswith(_MARK):
            sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
            heading, paragraphs = line[len(_MARK):].strip(), []
        elif line:
            paragraphs.append(line)
    sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
    return [s for s in sections if s.heading or s.text.strip()]
