"""Escaping, path traversal, CSV injection, security headers, error pages, 503 and recovery."""
from __future__ import annotations

import csv
import io
import re
import json

import pytest
from app_fake import FlakyService, ServiceProxy, client, doc_ids, real_index, shared_app  # noqa: F401  (fixtures)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import IndexNotFound

XSS = "<script>alert(1)</script>"


def test_query_is_escaped_in_html_and_plain_in_json(client, doc_ids):
    pages = {url: client.get(url, query_string={"q": XSS}).get_data(as_text=True)
             for url in ("/", f"/documenten/{doc_ids['agenda-rotterdam']}")}
    for body in pages.values():
        assert XSS not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    data = client.get("/api/search", query_string={"q": XSS}).get_json()
    assert data["query"] == XSS
    # a corpus text holds the same markup: its snippet shows it escaped, never as a tag
    shown = [hit["snippet"].replace("<mark>", "").replace("</mark>", "") for hit in data["hits"]]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in snippet for snippet in shown)
    for hit in data["hits"]:
        assert "<script" not in hit["snippet"]
    # the results page shows the corpus text escaped once
    assert "papier &amp; pen" in pages["/"] and "&amp;lt;" not in pages["/"]


def test_filter_values_are_escaped(client):
    body = client.get("/", query_string={"q": "taal", "gemeente": '"><img src=x onerror=alert(1)>'}).get_data(as_text=True)
    assert "<img src=x" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/bron/../../etc/passwd",
        "/bron/%2e%2e/%2e%2e/etc/passwd",
        "/bron/..%2f..%2f..%2fetc%2fpasswd",
        "/bron/%2Fetc%2Fpasswd",
        "/bron//etc/passwd",
        "/bron/agenda-rotterdam.md/../../../etc/passwd",
        "/bron/%252e%252e/etc/passwd",
        "/bron/..%5c..%5cetc%5cpasswd",
    ],
)
def test_traversal_in_the_url_names_no_document(client, path):
    # Werkzeug may first redirect "//" to "/" (merge_slashes); the end is a 404 either way.
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert b"root:" not in response.data


class _SourcePathAs(ServiceProxy):
    """A SearchService whose documents claim another source path (a damaged or hostile index)."""

    def __init__(self, inner, source_path: str):
        super().__init__(inner)
        self.source_path = source_path

    def get_document(self, doc_id):
        from dataclasses import replace

        return replace(self.inner.get_document(doc_id), source_path=self.source_path)


@pytest.mark.parametrize("stored", ["../secret.txt", "sub/../../secret.txt", "{abs}", "link.txt", "sub"])
def test_a_stored_source_path_outside_the_corpus_is_never_served(real_index, doc_ids, tmp_path, stored):
    from search_app import create_app

    from indexer.search import open_service

    settings, _, _ = real_index
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n", encoding="utf-8")
    (corpus / "link.txt").symlink_to(secret)
    stored = stored.format(abs=secret)
    app = create_app({"TESTING": True, "CORPUS_DIR": corpus,
                      "SERVICE_FACTORY": lambda: _SourcePathAs(open_service(settings), stored)})
    response = app.test_client().get(f"/bron/{doc_ids['agenda-rotterdam']}")
    assert response.status_code == 404
    assert b"root:" not in response.data


def test_source_outside_corpus_is_404(real_index, doc_ids, tmp_path):
    """A document whose source file is not under CORPUS_DIR is never served."""
    from search_app import create_app

    settings, _, _ = real_index
    app = create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": tmp_path})
    assert app.test_client().get(f"/bron/{doc_ids['agenda-rotterdam']}").status_code == 404


def test_csv_export_is_formula_safe(client):
    response = client.get("/export.csv?q=rekenles ouders&mode=keyword")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["rang", "titel", "type"]
    titles = [row[1] for row in rows[1:]]
    assert all(re.fullmatch(r"\d+,\d{6}", row[5]) for row in rows[1:])  # a decimal comma for Dutch Excel
    assert "'=HYPERLINK(\"http://example.invalid\") Rekenles met ouders in Utrecht" in titles
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_export_json_and_row_cap(real_index, monkeypatch):
    from search_app import create_app

    settings, corpus, _ = real_index
    app = create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "EXPORT_MAX_ROWS": 3})
    response = app.test_client().get("/export.json?q=school&collapse=0")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["query"] == "school" and data["count"] == len(data["hits"]) == 3
    assert app.test_client().get("/export.csv").status_code == 400  # a query or a filter is required
    # without a cap: exactly the results the search lists, over all its pages
    from dataclasses import replace

    # a small candidate pool, so the export's pages are several and its old page size (50) differed
    full = create_app({"TESTING": True, "GKA_SETTINGS": replace(settings, candidate_depth=6), "CORPUS_DIR": corpus})
    for query in ("q=school", "q=school&collapse=0&k=3", "q=ouders&mode=semantic"):
        exported = json.loads(full.test_client().get(f"/export.json?{query}").data)
        api_query = query if "collapse=" in query else f"{query}&collapse=1"  # the export collapses by default
        total = full.test_client().get(f"/api/search?{api_query}").get_json()["total"]
        assert exported["count"] == total > 0
    assert app.test_client().get("/export.csv?q=x&k=0").status_code == 200  # the export ignores k
    # the same rows in the same order whatever the page size, past the page limit of small pages
    import search_app.export as export

    monkeypatch.setattr(export, "MAX_PAGE", 3)  # this corpus has 9 results for "school", not 50+
    rows = [json.loads(full.test_client().get(f"/export.json?q=school&collapse=0&per_page={n}").data)["hits"]
            for n in (1, 10)]
    assert len(rows[0]) > 3 and [h["passage_id"] for h in rows[0]] == [h["passage_id"] for h in rows[1]]
    walked = []
    for page in range(1, 60):
        got = full.test_client().get(f"/api/search?q=school&collapse=0&k=7&page={page}").get_json()["hits"]
        if not got:
            break
        walked += [h["passage_id"] for h in got]
    assert walked == [h["passage_id"] for h in rows[0]]


@pytest.mark.parametrize("url", ["/", "/?q=taal", "/api/search?q=taal", "/healthz", "/static/style.css",
                                 "/documenten/bestaat-niet", "/api/search?mode=x", "/export.csv?q=taal"])
def test_security_headers_everywhere(client, url):
    with client.get(url) as response:  # closes streamed files (static, /bron)
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_source_files_are_sandboxed(client, doc_ids):
    with client.get(f"/bron/{doc_ids['agenda-rotterdam']}") as response:
        csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp


@pytest.mark.parametrize("query", ["mode=fuzzy", "k=0", "per_page=99", "page=abc", "kleur=rood", "q=" + "x" * 501])
def test_bad_parameters_render_dutch_400_page(client, query):
    response = client.get("/?" + ("q=taal&" if not query.startswith("q=") else "") + query)
    assert response.status_code == 400 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Ongeldige zoekopdracht" in body and '<html lang="nl">' in body


def test_backend_unavailable_gives_503_then_recovers(real_index):
    from search_app import create_app

    from indexer.search import open_service

    settings, corpus, _ = real_index
    state, opened = {"down": False}, []

    def factory():
        opened.append(FlakyService(open_service(settings), state))
        return opened[-1]

    app = create_app({"TESTING": True, "SERVICE_FACTORY": factory, "CORPUS_DIR": corpus, "SERVICE_RETRY_SECONDS": 0})
    c = app.test_client()
    assert c.get("/api/search?q=taal").status_code == 200
    state["down"] = True
    api = c.get("/api/search?q=taal")
    assert api.status_code == 503 and api.get_json()["error"]["status"] == 503
    assert api.headers["Retry-After"]
    page = c.get("/?q=taal")
    assert page.status_code == 503 and "niet beschikbaar" in page.get_data(as_text=True)
    assert '<html lang="nl">' in page.get_data(as_text=True)
    health = c.get("/healthz")
    assert health.status_code == 503 and health.get_json()["ok"] is False
    # the backend comes back: the app reopens the service by itself, no restart
    state["down"] = False
    assert c.get("/api/search?q=taal").status_code == 200
    assert c.get("/healthz").status_code == 200
    assert len(opened) >= 2  # the failed instance was dropped and a fresh one opened


def test_missing_index_gives_503_until_it_exists(real_index):
    from search_app import create_app

    from indexer.search import open_service

    settings, corpus, _ = real_index
    attempts = {"n": 0}

    def factory():
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise IndexNotFound("no index yet")
        return open_service(settings)

    app = create_app({"TESTING": True, "SERVICE_FACTORY": factory, "CORPUS_DIR": corpus, "SERVICE_RETRY_SECONDS": 0})
    c = app.test_client()
    assert c.get("/api/facets").status_code == 503
    assert c.get("/api/facets").status_code == 200


def test_failed_open_is_not_retried_immediately(real_index):
    """Between retries the app answers 503 fast instead of hammering a down backend."""
    from search_app import create_app

    calls = {"n": 0}

    def factory():
        calls["n"] += 1
        raise IndexNotFound("no index yet")

    app = create_app({"TESTING": True, "SERVICE_FACTORY": factory, "SERVICE_RETRY_SECONDS": 60})
    c = app.test_client()
    assert [c.get("/api/facets").status_code for _ in range(3)] == [503, 503, 503]
    assert calls["n"] == 1


def test_nothing_opens_the_index_at_create_time(tmp_path):
    from search_app import create_app

    from indexer.config import Settings

    app = create_app({"TESTING": True, "GKA_SETTINGS": Settings.from_env(env={}, index_dir=tmp_path / "geen")})
    assert app.test_client().get("/").status_code == 200  # the empty state needs no index
    assert app.test_client().get("/healthz").status_code == 503


@given(
    q=st.text(max_size=60),
    mode=st.sampled_from(["", "hybrid", "keyword", "semantic", "x", "\x00"]),
    k=st.one_of(st.integers(-5, 60).map(str), st.text(max_size=3)),
    extra=st.sampled_from(["", "gemeente", "type", "jaar", "onbekend", "collapse", "sort"]),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_user_input_never_causes_500(client, q, mode, k, extra):
    query = {"q": q, "mode": mode, "k": k}
    if extra:
        query[extra] = q[:10]
    for url in ("/api/search", "/", "/export.json"):
        assert client.get(url, query_string=query).status_code in (200, 400), (url, query)
    assert client.get("/api/suggest", query_string={"q": q}).status_code in (200, 400)
