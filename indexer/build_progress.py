"""A build's progress: a bar on a terminal, notes for long steps, also in a log."""
from __future__ import annotations

import sys


class Progress:
    """tqdm bar with ETA on a terminal; silent otherwise (a summary line is printed at the end)."""

    def __init__(self, total: int, enabled: bool | None):
        self.bar = None
        self.notes = enabled is not False  # --quiet (False) silences the notes too
        if enabled is None:
            enabled = sys.stderr.isatty()
        if enabled and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", desc="indexing", file=sys.stderr)

    def step(self, label: str = "") -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(label[-40:], refresh=False)
            self.bar.update(1)

    def note(self, text: str) -> None:
        """A line for a long step, also off a terminal (a log), where no bar shows progress."""
        if not self.notes:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
