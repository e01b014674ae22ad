"""Document readers: find corpus files and turn each into Documents (one module per format)."""
from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path

from indexer.errors import GkaError, ReadError
from indexer.model import Document
from indexer.readers.base import Reader
from indexer.readers.common import DEFAULT_MAX_BYTES
from indexer.readers.docx import DocxReader
from indexer.readers.html import HtmlReader
from indexer.readers.markdown import MarkdownReader
from indexer.readers.pdf import PdfReader
from indexer.readers.records import RecordReader
from indexer.readers.text import TextReader

# Bumped when what a reader returns for the same file changes (text repair, titles, sections):
# part of every file's hash, so the next build reads changed files again.
# r2 guessed titles; r3 record fields as prose; r4 mid-sentence text titled by first whole sentence;
# r5 PDF running headers/footers dropped, Markdown emphasis across lines and tables as prose;
# r6 PDF and DOCX properties (Keywords "key: values; …", Subject, comments) as metadata
# r7 PDF headings (by font size and weight) as sections
# r8 a letter's reference number ("Onze referentie 127448", dropped from the text) as metadata "kenmerk"
# r9 an HTML page with a <main> is read from it alone (not its site header, footer, sidebars)
# r10 an empty list field in PDF/DOCX Keywords ("gemeenten: ;") is kept as [] (declared: none)
# r11 PDF tables found by layout and DOCX tables as row sentences "Header: cell; Header: cell."
# r12 a PDF "header" that is one more body row (a number over numbers: a table run on from the page
#     before) is no table's header
# r13 a PDF table cut by a page break keeps its header on the next page; its rows are no running
#     lines; the text below it makes paragraphs as without it
# r14 an HTML page without <main> leaves out its chrome (a page-level header, footer, aside, cookie
#     banners)
# r15 and an HTML page's chrome in divs with the id of one (header, footer, nav, menu, sidebar) or
#     role="navigation"
# r16 a PDF or DOCX Keywords key that is a typo of a field key ("gemeentes: Kampen") is kept, to be warned about
# r17 a title YAML reads as a number ("titel: 1984") is the title
# r18 an intervention record's rating ("goed onderbouwd", not "niet beoordeeld") is a section of its text
READER_VERSION = "r18"
READER_CLASSES = (PdfReader, DocxReader, HtmlReader, MarkdownReader, TextReader, RecordReader)
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(ext for cls in READER_CLASSES for ext in cls.extensions)
# Files that document a corpus folder rather than hold knowledge.
SKIPPED_NAMES = frozenset({"readme.md"})
# What Word, Excel and PowerPoint leave beside an open document ("~$rslag.docx"), on shared drives too.
OFFICE_LOCK_PREFIX = "~$"

__all__ = ["READER_VERSION", "SUPPORTED_EXTENSIONS", "Reader", "discover", "read_file", "reader_for"]


def reader_for(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Reader:
    ext = path.suffix.lower()
    for cls in READER_CLASSES:
        if ext in cls.extensions:
            return cls(max_bytes=max_bytes)
    raise ReadError(path, f"unsupported extension {ext or '(none)'}")


def read_file(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read one file into Documents; every failure is a ReadError (RecordError) with one reason."""
    path, root = Path(path), Path(root)
    reader = reader_for(path, max_bytes)
    try:
        return reader.read(path, root)
    except GkaError:
        raise
    except (OSError, UnicodeError) as exc:
        raise ReadError(path, f"cannot read file ({exc})") from exc
    except RecursionError:
        raise ReadError(path, "content nested too deeply") from None
    except MemoryError:
        raise ReadError(path, "file needs too much memory to read") from None
    except Exception as exc:  # one hostile or damaged file must not stop a whole build
        raise ReadError(path, f"could not be read ({type(exc).__name__}: {exc})") from exc


def discover(paths: Sequence[Path], exclude: Sequence[Path] = ()) -> tuple[list[tuple[Path, Path]], list[str],
                                                                      list[ReadError]]:
    """Find readable files: (file, root) pairs, skipped-file notes, and errors for missing paths.

    Folders are walked recursively (root = the folder); a file given directly has its parent as
    root. Hidden files/folders, README.md files inside folders and the ``exclude`` folders (the
    index itself, when it lies inside the corpus) are left out.
    """
    excluded = {_resolved(p) for p in exclude}
    found: dict[Path, Path] = {}
    skipped: list[str] = []
    errors: list[ReadError] = []
    for given in map(Path, paths):
        if given.is_dir():
            candidates = [(file, given) for file in _walk(given, errors, excluded, skipped)]
        elif given.is_file():
            candidates = [(given, given.parent)]
        else:
            errors.append(ReadError(given, _link_problem(given) or ("not a regular file: a pipe, socket or device"
                                                                     if given.exists() else "no such file or directory")))
            continue
        for file, root in candidates:
            ext = file.suffix.lower()
            problem = _link_problem(file)
            if problem:
                skipped.append(f"{file} ({problem})")
            elif given.is_dir() and not _inside(file, root):
                skipped.append(f"{file} (symlink to a file outside {root})")
            elif ext not in SUPPORTED_EXTENSIONS:
                skipped.append(f"{file} (unsupported extension {ext or '(none)'})")
            elif not file.is_file():  # a named pipe: reading it waits for a writer, the build hung
                skipped.append(f"{file} (not a regular file: a pipe, socket or device)")
            elif file not in found:
                found[file] = root
    pairs = sorted(found.items(), key=lambda pair: (str(pair[1]), pair[0].as_posix()))
    return _without_links_to_found(pairs, skipped), sorted(skipped), errors


def _without_links_to_found(pairs: list[tuple[Path, Path]], skipped: list[str]) -> list[tuple[Path, Path]]:
    """A symlink to a file that is indexed itself would be the same document twice (one id
    claimed by two files): skipped with a note instead."""
    real = {}
    for file, _ in pairs:
        if not file.is_symlink():
            real.setdefault(_resolved(file), file)
    out = []
    for file, root in pairs:
        target = real.get(_resolved(file)) if file.is_symlink() else None
        if target is not None:
            skipped.append(f"{file} (a link to {target}, which is indexed itself)")
        else:
            out.append((file, root))
    return out


def _inside(file: Path, root: Path) -> bool:
    """Whether ``file`` (after resolving symlinks) lies under ``root``: a corpus folder must not
    pull in, and the app must not serve, files from elsewhere on the machine."""
    try:
        return file.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return False


def _link_problem(file: Path) -> str | None:
    """What is wrong with a symbolic link that leads nowhere, None for anything else."""
    if not file.is_symlink():
        return None
    try:
        file.resolve(strict=True)
    except RuntimeError:
        return "a symbolic link that loops"
    except OSError:
        return "a broken symbolic link"
    return None


class UnreadableFolder(ReadError):
    """A folder under a corpus root that could not be listed: its documents are kept."""

    def __init__(self, path: Path, root: Path, reason: str):
        super().__init__(path, f"folder cannot be read ({reason}); its documents are kept as they were",
                         hint="check the folder's permissions")
        self.rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else ""


IGNORE_FILE = ".gkaignore"


def _ignore_patterns(folder: Path) -> list[str]:
    """Glob patterns (relative to the corpus folder, one per line, '#' comments) of what a corpus
    keeps next to its documents but does not want indexed, e.g. generator scripts and sources."""
    try:
        lines = (folder / IGNORE_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def _ignored(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(rel, pat) or rel.startswith(pat + "/") for pat in patterns)


def _resolved(path: Path) -> Path | None:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return None


def _walk(folder: Path, errors: list[ReadError] | None = None, excluded: set = frozenset(),
          skipped: list[str] | None = None) -> list[Path]:
    """The files under ``folder``; a subfolder that cannot be listed adds an UnreadableFolder
    to ``errors`` (the build then keeps the documents it held). A .gkaignore counts for the
    folder it is in (a corpus inside the folder given keeps its own)."""
    rules: list[tuple[Path, list[str]]] = []
    files = []

    def unreadable(exc: OSError) -> None:
        if errors is not None and exc.filename:
            errors.append(UnreadableFolder(Path(exc.filename), folder, exc.strerror or str(exc)))

    def ignored(path: Path) -> bool:
        return any(_ignored(path.relative_to(base).as_posix(), pats) for base, pats in rules
                   if path.is_relative_to(base))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        here = Path(dirpath)
        patterns = _ignore_patterns(here)
        if patterns:
            rules.append((here, patterns))
        kept = []
        for d in sorted(dirnames):
            if d.startswith(".") or ignored(here / d) or (excluded and _resolved(here / d) in excluded):
                continue
            if (here / d).is_symlink():  # not followed: a link could leave the corpus or loop
                if skipped is not None:
                    skipped.append(f"{here / d} (a symbolic link to a folder, not followed)")
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith(".") or name.lower() in SKIPPED_NAMES:
                continue
            if name.startswith(OFFICE_LOCK_PREFIX):  # not a document: was reported as a broken one
                if skipped is not None:
                    skipped.append(f"{here / name} (an Office lock file: its document is open in Word, Excel "
                                   "or PowerPoint)")
                continue
            if ignored(here / name):
                continue
            files.append(here / name)
    return files
