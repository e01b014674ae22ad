"""Checks on the hand-written sample corpus (praktijkverhalen, onderzoek, beleid).

- every Markdown/HTML document carries the metadata the readers parse (title, type,
  controlled values for themas/sectoren/provincies);
- the corpus has enough documents of each kind and format;
- corpus/tools/make_documents.py is deterministic and matches the committed output;
- no document copies a sentence from the seed texts (no 12-word window in common).
"""
from __future__ import annotations

import filecmp
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEEDS = (REPO / ".." / "shared" / "seeds").resolve()
OWN_DIRS = ("praktijkverhalen", "onderzoek", "beleid")
SOURCES = CORPUS / "tools" / "sources"
MAKE = CORPUS / "tools" / "make_documents.py"

VOCAB = yaml.safe_load((REPO / "indexer" / "data" / "vocab.v1.yaml").read_text(encoding="utf-8"))
DOC_TYPES = {"praktijkverhaal", "onderzoek", "beleidsbrief", "nieuws"}
SECTORS = set(VOCAB["sectors"])
THEMES = set(VOCAB["themes"])
PROVINCES = set(VOCAB["provinces"])
WINDOW = 12


def _files(*exts: str) -> list[Path]:
    out: list[Path] = []
    for d in OWN_DIRS:
        for ext in exts:
            out.extend(sorted((CORPUS / d).glob(f"*{ext}")))
    return out


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5 :]


class _HtmlMeta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.title = ""
        self.text: list[str] = []
        self.tags: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content") or ""
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        else:
            self.text.append(data)


def _html(path: Path) -> _HtmlMeta:
    p = _HtmlMeta()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _split(v: str) -> list[str]:
    return [x.strip() for x in v.split(";") if x.strip()]


def _check_values(where: str, themas, sectoren, provincies) -> None:
    assert set(themas or []) <= THEMES, f"{where}: unknown themas {set(themas) - THEMES}"
    assert set(sectoren or []) <= SECTORS, f"{where}: unknown sectoren {set(sectoren) - SECTORS}"
    assert set(provincies or []) <= PROVINCES, f"{where}: unknown provincies {set(provincies) - PROVINCES}"


MD_FILES = _files(".md") + sorted(SOURCES.glob("*.md"))
HTML_FILES = _files(".html")


@pytest.mark.parametrize("path", MD_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_markdown_front_matter(path: Path) -> None:
    fm, body = _front_matter(path)
    assert isinstance(fm.get("titel"), str) and fm["titel"].strip()
    assert fm.get("type") in DOC_TYPES
    for key in ("gemeenten", "provincies", "sectoren", "themas"):
        assert isinstance(fm.get(key, []), list), f"{path}: {key} must be a list"
    _check_values(str(path), fm.get("themas"), fm.get("sectoren"), fm.get("provincies"))
    if "jaar" in fm:
        assert isinstance(fm["jaar"], int) and 1900 < fm["jaar"] < 2100
    if "datum" in fm:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(fm["datum"]))
    assert isinstance(fm.get("samenvatting"), str) and fm["samenvatting"].strip()
    bronnen = fm.get("bronnen")
    assert bronnen and all(b.get("document") and b.get("vindplaats") for b in bronnen)
    assert "\n## " in "\n" + body, f"{path}: no '## ' section headings"


@pytest.mark.parametrize("path", HTML_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_html_meta(path: Path) -> None:
    p = _html(path)
    assert p.title.strip()
    assert p.meta.get("type") in DOC_TYPES
    _check_values(str(path), _split(p.meta.get("themas", "")), _split(p.meta.get("sectoren", "")),
                  _split(p.meta.get("provincies", "")))
    assert p.meta.get("samenvatting", "").strip()
    if p.meta.get("jaar"):
        assert re.fullmatch(r"\d{4}", p.meta["jaar"])
    for tag in ("main", "h1", "h2", "p"):
        assert tag in p.tags, f"{path}: missing <{tag}>"


def test_counts() -> None:
    pv = CORPUS / "praktijkverhalen"
    assert len(list(pv.glob("*.md"))) + len(list(pv.glob("*.html"))) >= 15
    assert len(list(pv.glob("*.html"))) >= 4
    ond = CORPUS / "onderzoek"
    pdfs, docxs = list(ond.glob("*.pdf")), list(ond.glob("*.docx"))
    assert len(pdfs) >= 3 and len(docxs) >= 3
    assert len(pdfs) + len(docxs) + len(list(ond.glob("*.md"))) >= 10
    beleid = list((CORPUS / "beleid").glob("*.md"))
    assert len(beleid) >= 5


def _run_make(out: Path) -> None:
    subprocess.run([sys.executable, str(MAKE), "--out", str(out)], check=True, cwd=REPO)


def test_make_documents_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _run_make(a)
    _run_make(b)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".docx") for n in names)
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), f"{n} differs between runs"
        committed = CORPUS / "onderzoek" / n
        assert committed.exists(), f"{n} not committed in corpus/onderzoek"
        assert filecmp.cmp(a / n, committed, shallow=False), f"{n}: committed file is stale"


def test_generated_metadata(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    for path in sorted((CORPUS / "onderzoek").glob("*.docx")):
        props = docx.Document(str(path)).core_properties
        assert props.title and props.subject == "onderzoek"
        assert "themas:" in props.keywords
    for path in sorted((CORPUS / "onderzoek").glob("*.pdf")):
        raw = path.read_bytes()
        assert b"/Title" in raw and b"/Subject" in raw and b"/Keywords" in raw


# ---- no verbatim copying from the seeds ---------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _seed_ngrams() -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for seed in sorted(SEEDS.glob("*.txt")):
        raw = seed.read_text(encoding="utf-8", errors="replace")
        # also undo PDF hyphenation at line ends ("ver-\n\nwachtingen" -> "verwachtingen")
        dehyph = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", raw)
        for variant in (raw, dehyph):
            toks = _tokens(" ".join(variant.split()))
            grams.update(tuple(toks[i : i + WINDOW]) for i in range(len(toks) - WINDOW + 1))
    return grams


def _document_texts() -> list[tuple[Path, str]]:
    out = []
    for path in MD_FILES:
        _, body = _front_matter(path)
        out.append((path, body))
    for path in HTML_FILES:
        out.append((path, " ".join(_html(path).text)))
    return out


def find_copied_windows() -> list[tuple[Path, str]]:
    grams = _seed_ngrams()
    hits = []
    for path, text in _document_texts():
        toks = _tokens(text)
        for i in range(len(toks) - WINDOW + 1):
            if tuple(toks[i : i + WINDOW]) in grams:
                hits.append((path, " ".join(toks[i : i + WINDOW])))
                break
    return hits


def test_no_verbatim_copies_from_seeds() -> None:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip(f"seed texts not available at {SEEDS}")
    hits = find_copied_windows()
    assert not hits, "copied from seeds:\n" + "\n".join(f"{p.relative_to(CORPUS)}: {w}" for p, w in hits)


if __name__ == "__main__":  # quick report while writing documents
    for p, w in find_copied_windows():
        print(p.relative_to(CORPUS), "::", w)


def test_generated_documents_read_as_prose_without_file_names_or_colophon() -> None:
    """Their metadata lives in the files' properties, and the sources are named as
    corpus/bronnen.yaml names them: no "Gemeenten: -" cover lines, no seed file names."""
    from indexer.readers import read_file

    names = yaml.safe_load((CORPUS / "bronnen.yaml").read_text(encoding="utf-8"))
    generated = sorted((CORPUS / "onderzoek").glob("*.pdf")) + sorted((CORPUS / "onderzoek").glob("*.docx"))
    assert len(generated) >= 6
    for path in generated:
        doc = read_file(path, CORPUS)[0]
        assert not re.search(r"\b(Type|Jaar|Gemeenten|Provincies|Sectoren|Themas): ", doc.text), path.name
        assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", doc.text), path.name
        flat = " ".join(doc.text.split())  # a long name may wrap across PDF lines
        assert any(name in flat for name in names.values()), path.name
        assert doc.metadata.get("jaar"), path.name  # still known, from the properties
