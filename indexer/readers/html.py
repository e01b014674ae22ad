"""HTML pages: <meta name=...> as metadata, h1-h3 as sections, scripts/styles/navigation dropped,
and the page's chrome (site header, footer, sidebars, cookie banners) left out."""
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
# Page chrome: a site header, footer or sidebar outside the page's content, and cookie banners.
_CHROME_TAGS = ("header", "footer", "aside")
_CHROME_ROLES = frozenset({"banner", "contentinfo", "complementary", "navigation"})
# An older site's chrome is a div named by its (page-unique) id; a class is not enough: a card's
# class="header" holds its title.
_CHROME_IDS = frozenset({"header", "footer", "nav", "navbar", "navigation", "menu", "sidebar", "site-header",
                         "site-footer"})
_CHROME_NAME = re.compile(r"cookie|consent|banner", re.IGNORECASE)
_COOKIE_NAME = re.compile(r"cookie|consent", re.IGNORECASE)
_CONTENT_TAGS = frozenset({"article", "main", "section"})
_MARK = "\x00H\x00"  # prefix of a section-heading line in the flattened text
# Real pages nest a few dozen elements deep; 100,000 nested <div>s (600 kB) kept a build busy for minutes.
MAX_DEPTH = 500


class HtmlReader:
    extensions = (".html", ".htm")

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes

    def read(self, path: Path, root: Path) -> list[Document]:
        markup = normalize_chars(decode_bytes(read_bytes(path, self.max_bytes), path))
        if not markup.strip():
            raise ReadError(path, "empty file")
        soup = BeautifulSoup(markup, "lxml")
        if _depth(soup) > MAX_DEPTH:  # the flattening below costs the depth times the page
            raise ReadError(path, f"HTML nested deeper than {MAX_DEPTH} levels",
                            hint="save the page again from a browser or editor, or remove it")
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
        else:
            _drop_page_chrome(body)
        sections = _sections(_flatten(body))
        return [make_document(path, root, sections, title=title, metadata=metadata)]


def _drop_page_chrome(body) -> None:
    """Drop a page's chrome when it has no <main> to read alone: a <header>, <footer> or <aside>
    (or an element with the matching ARIA role, or navigation, or an id such as "header", "footer",
    "nav", "menu", "sidebar") that is not inside an <article>, <main> or <section>, and such an
    element whose id or class names a cookie, consent or banner. An
    <article>'s own header stays, and so does a chrome element holding an <h1> (a page's title
    header), a "banner" holding a heading, an element named so that holds most of the page (a
    wrapper such as class="has-cookie-bar"), or, when nothing else is left, the whole page."""
    page = len(body.get_text(strip=True))
    chrome = []
    for tag in body.find_all(True):
        kind = _chrome_kind(tag)
        if kind and (kind == "tag" or 2 * len(tag.get_text(strip=True)) <= page):
            chrome.append(tag)
    ids = {id(tag) for tag in chrome}
    chrome = [tag for tag in chrome if not any(id(p) in ids for p in tag.parents)]  # outermost
    if not chrome or sum(len(tag.get_text(strip=True)) for tag in chrome) >= page:
        return  # no chrome, or nothing but chrome: better the page's chrome than no text at all
    for tag in chrome:
        tag.decompose()


def _chrome_kind(tag) -> str:
    """"tag" for a page-level header, footer, aside or navigation (by tag or role), "id" for an
    element with the id of one (<div id="footer">), "name" for an element whose id or class says
    it is a cookie, consent or banner element; "" for anything else."""
    role = str(tag.get("role") or "").strip().lower()
    classes = tag.get("class") or []
    names = " ".join([str(tag.get("id") or ""), *([classes] if isinstance(classes, str) else classes)])
    kind = "tag" if tag.name in _CHROME_TAGS or role in _CHROME_ROLES else "name"
    if kind == "name" and str(tag.get("id") or "").strip().lower() in _CHROME_IDS:
        kind = "id"
    if kind == "name" and not _CHROME_NAME.search(names):
        return ""
    headings = ("h1",) if kind != "name" or _COOKIE_NAME.search(names) else ("h1", "h2", "h3")
    if tag.find(headings) is not None:
        return ""
    if any(parent.name in _CONTENT_TAGS for parent in tag.parents):
        return ""
    return kind


def _depth(soup) -> int:
    """How deep the page's elements nest (a loop, not recursion: the depth is what is measured)."""
    deepest, stack = 0, [(soup, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.contents if hasattr(child, "contents"))
    return deepest


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
