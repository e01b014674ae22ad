"""Kennisbank Gelijke Kansen: Flask front end (pages) and JSON API over a SearchService.

``create_app(config)``: defaults, then the environment (Settings.from_env, GKA_CORPUS_DIR), then
``config`` overrides (tests). Nothing opens the index here; the first request does (service.py).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, request

from indexer.config import DEFAULT_CORPUS_DIR, Settings

# Strict policy: no inline scripts or styles anywhere; the app ships its own css/js only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Original source files (HTML from the corpus) may carry markup: render them sandboxed.
SOURCE_CSP = "default-src 'none'; img-src 'self'; style-src 'self'; sandbox"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        PER_PAGE=10,
        EXPORT_MAX_ROWS=500,
        SERVICE_RETRY_SECONDS=2.0,  # pause between attempts to reopen a failed backend
        SERVICE_FACTORY=None,  # tests: a callable returning a SearchService
        CORPUS_DIR=DEFAULT_CORPUS_DIR,  # where /bron/ serves original files from
        SEND_FILE_MAX_AGE_DEFAULT=7 * 24 * 3600,  # static assets; their URLs carry a version
    )
    app.config["GKA_SETTINGS"] = Settings.from_env()
    if os.environ.get("GKA_CORPUS_DIR"):
        app.config["CORPUS_DIR"] = Path(os.environ["GKA_CORPUS_DIR"])
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable Dutch in the API
    app.json.sort_keys = False  # type: ignore[attr-defined]  # facet values stay in count order

    from search_app import api, errors, export, pages, service, templating

    service.init_app(app)
    errors.init_app(app)
    templating.init_app(app, _asset_version(Path(app.static_folder or "")))
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(export.bp)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    headers = response.headers
    is_source = request.path.startswith("/bron/")
    headers.setdefault("Content-Security-Policy", SOURCE_CSP if is_source else CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/api/") or request.path == "/healthz":
        headers.setdefault("Cache-Control", "no-store")
    return response


def _asset_version(static_dir: Path) -> str:
    """Hash of the static files: their URLs change when they change, so they can be cached long."""
    digest = hashlib.sha1()
    for path in sorted(static_dir.glob("**/*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


__all__ = ["create_app"]
