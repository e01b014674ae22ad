"""YAML and JSON loading that stays bounded on hostile input.

Anchors/aliases are refused outright (billion-laughs expansion needs them and the corpus has no
use for them) and nesting depth is capped, so memory and time stay proportional to file size.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from indexer.errors import ReadError

MAX_DEPTH = 50


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader without aliases/anchors and with a nesting limit."""

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not allowed", mark
            )
        depth = getattr(self, "_depth", 0) + 1
        if depth > MAX_DEPTH:
            raise _TooDeep()
        self._depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1


    def construct_yaml_timestamp(self, node):  # type: ignore[override]
        # an impossible date (datum: 2019-02-30) stays text, which the readers warn about; PyYAML's
        # ValueError failed the whole file with no field named
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _BoundedLoader.construct_yaml_timestamp)


class _TooDeep(Exception):
    pass


def load_yaml(text: str, path: Path, where: str = "", first_line: int = 1) -> Any:
    """Parse YAML; raise ReadError "YAML error at line N: ...".

    ``where`` names the part of the file (front matter) that starts at file line ``first_line``.
    """
    suffix = f" in {where}" if where else ""
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except _TooDeep:
        raise ReadError(path, f"YAML nested deeper than {MAX_DEPTH} levels{suffix}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" at line {mark.line + first_line}" if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ReadError(path, f"YAML error{line}{suffix}: {problem}", hint=_hint(text, exc, problem)) from None
    except yaml.YAMLError as exc:
        raise ReadError(path, f"YAML error{suffix}: {exc}") from None


# a "key: value" line whose value holds ": " itself (titel: Zomerschool: evaluatie)
_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"\[{][^:#]*?):\s+(\S.*?:\s.*?)\s*$")
_QUOTES_HINT = ("check the quotes, brackets and indentation at and above that line (a value with ': ' in it "
                "goes in quotes)")


def _hint(text: str, exc: yaml.MarkedYAMLError, problem: str) -> str:
    """How to fix a syntax error: the parser's words alone ("mapping values are not allowed here")
    did not say that the commonest cause is a colon in a title that needs quotes."""
    if not isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError)):
        return ""  # anchors refused, not a slip of the pen
    mark, lines = exc.problem_mark or exc.context_mark, text.splitlines()
    if mark is not None and "mapping values are not allowed" in problem and mark.line < len(lines):
        match = _KEY_VALUE.match(lines[mark.line])
        if match:
            value = match.group(2).replace("\\", "\\\\").replace('"', '\\"')
            return f'put the value in quotes: {match.group(1)}: "{value}"'
    return _QUOTES_HINT


def load_json(text: str, path: Path) -> Any:
    """Parse JSON; refuse nesting deeper than MAX_DEPTH before the parser recurses on it."""
    if _bracket_depth(text) > MAX_DEPTH:
        raise ReadError(path, f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"JSON error at line {exc.lineno}: {exc.msg}") from None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _bracket_depth(text: str) -> int:
    """Maximum [ / { nesting outside strings (a linear regex scan, no recursion)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest
