"""Test helpers for the web app: a tiny real index, app fixtures, and a service that fails.

The app tests run against a real index built from tests/data/app_corpus with the "fake"
embedder. ``FlakyService`` wraps a real service and raises BackendUnavailable while ``down`` is
set, to test the 503 pages and the app's recovery when the backend comes back.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.errors import BackendUnavailable

APP_CORPUS = Path(__file__).resolve().parent / "data" / "app_corpus"


class ServiceProxy:
    """A SearchService that answers as ``inner`` except where a subclass says otherwise."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)


class FlakyService(ServiceProxy):
    """A SearchService proxy that is unavailable while ``state["down"]`` is true.

    ``state`` may be shared by every instance a factory makes: the app reopens its service after
    a failure, and the outage must outlive one instance.
    """

    def __init__(self, inner, state: dict | None = None):
        super().__init__(inner)
        self.state = state if state is not None else {"down": False}

    def __getattr__(self, name):
        attr = getattr(self.inner, name)
        if not callable(attr) or name == "close":
            return attr

        def call(*args, **kwargs):
            if self.state["down"]:
                raise BackendUnavailable("test: backend is down")
            return attr(*args, **kwargs)

        return call


def build_app_index(index_dir: Path, corpus_dir: Path = APP_CORPUS):
    """Copy the test corpus next to the index and build a real index over it (fake embedder)."""
    from indexer.build import build_index
    from indexer.config import Settings

    corpus = index_dir.parent / "corpus"
    shutil.copytree(corpus_dir, corpus)
    settings = Settings.from_env(env={}, index_dir=index_dir, embedder="fake")
    report = build_index([corpus], settings, progress=False, rebuild=True)
    assert not report.errors, report.errors
    return settings, corpus, report


def one_file_client(base: Path, name: str, text: str):
    """A test client over an index of one file ``name`` holding ``text`` (fake embedder)."""
    from search_app import create_app

    source = base / "source"
    source.mkdir()
    (source / name).write_text(text, encoding="utf-8")
    settings, corpus, _ = build_app_index(base / "index", source)
    return create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus}).test_client()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory):
    pytest.importorskip("indexer.build", reason="indexer.build is not available yet")
    base = tmp_path_factory.mktemp("app_index")
    return build_app_index(base / "index")


@pytest.fixture(scope="session")
def shared_app(real_index):
    """One app over the real index for read-only tests (opening the index once is faster)."""
    from search_app import create_app

    settings, corpus, _ = real_index
    return create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "SERVICE_RETRY_SECONDS": 0})


@pytest.fixture()
def client(shared_app):
    return shared_app.test_client()


@pytest.fixture(scope="session")
def doc_ids(shared_app) -> dict[str, str]:
    """Document ids by file stem (``agenda-rotterdam``), whatever id scheme the index uses."""
    with shared_app.app_context():
        service = shared_app.extensions["gka_service"].get()
        records, _ = service.documents({}, page=1, per_page=100)
    return {Path(r.source_path).stem: r.id for r in records}
