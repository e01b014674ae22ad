"""Tables in PDF page lines, found from where their text runs stand, as rows of cell texts.

Only clear evidence counts: a header line of at least two short labels far apart, then at least
two rows whose cells start at exactly those x positions (left-aligned columns), each row filling
the first column and another one. pypdf gives a row's cells one after another (the left cell's
lines, then the right cell's), so a cell is a run of lines in one column stepping down one line
at a time, and a row is the cells, left to right, whose vertical extents meet. A table that a page
break cuts goes on at the next page's first line under the header it had (a bold or repeated
header there starts a table of its own); where those lines do not read as its rows, no table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.readers.pdf_layout import Line, far_apart, join_lines

_TOL = 2.0  # points: the cells of one column start at the same x, a header's labels on one baseline
_STEP = (0.9, 2.2)  # a wrapped cell's next line lies this many font sizes lower
_SIZE_TOL = 0.1  # a table is set in one font size (the header may be bold)
_MIN_ROWS = 2  # body rows
_LABEL_WORDS = 6
_LABEL_CHARS = 50
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*")  # 103, 12.000, 1,5
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass
class _Cell:
    col: int
    top: float  # baseline of its first line
    bottom: float  # baseline of its last line
    start: int  # page lines of its first and last piece
    end: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _Columns:
    labels: list[str]  # the header row
    xs: list[float]
    size: float
    bold: bool  # the header set apart from its rows in bold


def find_tables(
    pages: list[list[Line]], keep: list[list[bool]] | None = None
) -> dict[int, tuple[int, list[list[str]]]]:
    """{index of a table's first line in the pages' lines taken in order: (its number of lines,
    its rows of cell texts, the header row first)}. A table that fills its page up to the running
    footer (``keep`` False for running lines) may run on at the next page's first line: those rows
    come under its header, not under a header taken from their first row."""
    tables: dict[int, tuple[int, list[list[str]]]] = {}
    start = 0
    carry: _Columns | None = None  # of a table that ran to the end of the page before
    pending = None  # a one-row table there: a table only if it runs on
    for p, page in enumerate(pages):
        # lines before top and from bottom on are running lines, or table rows that look like them
        body = [k for k in range(len(page)) if keep is None or keep[p][k]]
        top, bottom = (body[0], body[-1] + 1) if body else (len(page), 0)
        while carry and top < bottom and _tail(page[top], carry):
            top += 1  # the rest of a row split by the page break: plain text, then the rows
        runs_on, held, i = None, None, 0
        while i < len(page):
            found = _table_at(page, i, carry if i <= top else None)
            if found is None:
                i += 1
                continue
            n, rows, columns = found
            if columns is carry:
                if pending:
                    tables[pending[0]] = pending[1:]
                tables[start + i] = (n, rows)
            elif len(rows) > _MIN_ROWS:
                tables[start + i] = (n, rows)
            elif i + n >= bottom:
                held = (start + i, n, rows)
            else:
                i += 1
                continue
            runs_on = columns if i + n >= bottom else None
            i += n
        carry, pending = runs_on, held
        start += len(page)
    return tables


def _tail(line: Line, carry: _Columns) -> bool:
    """Whether a line holds only later columns' cells: the rest of the row before the page break."""
    pieces = _pieces(line, carry.xs, carry.size, 0)
    return bool(pieces) and pieces[0].col > 0


def _table_at(page: list[Line], i: int, carry: _Columns | None) -> tuple[int, list[list[str]], _Columns] | None:
    """(lines, rows, columns) of the table at line i: under ``carry``, the columns of a table from
    the page before, when line i is no header of its own; else under the header at line i. Rows
    may be fewer than _MIN_ROWS (the caller's choice)."""
    headers = _headers(page[i])
    header = headers[0] if headers else None
    if carry and not _own_header(page[i], header, carry):
        found = _body(page, i, carry)
        if found:
            return found[0], [carry.labels, *found[1]], carry
        if header and _same(carry.xs, [x for x, _ in header]):
            return None  # rows of the table before that do not read clearly: as plain text
    for header in headers:
        columns = _Columns([text for _, text in header], [x for x, _ in header], page[i].spans[0][2], page[i].bold)
        found = _body(page, i + 1, columns)
        if found:
            break
    else:
        return None
    n, rows = found
    columns.bold = columns.bold and not any(line.bold for line in page[i + 1 : i + 1 + n])
    table = [columns.labels, *rows]
    if _a_data_row(table):
        return None
    if carry and columns.labels == carry.labels and _same(carry.xs, columns.xs):
        columns = carry  # the header repeated: the same table
    return n + 1, table, columns


def _own_header(line: Line, header, carry: _Columns) -> bool:
    """Whether a line at the top of a page heads a table itself: in bold as the table's header was,
    or repeating it."""
    if header is None:
        return False
    return (carry.bold and line.bold) or [text for _, text in header] == carry.labels


def _same(xs: list[float], other: list[float]) -> bool:
    return len(xs) == len(other) and all(abs(a - b) <= _TOL for a, b in zip(xs, other))


def _body(page: list[Line], i: int, columns: _Columns) -> tuple[int, list[list[str]]] | None:
    """(lines, rows of cell texts) of the rows in the columns from line i; None when they do not
    end cleanly or read as prose."""
    xs, size = columns.xs, columns.size
    cells: list[_Cell] = []
    j = i
    while j < len(page):
        pieces = _pieces(page[j], xs, size, j)
        if pieces is None:
            break
        for piece in pieces:
            last = cells[-1] if cells else None
            if last and last.col == piece.col and last.end == j - 1 and _steps(last.bottom, piece.top, size):
                last.bottom, last.end = piece.bottom, j
                last.lines.extend(piece.lines)
            else:
                cells.append(piece)
        j += 1
    rows, end = _rows(cells, size)
    if not rows or end is None:
        return None
    # prose set in two columns reads on from line to line; table labels mostly start a phrase
    firsts = [row[0].lines[0] for row in rows]
    if 2 * sum(text[:1].islower() for text in firsts) > len(firsts):
        return None
    texts = []
    for row in rows:
        cells_text = [""] * len(xs)
        for cell in row:
            cells_text[cell.col] = join_lines(cell.lines)
        texts.append(cells_text)
    return end - i, texts


def _a_data_row(table: list[list[str]]) -> bool:
    """Whether the "header" is one more body row: a label that is a number over a column of
    numbers of its kind, as where a table runs on from the page before (its header there, or
    dropped as a running line) -- "Den Haag | 103" over "Zwolle | 104" is no header. A year over
    other numbers ("2015" over "36") stays a header."""
    for col, label in enumerate(table[0]):
        if col == 0 or not _NUMBER.fullmatch(label):
            continue
        cells = [row[col] for row in table[1:] if row[col]]
        if cells and all(_NUMBER.fullmatch(c) for c in cells):
            if not _YEAR.fullmatch(label) or all(_YEAR.fullmatch(c) for c in cells):
                return True
    return False


def _headers(line: Line) -> list[list[tuple[float, str]]]:
    """The ways a line's cells, as (x, text), read as a table's header row: two or more short
    labels far apart on one baseline; and where runs closer than their text could reach were
    joined, also each run a label of its own, since a long label over a narrow column stands
    closer to the next one than that reach ("Geïndiceerd  Geplaatst"). The rows under it decide."""
    if not line.cells or len(line.spans) < 2:
        return []
    size = line.spans[0][2]
    if any(abs(s[1] - line.spans[0][1]) > _TOL or abs(s[2] - size) > _SIZE_TOL * size for s in line.spans):
        return []
    groups: list[list] = []
    for span in line.spans:
        prev = groups[-1][-1] if groups else None
        if prev and not far_apart(prev[0], len(prev[3]), prev[2], span[0]):
            groups[-1].append(span)
        else:
            groups.append([span])
    ways = [groups] + ([[[span] for span in line.spans]] if len(groups) < len(line.spans) else [])
    out = []
    for way in ways:
        header = [(group[0][0], " ".join("".join(s[3] for s in group).split())) for group in way]
        if len(header) >= 2 and all(_is_label(text) for _, text in header):
            out.append(header)
    return out


def _is_label(text: str) -> bool:
    return (
        0 < len(text) <= _LABEL_CHARS
        and len(text.split()) <= _LABEL_WORDS
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in ".,;:-"
    )


def _pieces(line: Line, xs: list[float], size: float, j: int) -> list[_Cell] | None:
    """The line's pieces of cells, each starting at a column of the table (pypdf may give a cell's
    wrapped lines as one line); None when the line does not fit the table (no positions, another
    x or font size)."""
    pieces: list[_Cell] = []
    prev = None
    for span in line.spans:
        x, y, span_size, text = span
        if abs(span_size - size) > _SIZE_TOL * size:
            return None
        col = next((k for k, start in enumerate(xs) if abs(x - start) <= _TOL), None)
        last = pieces[-1] if pieces else None
        if col is not None and (last is None or col > last.col):
            pieces.append(_Cell(col, y, y, j, j, [text]))
        elif last and abs(y - last.bottom) <= _TOL and not far_apart(prev[0], len(prev[3]), prev[2], x):
            last.lines[-1] += text  # a run within a cell's line
        elif last and col == last.col and _steps(last.bottom, y, size):
            last.bottom = y  # the cell's next line
            last.lines.append(text)
        else:
            return None
        prev = span
    for piece in pieces:
        piece.lines = [" ".join(text.split()) for text in piece.lines]
    return pieces if pieces and all(all(piece.lines) for piece in pieces) else None


def _steps(above: float, below: float, size: float) -> bool:
    """Whether a baseline lies one line below another."""
    return _STEP[0] * size <= above - below <= _STEP[1] * size


def _rows(cells: list[_Cell], size: float) -> tuple[list[list[_Cell]], int | None]:
    """The body rows the cells make, up to the first that is no clear row; and the page line
    after the last row, None when the table does not end cleanly there."""
    rows: list[list[_Cell]] = []
    row: list[_Cell] = []
    for cell in cells:
        if row and cell.col > row[-1].col and _meets(row, cell, size):
            row.append(cell)
            continue
        if row and not _close(rows, row, size):
            break
        row = [cell]
    else:
        if row:
            _close(rows, row, size)
    if not rows:
        return rows, None
    ends = max(cell.end for cell in rows[-1]) + 1
    used = {id(cell) for row in rows for cell in row}
    for cell in cells:
        if id(cell) not in used and (cell.start < ends or (cell.start == ends and cell.col > 0)):
            # another cell on the table's lines, or what follows still looks like its rows
            return rows, None
    return rows, ends


def _meets(row: list[_Cell], cell: _Cell, size: float) -> bool:
    top = max(c.top for c in row) + size / 2
    bottom = min(c.bottom for c in row) - size / 2
    return cell.bottom <= top and cell.top >= bottom


def _close(rows: list[list[_Cell]], row: list[_Cell], size: float) -> bool:
    """Add the row when it is a clear one (the first column and another, below the last row)."""
    if len(row) < 2 or row[0].col != 0:
        return False
    # a one-line cell on the last line of a taller one: more likely the next row's, its own empty
    tall = [c for c in row if c.top - c.bottom > size / 2]
    if any(c.top == c.bottom and abs(c.top - t.bottom) < size / 4 for c in row for t in tall):
        return False
    if rows and max(c.top for c in row) > min(c.bottom for c in rows[-1]) - size / 2:
        return False
    rows.append(row)
    return True
