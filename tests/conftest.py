"""Shared fixtures: a tiny real index built from a handful of Dutch documents.

The embedder is the deterministic ``fake`` one (hashed n-grams), so building is fast and
results do not depend on model weights; tests with real models are marked ``slow``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.config import Settings

ROOT = Path(__file__).resolve().parents[1]
MINI_CORPUS = ROOT / "tests" / "data" / "mini_corpus"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def mini_corpus() -> Path:
    return MINI_CORPUS


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the mini corpus (for incremental-build tests that edit files)."""
    dest = tmp_path / "corpus"
    shutil.copytree(MINI_CORPUS, dest)
    return dest


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """(settings, report) of a mini-corpus index shared by read-only tests."""
    from indexer.build import build_index

    index_dir = tmp_path_factory.mktemp("mini") / "index"
    settings = Settings.from_env(env={}, index_dir=index_dir, embedder="fake")
    report = build_index([MINI_CORPUS], settings, progress=False)
    return settings, report


@pytest.fixture
def service(built_index):
    from indexer.search import open_service

    svc = open_service(built_index[0])
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """A service over the sample corpus (corpus/, 104 documents; fake embedder), built once."""
    from indexer.build import build_index
    from indexer.search import open_service

    settings = Settings.from_env(env={}, index_dir=tmp_path_factory.mktemp("sample") / "index", embedder="fake")
    build_index([ROOT / "corpus"], settings, progress=False)
    svc = open_service(settings)
    yield svc
    svc.close()
