"""Deterministic scale corpus: Dutch-like passages at any size, from the sample knowledge base.

    from bench.scale_corpus import ScaleCorpus
    sc = ScaleCorpus(seed=13)                      # reads corpus/ and /work/shared/seeds once
    for doc in sc.documents(100_000):              # IndexedDocument, 5-10 passages each, vectors attached
        ...

How the text is made: every sentence of the sample corpus and the seeds (readers only, no
NLP) goes into a pool. A passage is 4-8 pool sentences (~110 words, like the real 120-word
passages) in which ~12% of the words are replaced by words drawn from the corpus's unigram
distribution (frequency^0.75), and ~1.5% of the replacements are new Dutch-style compounds
of two corpus words, so the vocabulary keeps growing with size (Heaps' law) as a real
collection's would. Document metadata (type, sector, thema, gemeente + provincie, jaar,
bewijskracht) is drawn from the empirical distributions of the corpus front matter.

Vectors are NOT a language model: ``HashProjection`` is a seeded random projection of hashed
word features (384-d, the size of multilingual-e5-small), L2-normalised. Texts that share
words get similar vectors, which is all a latency/memory benchmark needs; it costs ~0.05 ms
per passage, so 1M passages are feasible. Everything is a pure function of (seed, size):
document i is generated from its own RNG stream, so the corpus is streamed, never held whole.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indexer.model import IndexedDocument, Passage  # noqa: E402
from indexer.passages import sentence_windows  # noqa: E402

SHARED = Path(os.environ.get("GKA_SHARED", "/work/shared"))
DEFAULT_SOURCES = (ROOT / "corpus", SHARED / "seeds")
DIM = 384
BUCKETS = 1 << 16
SUBSTITUTE = 0.12
COMPOUND = 0.015
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'‘(])")
_WORD = re.compile(r"\w+", re.UNICODE)
_ALPHA = re.compile(r"^[a-zà-ÿ]{4,}$")
_MD = re.compile(r"^\s*(#+|[-*]|\d+\.)\s+", re.M)

FALLBACK_FACETS = {
    "type": Counter({"interventie": 56, "onderzoek": 26, "praktijkverhaal": 19, "agenda": 12, "beleidsbrief": 5, "nieuws": 4}),
    "sector": Counter({"po": 58, "mbo": 52, "vo": 50, "hbo": 38, "vmbo": 28, "wo": 28, "vve": 20}),
    "thema": Counter({"overgangen": 49, "onderzoek en monitoring": 44, "ouderbetrokkenheid": 39, "coaching": 36}),
    "gemeente": Counter({"Rotterdam": 17, "Schiedam": 16, "Amsterdam": 16, "Heerlen": 11, "Den Haag": 11}),
    "jaar": Counter({"2017": 66, "2019": 20, "2016": 10, "2018": 3}),
}


class HashProjection:
    """Seeded random projection of hashed word features; an Embedder (name, dim, embed_*)."""

    batch_size = 4096

    def __init__(self, dim: int = DIM, seed: int = 7, buckets: int = BUCKETS):
        self.dim, self.buckets = dim, buckets
        self.name = f"hashproj:{dim}"
        rng = np.random.default_rng(seed)
        self.matrix = rng.standard_normal((buckets, dim), dtype=np.float32)
        self._bucket: dict[str, int] = {}

    def bucket_ids(self, text: str) -> list[int]:
        cache = self._bucket
        out = []
        for w in _WORD.findall(text.lower()):
            b = cache.get(w)
            if b is None:
                b = cache[w] = zlib.crc32(w.encode("utf-8")) % self.buckets
            out.append(b)
        return out

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_buckets([self.bucket_ids(t) for t in texts])

    def embed_buckets(self, bucket_lists: Sequence[Sequence[int]]) -> np.ndarray:
        """Vectors from each text's hashed word ids (sum of projection rows, normalised)."""
        from scipy import sparse

        indptr = np.zeros(len(bucket_lists) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in bucket_lists], out=indptr[1:])
        cols = np.fromiter((c for b in bucket_lists for c in b), dtype=np.int32, count=int(indptr[-1]))
        m = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(len(bucket_lists), self.buckets))
        out = np.asarray(m @ self.matrix, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]


@dataclass
class Sources:
    sentences: list[list[str]]  # tokenised (whitespace) sentences
    vocab: list[str]
    vocab_p: np.ndarray
    facets: dict[str, tuple[list[str], np.ndarray]]  # field -> (values, probabilities)
    n_values: dict[str, tuple[list[int], np.ndarray]]  # how many values a doc has per field
    provinces: dict[str, str]  # gemeente -> provincie
    titles: list[str]


def _cum(p: np.ndarray) -> np.ndarray:
    c = np.cumsum(p)
    c[-1] = 1.0
    return c


def _dist(counter: Counter) -> tuple[list, np.ndarray]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
    values = [k for k, _ in items]
    p = np.asarray([c for _, c in items], dtype=np.float64)
    return values, p / p.sum()


def load_sources(paths: Sequence[Path] = DEFAULT_SOURCES) -> Sources:
    """Sentences, vocabulary and facet distributions of the sample corpus (readers only)."""
    from indexer.readers import discover, read_file

    files, _, _ = discover([Path(p) for p in paths if Path(p).exists()])
    sentences: list[list[str]] = []
    words: Counter = Counter()
    counts = {f: Counter() for f in ("type", "sector", "thema", "gemeente", "jaar")}
    n_values = {f: Counter() for f in ("sector", "thema", "gemeente")}
    provinces: dict[str, str] = {}
    titles: list[str] = []
    for path, root in sorted(files):
        try:
            docs = read_file(path, root)
        except Exception:  # noqa: BLE001 - a broken sample file only shrinks the pool
            continue
        for doc in docs:
            titles.append(doc.title)
            text = _MD.sub("", doc.text)
            for para in re.split(r"\n\s*\n", text):
                for s in _SENT.split(" ".join(para.split())):
                    toks = s.split()
                    if 5 <= len(toks) <= 45:
                        sentences.append(toks)
                        words.update(w for w in (t.strip(".,;:!?()\"'").lower() for t in toks) if _ALPHA.match(w))
            m = doc.metadata
            if m.get("bronnen") is None and not m.get("sectoren"):
                continue  # seeds: text only
            if doc.doc_type:
                counts["type"][doc.doc_type] += 1
            for field, key in (("sector", "sectoren"), ("thema", "themas"), ("gemeente", "gemeenten")):
                vals = [str(v) for v in (m.get(key) or [])]
                counts[field].update(vals)
                n_values[field][min(len(vals), 4)] += 1
            gem, prov = m.get("gemeenten") or [], m.get("provincies") or []
            if len(prov) == 1:
                for g in gem:
                    provinces.setdefault(str(g), str(prov[0]))
            if m.get("jaar"):
                counts["jaar"][str(m["jaar"])] += 1
    for field, fallback in FALLBACK_FACETS.items():
        if not counts[field]:
            counts[field] = fallback
    for field in n_values:
        if not n_values[field]:
            n_values[field] = Counter({1: 2, 2: 1})
    vocab, p = _dist(words)
    p = p**0.75
    return Sources(
        sentences=sentences,
        vocab=vocab,
        vocab_p=p / p.sum(),
        facets={f: _dist(c) for f, c in counts.items()},
        n_values={f: _dist(c) for f, c in n_values.items()},
        provinces=provinces,
        titles=titles or ["Gelijke kansen"],
    )


class ScaleCorpus:
    def __init__(self, seed: int = 13, sources: Sources | None = None, embedder: HashProjection | None = None):
        self.seed = seed
        self.src = sources or load_sources()
        self.embedder = embedder or HashProjection()
        emb = self.embedder
        self._cum_vocab = np.cumsum(self.src.vocab_p)
        self._cum_vocab[-1] = 1.0
        # hashed word ids per token, so vectors need no re-tokenising of the generated text
        self._tok_buckets = [[emb.bucket_ids(t) for t in s] for s in self.src.sentences]
        self._vocab_buckets = [emb.bucket_ids(w) for w in self.src.vocab]
        self._facet_cum = {f: (v, _cum(p)) for f, (v, p) in self.src.facets.items()}
        self._n_cum = {f: (v, _cum(p)) for f, (v, p) in self.src.n_values.items()}

    # -- text ---------------------------------------------------------------------------

    def _passage(self, rng: np.random.Generator, target: int) -> tuple[str, list[int]]:
        pool, pool_b = self.src.sentences, self._tok_buckets
        picked: list[str] = []
        buckets: list[list[int]] = []
        while len(picked) < target:
            i = int(rng.integers(len(pool)))
            picked.extend(pool[i])
            buckets.extend(pool_b[i])
        n_sub = max(1, int(len(picked) * SUBSTITUTE))
        positions = rng.integers(0, len(picked), n_sub).tolist()
        words = np.searchsorted(self._cum_vocab, rng.random(n_sub), side="right").tolist()
        compound = (rng.random(n_sub) < COMPOUND).tolist()
        vocab, vb = self.src.vocab, self._vocab_buckets
        for pos, w, comp in zip(positions, words, compound):
            old = picked[pos]
            tail = old[len(old.rstrip(".,;:!?)")) :]
            if comp:
                word = vocab[w] + vocab[int(rng.integers(len(vocab)))]
                buckets[pos] = self.embedder.bucket_ids(word)
            else:
                word = vocab[w]
                buckets[pos] = vb[w]
            picked[pos] = word + tail
        return " ".join(picked), [b for tok in buckets for b in tok]

    def _facets(self, rng: np.random.Generator) -> dict[str, list[str]]:
        src = self.src

        def draw(field: str, n: int) -> list[str]:
            values, cum = self._facet_cum[field]
            n = min(n, len(values))
            out: list[str] = []
            while len(out) < n:
                v = str(values[int(np.searchsorted(cum, rng.random(), side="right"))])
                if v not in out:
                    out.append(v)
            return out

        def how_many(field: str) -> int:
            ns, cum = self._n_cum[field]
            return int(ns[int(np.searchsorted(cum, rng.random(), side="right"))])

        doc_type = draw("type", 1)[0]
        gemeenten = draw("gemeente", how_many("gemeente"))
        provincies = sorted({src.provinces[g] for g in gemeenten if g in src.provinces})
        facets = {
            "type": [doc_type],
            "thema": draw("thema", how_many("thema")),
            "sector": draw("sector", how_many("sector")),
            "gemeente": gemeenten,
            "provincie": provincies,
            "jaar": draw("jaar", 1),
            "bewijskracht": ["niet beoordeeld"] if doc_type == "interventie" else [],
        }
        return {k: v for k, v in facets.items() if v}

    def texts(self, n_passages: int):
        """(doc number, title, [(passage text, hashed word ids)], facets) until ``n_passages`` passages."""
        made = 0
        d = 0
        while made < n_passages:
            rng = np.random.default_rng((self.seed, d))
            k = min(int(rng.integers(5, 11)), n_passages - made)
            title_words = self.src.sentences[int(rng.integers(len(self.src.sentences)))][: int(rng.integers(5, 10))]
            title = " ".join(title_words).rstrip(".,;:")
            facets = self._facets(rng)
            passages = [self._passage(rng, int(rng.integers(90, 131))) for _ in range(k)]
            yield d, title, passages, facets
            made += k
            d += 1

    def documents(self, n_passages: int, chunk_docs: int = 500, with_vectors: bool = True,
                  windows: bool = False) -> Iterator[IndexedDocument]:
        """IndexedDocuments (with vectors) totalling exactly ``n_passages`` passages; with
        ``windows``, also the sentence-window vectors a real build embeds (about 2.6 a passage)."""
        chunk: list = []
        for item in self.texts(n_passages):
            chunk.append(item)
            if len(chunk) >= chunk_docs:
                yield from self._materialise(chunk, with_vectors, windows)
                chunk = []
        if chunk:
            yield from self._materialise(chunk, with_vectors, windows)

    def _materialise(self, chunk, with_vectors: bool, windows: bool = False) -> Iterator[IndexedDocument]:
        vectors = None
        if with_vectors:
            # the embedded text is "title\ntext", as indexer.build embeds it
            bl = []
            for _, title, passages, _ in chunk:
                tb = self.embedder.bucket_ids(title)
                bl.extend(tb + b for _, b in passages)
            vectors = self.embedder.embed_buckets(bl)
        row = 0
        for d, title, ptexts, facets in chunk:
            texts = [t for t, _ in ptexts]
            doc_id = f"scale-{d:07d}"
            passages = []
            for i, t in enumerate(texts):
                digest = hashlib.sha1(t.encode("utf-8")).hexdigest()
                passages.append(Passage(id=f"{doc_id}#{i}-{digest[:8]}", doc_id=doc_id, ordinal=i, heading="", text=t, hash=digest))
            body = "\n\n".join(texts)
            vecs = None if vectors is None else vectors[row : row + len(texts)]
            row += len(texts)
            wins = [(i, w) for i, t in enumerate(texts) for w in sentence_windows(t)] if windows and with_vectors else []
            yield IndexedDocument(
                window_vectors=self.embedder.embed_passages([w for _, w in wins]) if wins else None,
                window_owner=[i for i, _ in wins],
                id=doc_id,
                title=title,
                doc_type=facets["type"][0],
                source_path=f"scale/{doc_id}.md",
                text=body,
                content_hash=hashlib.sha1(f"{title}\n{body}".encode("utf-8")).hexdigest(),
                facets=facets,
                metadata={"samenvatting": texts[0][:160]},
                entities=[],
                passages=passages,
                vectors=vecs,
            )

    # -- queries --------------------------------------------------------------------------

    def generated_queries(self, n: int, seed: int = 99) -> list[str]:
        """Short Dutch queries: 2-5 content words of a random pool sentence."""
        rng = np.random.default_rng(seed)
        out: list[str] = []
        stop = {"de", "het", "een", "en", "van", "in", "op", "te", "dat", "die", "voor", "met", "zijn", "is", "om", "aan", "er", "ook", "als", "bij", "naar", "door", "worden", "wordt", "niet", "maar", "of", "dit", "deze", "ze", "zij", "hun", "hij", "we", "wij"}
        while len(out) < n:
            s = self.src.sentences[int(rng.integers(len(self.src.sentences)))]
            words = [w.strip(".,;:!?()\"'‘’").lower() for w in s]
            words = [w for w in words if len(w) > 3 and w not in stop and w.isalpha()]
            if len(words) < 2:
                continue
            k = int(rng.integers(2, min(5, len(words)) + 1))
            start = int(rng.integers(0, len(words) - k + 1))
            q = " ".join(words[start : start + k])
            if q not in out:
                out.append(q)
        return out
