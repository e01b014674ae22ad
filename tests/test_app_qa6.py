"""QA findings (sixth pass: the index going away or holding nothing), each reproduced against a
tiny real index in tmp_path."""
from __future__ import annotations

import logging
import shutil

import pytest
from app_fake import APP_CORPUS, build_app_index
from bs4 import BeautifulSoup

from indexer.backends.embedded.layout import current_generation
from indexer.config import Settings
from search_app import __main__ as main
from search_app import create_app

UNAVAILABLE = "De zoekindex is op dit moment niet bereikbaar. Probeer het over een paar minuten opnieuw."


def app_over(settings, corpus):
    return create_app({"TESTING": True, "GKA_SETTINGS": settings, "CORPUS_DIR": corpus, "SERVICE_RETRY_SECONDS": 0})


@pytest.fixture()
def moved_generation(tmp_path):
    """(client, settings, restore): an app that answered a search, then lost its live generation."""
    settings, corpus, _ = build_app_index(tmp_path / "index")
    client = app_over(settings, corpus).test_client()
    assert client.get("/api/search?q=taal").status_code == 200
    live = current_generation(settings.index_dir)
    moved = live.rename(live.with_name("gen-moved"))
    return client, settings, lambda: moved.rename(live)


# 1. /healthz answered 500 "Interne fout." when the live generation's folder disappeared under a
#    running app (backend.stats() raised FileNotFoundError), and kept answering 500 until some
#    other request dropped the service: a load balancer polling it saw an internal error


def test_healthz_is_503_while_the_index_is_gone_and_200_when_it_is_back(moved_generation):
    client, _, restore = moved_generation
    for _ in range(3):  # only /healthz is polled, as a load balancer does
        health = client.get("/healthz")
        assert health.status_code == 503, health.data[:300]
        assert health.get_json()["ok"] is False and health.headers["Cache-Control"] == "no-store"
        assert health.headers["Retry-After"] == "5"  # as every other 503 says when to ask again
    restore()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["ok"] is True and "Retry-After" not in health.headers


# 2. a 503 said "Zoekindex niet beschikbaar: zoekindex niet beschikbaar: the index pointer in
#    /tmp/... names a missing generation 'gen-000003'": server paths, English internals and the
#    Dutch prefix twice. Visitors get one short Dutch sentence; the reason goes to the log


@pytest.mark.parametrize("url", ["/api/facets", "/api/search?q=ouders", "/healthz"])
def test_a_503_says_one_dutch_sentence_and_logs_the_reason(moved_generation, caplog, url):
    client, settings, _ = moved_generation
    caplog.set_level(logging.WARNING)
    # the loaded generation may still answer from memory; the health check drops it, and the
    # reopened service then finds the pointer naming a missing generation (the report's case)
    client.get("/healthz")
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 503
        body = response.get_json()
        message = body["detail"] if url == "/healthz" else body["error"]["message"]
        assert message == UNAVAILABLE
        assert str(settings.index_dir) not in response.get_data(as_text=True)
    assert "gen-" in caplog.text and str(settings.index_dir) in caplog.text  # the operator's details


def test_the_503_page_has_no_server_paths(moved_generation):
    client, settings, _ = moved_generation
    client.get("/healthz")  # drops the loaded generation (see above)
    page = client.get("/?q=ouders")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and UNAVAILABLE in text
    assert str(settings.index_dir) not in text and "gen-" not in text


def test_a_missing_index_is_named_as_such(tmp_path):
    settings = Settings.from_env(env={}, index_dir=tmp_path / "geen", embedder="fake")
    client = app_over(settings, tmp_path).test_client()
    message = client.get("/api/facets").get_json()["error"]["message"]
    assert message.startswith("Er is nog geen zoekindex") and str(tmp_path) not in message
    health = client.get("/healthz").get_json()
    assert health["ok"] is False and health["detail"] == message


# 3. an empty or wrong corpus folder: the app printed "Index ready: 0 documents", served, and
#    /healthz said ok; the CLI said "nothing could be indexed" but left an empty index behind,
#    which the next start served. A build that finds no document now writes nothing, and the app
#    neither starts on nothing nor calls an index of nothing healthy


def test_the_app_does_not_start_on_an_empty_corpus_folder(tmp_path, monkeypatch, capsys):
    empty, index_dir = tmp_path / "leeg", tmp_path / "index"
    empty.mkdir()
    monkeypatch.setenv("GKA_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("GKA_CORPUS_DIR", str(empty))
    monkeypatch.setenv("GKA_EMBEDDER", "fake")
    served = []
    monkeypatch.setattr("waitress.serve", lambda app, **options: served.append(options))
    assert main.main([]) == 1 and not served
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"error: nothing could be indexed: no documents in {empty}"
    assert err[1].startswith("hint: give the folder of the documents")
    assert not (index_dir / "CURRENT").exists()  # nothing for a later start to serve


@pytest.fixture()
def empty_index(tmp_path):
    """(settings, corpus) of an index of no documents, as builds of an empty folder left them."""
    from indexer.backends import open_backend

    settings, corpus, _ = build_app_index(tmp_path / "index")
    backend = open_backend(settings)
    try:
        backend.writer(backend.meta(), full=True).commit()  # a generation of nothing, published
    finally:
        backend.close()
    return settings, corpus


def test_an_index_of_nothing_is_not_healthy_and_the_page_says_why(empty_index):
    client = app_over(*empty_index).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["ok"] is False and health.get_json()["documents"] == 0
    assert health.get_json()["detail"].startswith("De zoekindex bevat geen documenten")
    for url in ("/?q=ouders", "/?type=agenda"):
        box = BeautifulSoup(client.get(url).data, "html.parser").select_one(".no-results")
        assert "De zoekindex bevat geen documenten" in box.get_text()
        assert "minder woorden" not in box.get_text() and "minder filters" not in box.get_text()


def test_a_start_on_an_index_of_nothing_indexes_the_corpus_or_refuses(empty_index, tmp_path, capsys):
    from indexer.errors import GkaError
    from indexer.search import open_service

    settings, _ = empty_index
    (tmp_path / "leeg").mkdir()
    with pytest.raises(GkaError, match="nothing could be indexed"):
        main.ensure_index(settings, tmp_path / "leeg")
    shutil.copytree(APP_CORPUS, tmp_path / "goed")
    main.ensure_index(settings, tmp_path / "goed")
    assert "The index holds no documents" in capsys.readouterr().out
    service = open_service(settings)
    try:
        assert service.health()["documents"] == 8
    finally:
        service.close()
