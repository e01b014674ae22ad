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


class FlakyService:
    """A SearchService proxy that is unavailable while ``down`` is true."""

    def __init__(self, inner):
        self.inner = inner
        self.down = False
        self.opened = 1

    def __getattr__(self, name):
        attr = getattr(self.inner, name)
        if not callable(attr) or name == "close":
            return attr

        def call(*args, **kwargs):
            if self.down:
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


class FakeService:
    """In-memory SearchService over tests/data/app_corpus (development aid; naive matching)."""

    def __init__(self, corpus_dir: Path = APP_CORPUS):
        import re

        import yaml

        from indexer.model import DocumentRecord, Entity, Passage

        self.docs: dict[str, DocumentRecord] = {}
        for path in sorted(corpus_dir.rglob("*")):
            if path.suffix == ".md":
                _, front, body = path.read_text(encoding="utf-8").split("---", 2)
                meta, title = yaml.safe_load(front), None
                title = meta.pop("titel")
            elif path.suffix == ".yaml":
                meta = yaml.safe_load(path.read_text(encoding="utf-8"))
                title, body = meta.pop("naam"), meta.get("beschrijving", "")
                meta["type"] = "interventie"
            else:
                continue
            rel = path.relative_to(corpus_dir).as_posix()
            doc_id = rel.rsplit(".", 1)[0]
            facets = {
                "type": [meta.pop("type")], "gemeente": meta.pop("gemeenten", []) or [],
                "provincie": meta.pop("provincies", []) or [], "sector": meta.pop("sectoren", []),
                "thema": meta.pop("themas", []), "jaar": [str(meta.pop("jaar"))] if meta.get("jaar") else [],
            }
            if "bewijskracht" in meta:
                facets["bewijskracht"] = [meta.pop("bewijskracht")]
            paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip() and not p.startswith("#")]
            passages = [Passage(f"{doc_id}#{i}-x", doc_id, i, "", p, "x") for i, p in enumerate(paras)]
            ents = [Entity("GEMEENTE", g, g) for g in facets["gemeente"]]
            self.docs[doc_id] = DocumentRecord(doc_id, title, facets["type"][0], rel, "\n\n".join(paras),
                                               {k: v for k, v in facets.items() if v}, meta, ents, passages)

    def search(self, request):
        from markupsafe import escape

        from indexer.model import Hit, SearchResponse
        from indexer.ranking.query_syntax import parse_query

        terms = [t.lower() for t in parse_query(request.query).positive_terms()]
        hits = []
        for doc in self.docs.values():
            if request.doc_id and doc.id != request.doc_id:
                continue
            if any(not set(v) & set(doc.facets.get(f, [])) for f, v in request.filters.items()):
                continue
            for p in doc.passages:
                score = sum(p.text.lower().count(t) + doc.title.lower().count(t) for t in terms)
                if score:
                    hits.append(Hit(doc.id, p.id, doc.title, doc.doc_type, p.heading, p.text,
                                    str(escape(p.text[:200])), float(score), 1, float(score),
                                    facets=doc.facets, source_path=doc.source_path))
        hits.sort(key=lambda h: -h.score)
        if request.collapse and not request.doc_id:
            seen, kept = set(), []
            for h in hits:
                if h.doc_id not in seen:
                    seen.add(h.doc_id)
                    kept.append(h)
            hits = kept
        facets: dict[str, dict[str, int]] = {}
        for doc_id in {h.doc_id for h in hits}:
            for f, vs in self.docs[doc_id].facets.items():
                for v in vs:
                    facets.setdefault(f, {}).setdefault(v, 0)
                    facets[f][v] += 1
        start = (request.page - 1) * request.k
        return SearchResponse(request, len(hits), hits[start:start + request.k], facets,
                              detected={"gemeente": [g for g in ("Rotterdam",) if g.lower() in terms]})

    def get_document(self, doc_id):
        from indexer.errors import DocumentNotFound

        if doc_id not in self.docs:
            raise DocumentNotFound(f"no document {doc_id!r}")
        return self.docs[doc_id]

    def related(self, doc_id, k=5):
        from indexer.service import Related

        return [Related(d.id, d.title, d.doc_type, 0.5) for d in self.docs.values() if d.id != doc_id][:k]

    def facets(self):
        out: dict[str, dict[str, int]] = {}
        for doc in self.docs.values():
            for f, vs in doc.facets.items():
                for v in vs:
                    out.setdefault(f, {}).setdefault(v, 0)
                    out[f][v] += 1
        return out

    def suggest(self, prefix, limit=8):
        from indexer.service import Suggestion

        return [Suggestion(d.title, "titel", d.id) for d in self.docs.values()
                if d.title.lower().startswith(prefix.lower())][:limit]

    def documents(self, filters, page=1, per_page=50):
        docs = [d for d in sorted(self.docs.values(), key=lambda d: d.title)
                if all(set(v) & set(d.facets.get(f, [])) for f, v in filters.items())]
        return docs[(page - 1) * per_page: page * per_page], len(docs)

    def health(self):
        return {"ok": True, "documents": len(self.docs), "backend": "fake", "embedder": "none", "detail": ""}

    def stats(self):
        raise NotImplementedError

    def close(self):
        pass
